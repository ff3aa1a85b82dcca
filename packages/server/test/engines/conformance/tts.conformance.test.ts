/**
 * The TTS contract suite (tts-conformance.ts) against every TTS engine that runs here:
 * - Flite, for real (WASI build on worker threads);
 * - openai-speech, against the scripted `/v1/audio/speech` server, streaming one second of
 *   24 kHz PCM in small delayed writes; once with a voice list (unknown voices refused) and once
 *   without (the server judges voices).
 */
import { afterAll, beforeAll } from 'vitest';
import { FliteTts } from '../../../src/engines/tts/flite.js';
import { OpenAiSpeechTts } from '../../../src/engines/tts/openai-speech.js';
import { startScriptedSpeech, type ScriptedSpeech, type SpeechScript } from '../../support/scripted-speech.js';
import { describeTtsEngine } from './tts-conformance.js';

describeTtsEngine('flite', () => new FliteTts({ workers: 1 }), { durationMs: [1200, 4000], deterministic: true });

let server: ScriptedSpeech;
beforeAll(async () => {
  server = await startScriptedSpeech();
});
afterAll(async () => {
  await server?.close();
});

/** One second of a 24 kHz ramp, as little-endian PCM16, in ten writes 5 ms apart. */
const ONE_SECOND: SpeechScript = (() => {
  const bytes = new Uint8Array(48_000);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 24_000; i++) view.setInt16(i * 2, ((i * 263) % 65536) - 32768, true);
  return { audio: bytes, writes: Array.from({ length: 10 }, () => 4800), delayMs: 5 };
})();
/** Each test makes at most two requests, plus one the suite repeats after a `beforeEach`. */
const queueScripts = () => server.enqueue(ONE_SECOND, ONE_SECOND);

describeTtsEngine(
  'openai-speech (voice list)',
  () => new OpenAiSpeechTts({ baseUrl: server.url, model: 'tts-conformance', voices: ['af_bella', 'am_adam'], voiceMap: { alloy: 'af_bella' } }),
  { durationMs: [999, 1001], deterministic: true, beforeEach: queueScripts },
);
describeTtsEngine('openai-speech (any voice)', () => new OpenAiSpeechTts({ baseUrl: server.url, model: 'tts-conformance' }), {
  durationMs: [999, 1001],
  deterministic: true,
  beforeEach: queueScripts,
});
