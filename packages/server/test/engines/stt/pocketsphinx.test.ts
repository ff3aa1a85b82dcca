/**
 * The pocketsphinx engine on real speech: Flite's `slt` voice (which pocketsphinx transcribes
 * exactly; reference/components.md §3a), fed in 100 ms chunks.
 *
 * Needs the Debian packages `pocketsphinx` and `pocketsphinx-en-us`. Without them the speech
 * tests are skipped with a loud message — except under CI (CI=true), where they run and fail.
 * The error-path tests run everywhere.
 */
import { existsSync } from 'node:fs';
import { ParleyError } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResampler } from '../../../src/audio/resampler.js';
import type { SttEvent, SttFinal, SttPartial, SttStream } from '../../../src/engines/stt/index.js';
import { DEFAULT_POCKETSPHINX_MODEL_DIR, PocketsphinxStt } from '../../../src/engines/stt/pocketsphinx.js';
import { concatSamples, silence, synthesizeSpeech, type Speech } from '../../support/speech.js';

const RATE = 16000;
const CHUNK = 1600; // 100 ms
const WEATHER = 'what is the weather in paris today';
const LIGHTS = 'turn on the kitchen lights';
const PAD_MS = 500;

/** Whether the Debian packages are here: the model's files, and the libraries koffi can load. */
async function debianPackagesInstalled(): Promise<boolean> {
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

const installed = await debianPackagesInstalled();
const runSpeech = installed || process.env.CI === 'true';
if (!runSpeech) {
  const line = '!'.repeat(100);
  console.warn(
    `\n${line}\n!!! SKIPPING the pocketsphinx speech tests: the Debian packages are not installed.\n` +
      `!!! Install them with: apt-get install -y pocketsphinx pocketsphinx-en-us   (CI installs them and never skips.)\n${line}\n`,
  );
}

/** Writes `samples` in 100 ms chunks, yielding to the event loop for `paceMs` between them. */
async function feed(stream: SttStream, samples: Int16Array, paceMs = 0): Promise<void> {
  for (let at = 0; at < samples.length; at += CHUNK) {
    stream.write(samples.subarray(at, at + CHUNK));
    await new Promise((resolve) => setTimeout(resolve, paceMs));
  }
}

interface Collected {
  partials: SttPartial[];
  final: SttFinal | undefined;
  /** How many partials had arrived when `end()` was called. */
  partialsBeforeEnd: number;
}

/** Streams `samples` into a new transcription at `paceMs` per chunk, ends it, and collects its events. */
async function transcribeStreaming(engine: PocketsphinxStt, samples: Int16Array, paceMs = 0, signal = new AbortController().signal): Promise<Collected> {
  const stream = engine.open({ signal, language: 'en-US' });
  const collected: Collected = { partials: [], final: undefined, partialsBeforeEnd: 0 };
  const reading = (async () => {
    for await (const event of stream) {
      if (event.type === 'partial') collected.partials.push(event);
      else collected.final = event;
    }
  })();
  reading.catch(() => {}); // rejections surface at the `await` below, not as unhandled ones meanwhile
  await feed(stream, samples, paceMs);
  collected.partialsBeforeEnd = collected.partials.length;
  stream.end();
  await reading;
  return collected;
}

/** `speech` with PAD_MS of silence before and after. */
function padded(speech: Speech): Int16Array {
  return concatSamples(silence(PAD_MS, RATE), speech.samples, silence(PAD_MS, RATE));
}

function expectUnavailable(err: unknown, ...mentions: string[]): void {
  expect(err).toBeInstanceOf(ParleyError);
  const error = err as ParleyError;
  expect(error.code).toBe('engine_unavailable');
  expect(error.type).toBe('server_error');
  for (const text of mentions) expect(error.message).toContain(text);
}

async function drain(stream: SttStream): Promise<SttEvent[]> {
  const events: SttEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('PocketsphinxStt: when it cannot run', () => {
  it('names the model path and the apt packages when the model directory is missing', async () => {
    const engine = new PocketsphinxStt({ modelDir: '/nonexistent/pocketsphinx-model' });
    try {
      const err = await engine.warmup().then(
        () => null,
        (e: unknown) => e,
      );
      if (installed) expectUnavailable(err, '/nonexistent/pocketsphinx-model/en-us', 'apt-get install pocketsphinx pocketsphinx-en-us');
      else expectUnavailable(err, 'apt-get install pocketsphinx pocketsphinx-en-us');
      // A stream opened anyway fails the same way, through its iteration.
      const stream = engine.open({ signal: new AbortController().signal });
      stream.write(new Int16Array(CHUNK));
      stream.end();
      const streamErr = await drain(stream).then(
        () => null,
        (e: unknown) => e,
      );
      expectUnavailable(streamErr, 'apt-get install pocketsphinx pocketsphinx-en-us');
      expect(engine.stats()).toMatchObject({ decoders: 0, streams: 0 });
    } finally {
      await engine.close();
    }
  });

  it('names the missing file when only the language model is missing', async () => {
    const engine = new PocketsphinxStt({ lm: '/nonexistent/en-us.lm.bin' });
    const err = await engine.warmup().then(
      () => null,
      (e: unknown) => e,
    );
    expectUnavailable(err, installed ? 'language model not found: /nonexistent/en-us.lm.bin' : 'apt-get install');
    await engine.close();
  });

  it('says what to install when the library cannot be loaded', async () => {
    const engine = new PocketsphinxStt({ libraries: { pocketsphinx: 'libpocketsphinx-not-here.so.3' } });
    const err = await engine.warmup().then(
      () => null,
      (e: unknown) => e,
    );
    expectUnavailable(err, 'pocketsphinx is not installed', 'apt-get install pocketsphinx pocketsphinx-en-us');
    await engine.close();
  });

  it('refuses options that would break word times or the input rate', () => {
    expect(() => new PocketsphinxStt({ args: { '-frate': '50' } })).toThrow(/-frate must stay 100/);
    expect(() => new PocketsphinxStt({ args: { '-samprate': '8000' } })).toThrow(/-samprate must stay 16000/);
    expect(() => new PocketsphinxStt({ args: { '-samprate': '16000', '-frate': '100' } })).not.toThrow();
  });

  it('refuses a language other than English, through the iteration', async () => {
    const engine = new PocketsphinxStt();
    const stream = engine.open({ signal: new AbortController().signal, language: 'de' });
    const err = await drain(stream).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ParleyError);
    expect((err as ParleyError).code).toBe('unsupported_feature');
    expect((err as ParleyError).message).toContain('English only');
    await engine.close();
  });
});

describe.runIf(runSpeech)('PocketsphinxStt on Flite speech', () => {
  let engine: PocketsphinxStt;
  let weather: Speech;
  let lights: Speech;

  beforeAll(async () => {
    engine = new PocketsphinxStt();
    [weather, lights] = await Promise.all([synthesizeSpeech(WEATHER, { voice: 'slt', sampleRate: RATE }), synthesizeSpeech(LIGHTS, { voice: 'slt', sampleRate: RATE }), engine.warmup()]);
  });

  afterAll(async () => {
    await engine?.close();
    expect(engine.stats()).toEqual({ decoders: 0, idle: 0, waiting: 0, streams: 0 });
  });

  it('declares 16 kHz input, partials, word timings and English', () => {
    expect(engine.capabilities).toEqual({ partials: true, wordTimings: true, sampleRate: 16000, languages: ['en'] });
    expect(engine.label).toBe(`pocketsphinx(${DEFAULT_POCKETSPHINX_MODEL_DIR})`);
  });

  it.each([
    ['weather', WEATHER],
    ['lights', LIGHTS],
  ])('transcribes the %s sentence exactly, with growing partials before the end', async (which, sentence) => {
    const speech = which === 'weather' ? weather : lights;
    // At real-time pace, as a client sends it.
    const { partials, final, partialsBeforeEnd } = await transcribeStreaming(engine, padded(speech), 100);
    expect(final?.text).toBe(sentence);

    // Partials came while audio was still being written, and the last one (before the final) is close to it.
    expect(partialsBeforeEnd).toBeGreaterThanOrEqual(3);
    expect(partials.length).toBeGreaterThanOrEqual(partialsBeforeEnd);
    // The stable text (deltas joined) only ever grows, and with the final's delta spells the transcript.
    let stable = '';
    for (const partial of partials) {
      const next = stable + partial.delta;
      expect(next.startsWith(stable)).toBe(true);
      expect(sentence.startsWith(next)).toBe(true);
      stable = next;
    }
    expect(stable.length).toBeGreaterThan(0);
    expect(stable + final!.delta).toBe(sentence);
    // Hypotheses gain words overall: the first is short, the last has all but maybe one word.
    const words = (text: string) => text.split(' ').filter(Boolean).length;
    expect(words(partials[0]!.text)).toBeLessThanOrEqual(2);
    expect(words(partials.at(-1)!.text)).toBeGreaterThanOrEqual(words(sentence) - 1);

    expect(final!.audioMs).toBe(speech.samples.length / 16 + 2 * PAD_MS);
    expect(final!.confidence).toBeGreaterThan(0);
    expect(final!.confidence).toBeLessThanOrEqual(1);
  });

  it('gives word times that match where Flite put the speech', async () => {
    const { final } = await transcribeStreaming(engine, padded(lights), 10);
    const words = final!.words!;
    expect(words.map((w) => w.text).join(' ')).toBe(LIGHTS);
    for (const [i, word] of words.entries()) {
      expect(word.endMs).toBeGreaterThan(word.startMs);
      if (i > 0) expect(word.startMs).toBeGreaterThanOrEqual(words[i - 1]!.endMs);
      expect(word.confidence).toBeGreaterThanOrEqual(0);
      expect(word.confidence).toBeLessThanOrEqual(1);
    }
    expect(Math.abs(words[0]!.startMs - (PAD_MS + lights.speechStartMs))).toBeLessThanOrEqual(60);
    expect(Math.abs(words.at(-1)!.endMs - (PAD_MS + lights.speechEndMs))).toBeLessThanOrEqual(100);
  });

  it('keeps word times relative to each stream when the decoder is reused', async () => {
    // Several utterances of odd lengths through the same decoder(s), then a check of the times.
    for (const extra of [37, 1601, 0]) await transcribeStreaming(engine, concatSamples(padded(weather), new Int16Array(extra)));
    const long = concatSamples(silence(1500, RATE), lights.samples, silence(300, RATE));
    const { final } = await transcribeStreaming(engine, long);
    expect(final!.text).toBe(LIGHTS);
    expect(Math.abs(final!.words![0]!.startMs - (1500 + lights.speechStartMs))).toBeLessThanOrEqual(60);
    expect(engine.stats().decoders).toBe(1);
  });

  it('keeps two concurrent transcriptions apart', async () => {
    const a = engine.open({ signal: new AbortController().signal });
    const b = engine.open({ signal: new AbortController().signal });
    const results = Promise.all([drain(a), drain(b)]);
    const audioA = padded(weather);
    const audioB = concatSamples(silence(1000, RATE), lights.samples, silence(PAD_MS, RATE));
    // Interleave the writes chunk by chunk.
    for (let at = 0; at < Math.max(audioA.length, audioB.length); at += CHUNK) {
      if (at < audioA.length) a.write(audioA.subarray(at, at + CHUNK));
      if (at < audioB.length) b.write(audioB.subarray(at, at + CHUNK));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    a.end();
    b.end();
    const [eventsA, eventsB] = await results;
    const finalA = eventsA.at(-1) as SttFinal;
    const finalB = eventsB.at(-1) as SttFinal;
    expect(finalA.type).toBe('final');
    expect(finalA.text).toBe(WEATHER);
    expect(finalB.text).toBe(LIGHTS);
    for (const partial of eventsA.filter((e) => e.type === 'partial')) expect(partial.text).not.toMatch(/kitchen|lights/);
    expect(Math.abs(finalB.words![0]!.startMs - (1000 + lights.speechStartMs))).toBeLessThanOrEqual(60);
    expect(engine.stats()).toMatchObject({ decoders: 2, streams: 0 });
  });

  it('stops on abort: the iteration throws the reason, nothing follows, and the decoder is reused', async () => {
    const controller = new AbortController();
    const reason = new Error('barge-in');
    const stream = engine.open({ signal: controller.signal });
    const seen: SttEvent[] = [];
    const reading = (async () => {
      for await (const event of stream) {
        seen.push(event);
        if (event.type === 'partial' && event.text) controller.abort(reason);
      }
    })().then(
      () => null,
      (e: unknown) => e,
    );
    // Write everything; the abort comes at the first words.
    await feed(stream, padded(weather), 5);
    expect(await reading).toBe(reason);
    const atAbort = seen.length;
    expect(seen.every((e) => e.type === 'partial')).toBe(true);
    expect(() => stream.write(new Int16Array(CHUNK))).not.toThrow(); // ignored after an abort
    stream.end();
    await expect.poll(() => engine.stats().streams).toBe(0);
    expect(seen.length).toBe(atAbort);
    const decoders = engine.stats().decoders;
    // The aborted decoder was finished and put back: the next transcription is right, times too.
    const { final } = await transcribeStreaming(engine, padded(lights));
    expect(final!.text).toBe(LIGHTS);
    expect(Math.abs(final!.words![0]!.startMs - (PAD_MS + lights.speechStartMs))).toBeLessThanOrEqual(60);
    expect(engine.stats().decoders).toBe(decoders);
  });

  it('rejects at once with the reason when the signal is already aborted', async () => {
    const reason = new Error('already gone');
    const stream = engine.open({ signal: AbortSignal.abort(reason) });
    stream.write(new Int16Array(CHUNK));
    stream.end();
    await expect(drain(stream)).rejects.toBe(reason);
  });

  it('stops decoding when the reader leaves early', async () => {
    const stream = engine.open({ signal: new AbortController().signal });
    stream.write(padded(weather));
    for await (const event of stream) if (event.type === 'partial') break;
    await expect.poll(() => engine.stats().streams).toBe(0);
  });

  it('returns an empty transcript for silence and for no audio at all', async () => {
    const quiet = await transcribeStreaming(engine, silence(1000, RATE));
    expect(quiet.final).toMatchObject({ type: 'final', text: '', delta: '', words: [], audioMs: 1000 });
    expect(quiet.final!.confidence).toBeUndefined();
    const nothing = await transcribeStreaming(engine, new Int16Array(0));
    expect(nothing.final).toMatchObject({ text: '', audioMs: 0 });
  });

  it('transcribes 24 kHz client audio resampled to its 16 kHz', async () => {
    const client = await synthesizeSpeech(WEATHER, { voice: 'slt', sampleRate: 24000 });
    const resampler = await createResampler({ inputRate: 24000, outputRate: engine.capabilities.sampleRate });
    const stream = engine.open({ signal: new AbortController().signal });
    const events = drain(stream);
    const audio = concatSamples(silence(PAD_MS, 24000), client.samples, silence(PAD_MS, 24000));
    for (let at = 0; at < audio.length; at += 480) stream.write(resampler.process(audio.subarray(at, at + 480))); // 20 ms frames
    stream.write(resampler.flush());
    resampler.close();
    stream.end();
    const final = (await events).at(-1) as SttFinal;
    expect(final.text).toBe(WEATHER);
  });

  it('reports options pocketsphinx does not know as engine_unavailable, naming them', async () => {
    const odd = new PocketsphinxStt({ args: { '-no-such-option': 'x' } });
    const err = await odd.warmup().then(
      () => null,
      (e: unknown) => e,
    );
    expectUnavailable(err, 'rejected its options', '-no-such-option');
    await odd.close();
    expect(odd.stats().decoders).toBe(0);
  });

  it('passes args through: -fwdflat no still transcribes the sentences', async () => {
    const fast = new PocketsphinxStt({ args: { '-fwdflat': 'no' } });
    try {
      const { final } = await transcribeStreaming(fast, padded(lights));
      expect(final!.text).toBe(LIGHTS);
    } finally {
      await fast.close();
    }
  });

  it('makes streams wait for a decoder beyond maxDecoders, then serves them in turn', async () => {
    const small = new PocketsphinxStt({ maxDecoders: 1, maxIdleDecoders: 1 });
    try {
      const runs = [weather, lights, weather].map((speech) => transcribeStreaming(small, padded(speech)));
      await expect.poll(() => small.stats().waiting).toBe(2);
      const finals = (await Promise.all(runs)).map((r) => r.final?.text);
      expect(finals).toEqual([WEATHER, LIGHTS, WEATHER]);
      expect(small.stats()).toMatchObject({ decoders: 1, idle: 1, waiting: 0, streams: 0 });

      // A stream aborted while it waits leaves the queue; the one behind it still gets the decoder.
      const controller = new AbortController();
      const first = transcribeStreaming(small, padded(lights));
      const second = transcribeStreaming(small, padded(lights), 0, controller.signal).then(
        () => null,
        (e: unknown) => e,
      );
      const third = transcribeStreaming(small, padded(weather));
      await expect.poll(() => small.stats().waiting).toBe(2);
      const reason = new Error('gave up waiting');
      controller.abort(reason);
      expect(await second).toBe(reason);
      expect(small.stats().waiting).toBe(1);
      expect((await first).final?.text).toBe(LIGHTS);
      expect((await third).final?.text).toBe(WEATHER);
      expect(small.stats()).toMatchObject({ decoders: 1, idle: 1, waiting: 0, streams: 0 });
    } finally {
      await small.close();
    }
    expect(small.stats()).toEqual({ decoders: 0, idle: 0, waiting: 0, streams: 0 });
  });

  it('close() aborts open streams and frees every decoder', async () => {
    const own = new PocketsphinxStt();
    const stream = own.open({ signal: new AbortController().signal });
    const reading = drain(stream).then(
      () => null,
      (e: unknown) => e,
    );
    stream.write(padded(weather).subarray(0, 8000));
    await own.close();
    const err = await reading;
    expectUnavailable(err, 'was closed');
    expect(own.stats()).toEqual({ decoders: 0, idle: 0, waiting: 0, streams: 0 });
  });
});
