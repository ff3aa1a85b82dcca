/**
 * The STT contract suite (stt-conformance.ts) against every STT engine that runs here:
 * - pocketsphinx, for real (Debian's packages; skipped with a banner when they are absent,
 *   never under CI);
 * - openai-transcriptions, against a scripted server that "recognises" the suite's two
 *   sentences by their exact samples — so it checks that the engine sends each stream's own
 *   audio, whole and unmixed — with and without word timestamps;
 * - whisper-cpp, decoding for real on a tiny random-weight model (its words are gibberish, so
 *   only the contract is checked, not the transcript).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { OpenAiTranscriptionsStt } from '../../../src/engines/stt/openai-transcriptions.js';
import { DEFAULT_POCKETSPHINX_MODEL_DIR, PocketsphinxStt } from '../../../src/engines/stt/pocketsphinx.js';
import { WhisperCppStt } from '../../../src/engines/stt/whisper-cpp.js';
import { startScriptedTranscriptions, type RecordedTranscriptionRequest, type ScriptedTranscriptions, type Transcript } from '../../support/scripted-transcriptions.js';
import { writeTinyWhisper } from '../../support/tiny-whisper.js';
import { describeSttEngine, sttConformanceUtterances } from './stt-conformance.js';

async function pocketsphinxInstalled(): Promise<boolean> {
  if (!existsSync(`${DEFAULT_POCKETSPHINX_MODEL_DIR}/en-us/mdef`)) return false;
  try {
    const koffi = (await import('koffi')).default;
    koffi.load('libsphinxbase.so.3');
    koffi.load('libpocketsphinx.so.3');
    return true;
  } catch {
    return false;
  }
}

if ((await pocketsphinxInstalled()) || process.env.CI === 'true') {
  describeSttEngine('pocketsphinx', () => new PocketsphinxStt(), { recognizes: true });
} else {
  console.warn('\n!!! SKIPPING the pocketsphinx STT conformance suite: apt-get install -y pocketsphinx pocketsphinx-en-us\n');
}

// One scripted server for both openai-transcriptions runs.
let server: ScriptedTranscriptions;
const RATE = 16000;
beforeAll(async () => {
  server = await startScriptedTranscriptions();
  const known = await sttConformanceUtterances(RATE);
  server.transcriber = (request: RecordedTranscriptionRequest): Transcript => {
    const samples = request.wav?.samples;
    const match = known.find((u) => samples && u.samples.length === samples.length && u.samples.every((s, i) => s === samples[i]));
    if (!match) return { text: '' };
    // Words spread over the audio, as a server with word timestamps would send them.
    const words = match.text.split(' ');
    const seconds = match.samples.length / RATE;
    return { text: `${match.text[0]!.toUpperCase()}${match.text.slice(1)}.`, words: words.map((word, i) => ({ word, start: (seconds * i) / words.length, end: (seconds * (i + 1)) / words.length })) };
  };
});
afterAll(async () => {
  await server?.close();
});

describeSttEngine('openai-transcriptions (json)', () => new OpenAiTranscriptionsStt({ baseUrl: server.url, model: 'conformance', timeoutMs: 10_000 }), { recognizes: true });
describeSttEngine('openai-transcriptions (verbose_json, words)', () => new OpenAiTranscriptionsStt({ baseUrl: server.url, model: 'conformance', timeoutMs: 10_000, wordTimings: true }), {
  recognizes: true,
});

let whisperDir: string | undefined;
afterAll(async () => {
  if (whisperDir) await rm(whisperDir, { recursive: true, force: true });
});
describeSttEngine('whisper-cpp (tiny random-weight model)', async () => {
  whisperDir = await mkdtemp(join(tmpdir(), 'parley-whisper-conformance-'));
  return new WhisperCppStt({ modelPath: await writeTinyWhisper(join(whisperDir, 'ggml-tiny-random.en.bin')) });
});
