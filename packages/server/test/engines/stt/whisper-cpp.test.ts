/**
 * The whisper.cpp engine (`@fugood/whisper.node`). No real whisper weights exist offline here,
 * so: the model-file errors (missing, a directory, empty, not ggml, GGUF, truncated — the last
 * goes through whisper.cpp's own loader), and the real decoding path on a tiny random-weight
 * model written at test time (test/support/tiny-whisper.ts). Its transcripts are gibberish:
 * these tests check what the engine does with them, never the words.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParleyError } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SttEvent, SttFinal, SttStream } from '../../../src/engines/stt/index.js';
import { isEnglishOnlyModel, stripAnnotations, WhisperCppStt, wordsFromTokens } from '../../../src/engines/stt/whisper-cpp.js';
import { concatSamples, silence, synthesizeSpeech } from '../../support/speech.js';
import { buildTinyWhisper, tinyWhisperHeaderBytes, writeTinyWhisper } from '../../support/tiny-whisper.js';

let dir: string;
let tinyModel: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-whisper-'));
  tinyModel = await writeTinyWhisper(join(dir, 'ggml-tiny-random.en.bin'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function drain(stream: SttStream): Promise<{ events: SttEvent[]; error?: unknown }> {
  const events: SttEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

async function run(engine: WhisperCppStt, pcm: Int16Array, signal = new AbortController().signal): Promise<{ events: SttEvent[]; error?: unknown }> {
  const stream = engine.open({ signal });
  for (let at = 0; at < pcm.length; at += 1600) stream.write(pcm.subarray(at, at + 1600));
  stream.end();
  return drain(stream);
}

async function loadError(engine: WhisperCppStt): Promise<ParleyError> {
  const error = await engine.warmup().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ParleyError);
  expect((error as ParleyError).code).toBe('engine_unavailable');
  return error as ParleyError;
}

describe('WhisperCppStt: model files it cannot use', () => {
  it('names the missing path and how to get a model, from warmup() and from a stream', async () => {
    const path = join(dir, 'nope', 'ggml-base.en.bin');
    const engine = new WhisperCppStt({ modelPath: path });
    const error = await loadError(engine);
    expect(error.message).toContain(`${path} does not exist`);
    expect(error.message).toContain('download-ggml-model.sh');
    expect(error.message).toContain('stt.model_path');
    const outcome = await run(engine, new Int16Array(1600));
    expect((outcome.error as ParleyError).code).toBe('engine_unavailable');
    expect(outcome.events).toEqual([]);
    await engine.close();
  });

  it('says what is wrong with a directory, an empty file, a file of another kind and a GGUF file', async () => {
    const cases: [string, Buffer | null, string][] = [
      ['a-directory.bin', null, 'is not a file'],
      ['empty.bin', Buffer.alloc(0), 'is empty'],
      ['noise.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 97 + 13) % 256)), 'does not start with the ggml magic'],
      ['model.gguf', Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(60)]), 'is a GGUF file'],
    ];
    for (const [name, bytes, why] of cases) {
      const path = join(dir, name);
      if (bytes) await writeFile(path, bytes);
      else await mkdir(path, { recursive: true });
      const error = await loadError(new WhisperCppStt({ modelPath: path }));
      expect(error.message, name).toContain(path);
      expect(error.message, name).toContain(why);
    }
  });

  it("reports a truncated model with whisper.cpp's own reason, and loads once the file is whole", async () => {
    const path = join(dir, 'ggml-cut.en.bin');
    const whole = buildTinyWhisper();
    await writeFile(path, whole.subarray(0, tinyWhisperHeaderBytes() + 5000)); // cut inside the first tensor
    const lines: string[] = [];
    const engine = new WhisperCppStt({ modelPath: path, onLog: (level, text) => lines.push(`${level}: ${text.trim()}`) });
    const error = await loadError(engine);
    expect(error.message).toContain('could not load the model');
    expect(error.message).toContain('not all tensors loaded');
    expect(lines.some((line) => line.startsWith('info: whisper_model_load'))).toBe(true);
    // A failed load is not remembered.
    await writeFile(path, whole);
    await engine.warmup();
    await engine.close();
  });
});

describe('WhisperCppStt on a tiny random-weight model', () => {
  let engine: WhisperCppStt;
  let speech: Int16Array;
  beforeAll(async () => {
    engine = new WhisperCppStt({ modelPath: tinyModel });
    const [s] = await Promise.all([synthesizeSpeech('turn on the kitchen lights', { sampleRate: 16000 }), engine.warmup()]);
    speech = concatSamples(silence(300, 16000), s.samples, silence(300, 16000));
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('declares an English-only buffered engine at 16 kHz with word times', () => {
    expect(engine.capabilities).toEqual({ partials: false, wordTimings: true, sampleRate: 16000, languages: ['en'] });
    expect(engine.label).toBe(`whisper-cpp(${tinyModel})`);
    expect(new WhisperCppStt({ modelPath: '/m/ggml-small.bin', wordTimings: false }).capabilities).toEqual({ partials: false, wordTimings: false, sampleRate: 16000 });
  });

  it('decodes on the thread pool: one final, words within the audio, the event loop free meanwhile', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const outcome = await run(engine, speech);
    const took = performance.now() - started;
    clearInterval(timer);
    expect(outcome.error).toBeUndefined();
    expect(outcome.events).toHaveLength(1);
    const final = outcome.events[0] as SttFinal;
    expect(final.type).toBe('final');
    expect(typeof final.text).toBe('string');
    expect(final.delta).toBe(final.text);
    expect(final.audioMs).toBeCloseTo((speech.length * 1000) / 16000, 6);
    for (const word of final.words!) {
      expect(word.text.trim()).toBe(word.text);
      expect(word.startMs).toBeGreaterThanOrEqual(0);
      expect(word.endMs).toBeGreaterThanOrEqual(word.startMs);
      expect(word.endMs).toBeLessThanOrEqual(final.audioMs);
    }
    // A synchronous decode would let no timer run; off the loop, they keep firing.
    expect(ticks).toBeGreaterThanOrEqual(Math.min(5, Math.floor(took / 20)));
  });

  it('queues concurrent utterances on the one model', async () => {
    const a = run(engine, speech);
    const b = run(engine, speech.subarray(0, 16000));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(engine.pending).toBeGreaterThanOrEqual(1);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.events).toHaveLength(1);
    expect(rb.events).toMatchObject([{ type: 'final', audioMs: 1000 }]);
    expect(engine.pending).toBe(0);
  });

  it('throws the reason at once when aborted mid-decode, and the next utterance still decodes', async () => {
    const controller = new AbortController();
    const stream = engine.open({ signal: controller.signal });
    stream.write(speech);
    stream.end();
    const outcome = drain(stream);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error('barge-in');
    const aborted = performance.now();
    controller.abort(reason);
    expect((await outcome).error).toBe(reason);
    expect(performance.now() - aborted).toBeLessThan(200);
    // The binding never settles a stopped run; the engine does not stop it, so nothing hangs.
    const next = await run(engine, speech);
    expect(next.error).toBeUndefined();
    expect(next.events).toHaveLength(1);
  });

  it('refuses a language the English-only model does not know', async () => {
    const outcome = await drain(engine.open({ signal: new AbortController().signal, language: 'de' }));
    expect((outcome.error as ParleyError).code).toBe('unsupported_feature');
  });

  it('close() aborts the open streams and frees the model', async () => {
    const own = new WhisperCppStt({ modelPath: tinyModel });
    const stream = own.open({ signal: new AbortController().signal });
    stream.write(speech);
    stream.end();
    const outcome = drain(stream);
    await own.close();
    expect(((await outcome).error as ParleyError).code).toBe('engine_unavailable');
    expect(((await run(own, speech)).error as ParleyError).message).toContain('was closed');
  });
});

describe('whisper output clean-up', () => {
  it('removes non-speech annotations from the text', () => {
    expect(stripAnnotations(' [BLANK_AUDIO]')).toBe('');
    expect(stripAnnotations(' (upbeat music) Turn on the lights [ Silence ] .')).toBe('Turn on the lights.');
    expect(stripAnnotations(' Hello, world!')).toBe('Hello, world!');
  });

  it('joins tokens into words at their leading space and drops annotated words', () => {
    const segments = [
      { text: ' [', t0: 0, t1: 10 },
      { text: 'BL', t0: 10, t1: 20 },
      { text: 'ANK_AUDIO]', t0: 20, t1: 30 },
      { text: ' Par', t0: 100, t1: 200 },
      { text: 'is', t0: 200, t1: 260 },
      { text: '.', t0: 260, t1: 270 },
      { text: ' (music', t0: 300, t1: 320 },
      { text: ' plays)', t0: 320, t1: 340 },
      { text: ' today', t0: 400, t1: 600 },
      { text: '', t0: 600, t1: 600 },
    ];
    expect(wordsFromTokens(segments)).toEqual([
      { text: 'Paris.', startMs: 100, endMs: 270 },
      { text: 'today', startMs: 400, endMs: 600 },
    ]);
  });

  it('tells English-only models by their file name', () => {
    expect(isEnglishOnlyModel('/m/ggml-base.en.bin')).toBe(true);
    expect(isEnglishOnlyModel('ggml-tiny.en-q5_1.bin')).toBe(true);
    expect(isEnglishOnlyModel('/m/ggml-base.bin')).toBe(false);
    expect(isEnglishOnlyModel('/en/ggml-large-v3.bin')).toBe(false);
  });
});
