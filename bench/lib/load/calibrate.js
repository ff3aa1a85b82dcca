/**
 * Where the server will end each turn of the fixture, found once before the run by the server's
 * own `Hearing` (decoder → resampler → Silero → turn detector, server_vad defaults) on a few
 * loops pushed at once. Hearing works on the audio clock, so this is exactly what a live session
 * decides, however fast the audio comes:
 *
 * - `audioEndMs`: the speech end the VAD reports (`speech_stopped.audio_end_ms`), in the loop's clock;
 * - `commitMs`: the end of the frame that completed the silence window (the VAD's decision point);
 * - `triggerChunk`: the first append whose audio lets the 16 kHz stream reach `commitMs` (the
 *   resampler holds back a few samples), i.e. the append after which the server can say
 *   `speech_stopped`. Its send time starts the server's own delay.
 *
 * The bare-socket ceiling says `speech_stopped` after the same append, so both are measured alike.
 */
import { createResampler, createSileroVad, Hearing, HEARING_RATE, InputAudioDecoder, silentLogger } from '@parley/server';
import { INPUT_RATE } from './fixture.js';

const LOOPS = 3;
const SAMPLES_PER_MS = HEARING_RATE / 1000;

export const SERVER_VAD = { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, idle_timeout_ms: null, create_response: true, interrupt_response: true };

async function stoppedTurns(fixture, vad) {
  const stopped = [];
  const failures = [];
  const config = { format: { type: 'audio/pcm', rate: INPUT_RATE }, turn_detection: SERVER_VAD, transcription: null, noise_reduction: null };
  const sink = { speechStarted() {}, speechStopped: (e) => stopped.push(e), speechDiscarded() {}, failed: (e) => failures.push(e) };
  const hearing = new Hearing({ vad, stt: null }, config, sink, silentLogger);
  for (let loop = 0; loop < LOOPS; loop++) for (const chunk of fixture.chunks) hearing.push(chunk);
  const deadline = performance.now() + 20_000;
  while (stopped.length < LOOPS && failures.length === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  hearing.close();
  if (failures.length > 0) throw failures[0];
  return stopped;
}

/** Cumulative 16 kHz samples out of the hearing resampler after each append of `loops` loops. */
async function resampledAfterEachChunk(fixture, loops) {
  const decoder = new InputAudioDecoder({ type: 'audio/pcm', rate: INPUT_RATE });
  const resampler = await createResampler({ inputRate: INPUT_RATE, outputRate: HEARING_RATE });
  const out = [];
  let total = 0;
  for (let loop = 0; loop < loops; loop++) for (const chunk of fixture.chunks) out.push((total += resampler.process(decoder.decode(chunk)).length));
  resampler.close();
  return out;
}

export async function calibrate(fixture) {
  const vad = await createSileroVad();
  try {
    const stopped = await stoppedTurns(fixture, vad);
    if (stopped.length !== LOOPS) throw new Error(`calibration: the VAD ended ${stopped.length} turns in ${LOOPS} loops of the fixture, expected one per loop`);
    const cumulative = await resampledAfterEachChunk(fixture, LOOPS);
    const perLoop = stopped.map((e, loop) => {
      const commit16 = Math.round(e.commit_ms * SAMPLES_PER_MS);
      const chunk = cumulative.findIndex((n) => n >= commit16);
      return { audioEndMs: e.audio_end_ms - loop * fixture.loopMs, commitMs: e.commit_ms - loop * fixture.loopMs, triggerChunk: chunk - loop * fixture.loopChunks };
    });
    // Loop 0 starts from a fresh VAD state; later loops are the steady state every session is in.
    const steady = perLoop[1];
    if (perLoop.slice(1).some((p) => p.audioEndMs !== steady.audioEndMs || p.triggerChunk !== steady.triggerChunk)) {
      throw new Error(`calibration: the loops end differently: ${JSON.stringify(perLoop)}`);
    }
    return { ...steady, perLoop, silenceMs: SERVER_VAD.silence_duration_ms };
  } finally {
    await vad.close();
  }
}
