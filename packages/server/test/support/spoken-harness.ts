/** Parley with every real speech engine (Silero VAD, pocketsphinx, Flite) and a scripted LLM; `stop()` closes the engines too. */
import { PocketsphinxStt } from '../../src/engines/stt/pocketsphinx.js';
import { FliteTts } from '../../src/engines/tts/flite.js';
import { createSileroVad } from '../../src/engines/vad/silero.js';
import { startHarness, type Harness } from './harness.js';

export interface SpokenHarness extends Harness {
  /** The server's speech recognizer, also for transcribing its answers back. */
  stt: PocketsphinxStt;
}

export async function startSpokenHarness(): Promise<SpokenHarness> {
  const vad = await createSileroVad();
  const stt = new PocketsphinxStt();
  const tts = new FliteTts();
  await Promise.all([stt.warmup(), tts.warmup?.()]);
  const h = await startHarness({ hearing: { vad, stt }, tts });
  return {
    ...h,
    stt,
    stop: async () => {
      await h.stop();
      await Promise.all([vad.close(), stt.close(), tts.close?.()]);
    },
  };
}
