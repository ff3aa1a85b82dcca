/**
 * What every speech-to-text engine must do (the contract in src/engines/stt/index.ts), as a
 * vitest suite to run against each engine: `describeSttEngine(name, makeEngine, options)`.
 *
 * The audio is real speech (Flite, test/support/speech.ts) at the engine's own rate. Whether
 * the words must come out right is the caller's call (`recognizes`): a real model must, a
 * random-weight test model cannot. Everything else holds for every engine: one final, last;
 * partials only when declared; deltas that add up; abort; write after end; empty audio;
 * concurrent streams that stay apart.
 */
import { ParleyError } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SttEngine, SttEvent, SttFinal, SttPartial, SttStream } from '../../../src/engines/stt/index.js';
import { concatSamples, silence, synthesizeSpeech } from '../../support/speech.js';

export const STT_CONFORMANCE_TEXTS = ['what is the weather in paris today', 'turn on the kitchen lights'] as const;
const PAD_MS = 400;
const CHUNK_MS = 100;

/**
 * The two utterances the suite feeds an engine at `sampleRate`, exactly (Flite `slt`, 400 ms of
 * silence either side): a scripted server can recognise them by their samples.
 */
export async function sttConformanceUtterances(sampleRate: number): Promise<{ text: string; samples: Int16Array }[]> {
  return Promise.all(
    STT_CONFORMANCE_TEXTS.map(async (text) => {
      const speech = await synthesizeSpeech(text, { voice: 'slt', sampleRate });
      return { text, samples: concatSamples(silence(PAD_MS, sampleRate), speech.samples, silence(PAD_MS, sampleRate)) };
    }),
  );
}

export interface SttConformanceOptions {
  /** Whether the engine transcribes the suite's two sentences exactly, and silence as ''. Default false. */
  recognizes?: boolean;
  /** Per-test timeout, ms. Default 30 s. */
  timeoutMs?: number;
}

interface Outcome {
  events: SttEvent[];
  error?: unknown;
}

/** Lower case, no punctuation, single spaces. */
function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

async function drain(stream: SttStream, onEvent?: (event: SttEvent) => boolean | void): Promise<Outcome> {
  const events: SttEvent[] = [];
  try {
    for await (const event of stream) {
      events.push(event);
      if (onEvent?.(event) === false) break;
    }
    return { events };
  } catch (error) {
    return { events, error };
  }
}

/** Writes `samples` in 100 ms chunks, letting the event loop turn between them. */
async function feed(stream: SttStream, samples: Int16Array, rate: number): Promise<void> {
  const chunk = Math.round((rate * CHUNK_MS) / 1000);
  for (let at = 0; at < samples.length; at += chunk) {
    stream.write(samples.subarray(at, at + chunk));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function transcribeWhole(engine: SttEngine, samples: Int16Array, signal = new AbortController().signal): Promise<Outcome> {
  const stream = engine.open({ signal });
  const reading = drain(stream);
  await feed(stream, samples, engine.capabilities.sampleRate);
  stream.end();
  return reading;
}

/** The one final of a stream that must have succeeded; checks the event order rules on the way. */
function finalOf(engine: SttEngine, outcome: Outcome, samples: number): SttFinal {
  expect(outcome.error, `the transcription failed: ${String(outcome.error)}`).toBeUndefined();
  const finals = outcome.events.filter((e): e is SttFinal => e.type === 'final');
  expect(finals, 'exactly one final').toHaveLength(1);
  expect(outcome.events.at(-1), 'the final comes last').toBe(finals[0]);
  const partials = outcome.events.filter((e): e is SttPartial => e.type === 'partial');
  if (!engine.capabilities.partials) expect(partials, 'no partials from an engine that declares none').toEqual([]);
  for (const p of partials) {
    expect(typeof p.text).toBe('string');
    expect(typeof p.delta).toBe('string');
  }
  const final = finals[0]!;
  expect(typeof final.text).toBe('string');
  expect(final.text).toBe(final.text.trim());
  expect(final.audioMs).toBeCloseTo((samples * 1000) / engine.capabilities.sampleRate, 3);
  // The deltas sent, then the final's delta, spell the transcript (or the final's delta is '').
  const sent = partials.map((p) => p.delta).join('');
  // '' only when the engine revised text it had let out as stable, so never when none was.
  if (final.delta !== '' || sent === '') expect(normalize(sent + final.delta)).toBe(normalize(final.text));
  if (engine.capabilities.wordTimings) {
    expect(Array.isArray(final.words), 'words from an engine that declares word timings').toBe(true);
    let previous = 0;
    for (const w of final.words!) {
      expect(w.text.length).toBeGreaterThan(0);
      expect(w.startMs).toBeGreaterThanOrEqual(previous);
      expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
      expect(w.endMs).toBeLessThanOrEqual(final.audioMs + 20);
      if (w.confidence !== undefined) expect(w.confidence).toBeGreaterThanOrEqual(0), expect(w.confidence).toBeLessThanOrEqual(1);
      previous = w.startMs;
    }
  } else {
    expect(final.words, 'no words from an engine that declares no word timings').toBeUndefined();
  }
  if (final.confidence !== undefined) {
    expect(final.confidence).toBeGreaterThanOrEqual(0);
    expect(final.confidence).toBeLessThanOrEqual(1);
  }
  return final;
}

export function describeSttEngine(name: string, makeEngine: () => SttEngine | Promise<SttEngine>, options: SttConformanceOptions = {}): void {
  const timeout = options.timeoutMs ?? 30_000;
  const recognizes = options.recognizes ?? false;

  describe(`STT engine conformance: ${name}`, () => {
    let engine: SttEngine;
    let utterances: { text: string; samples: Int16Array }[];

    beforeAll(async () => {
      engine = await makeEngine();
      await engine.warmup?.();
      utterances = await sttConformanceUtterances(engine.capabilities.sampleRate);
    }, 60_000);

    afterAll(async () => {
      await engine?.close?.();
    });

    it('declares its capabilities', () => {
      expect(engine.label).toMatch(/\S/);
      const c = engine.capabilities;
      expect(Number.isInteger(c.sampleRate) && c.sampleRate >= 8000 && c.sampleRate <= 48000).toBe(true);
      expect(typeof c.partials).toBe('boolean');
      expect(typeof c.wordTimings).toBe('boolean');
      if (c.languages !== undefined) for (const tag of c.languages) expect(tag).toMatch(/^[a-z]{2,3}$/);
    });

    it(
      `transcribes speech: partials only if declared, one final, last${recognizes ? ', word for word' : ''}`,
      async () => {
        const [first] = utterances;
        const outcome = await transcribeWhole(engine, first!.samples);
        const final = finalOf(engine, outcome, first!.samples.length);
        if (recognizes) expect(normalize(final.text)).toBe(first!.text);
        if (recognizes && engine.capabilities.partials) expect(outcome.events.length).toBeGreaterThan(1);
      },
      timeout,
    );

    it(
      'gives one empty final for a stream ended without audio',
      async () => {
        const stream = engine.open({ signal: new AbortController().signal });
        stream.end();
        const outcome = await drain(stream);
        const final = finalOf(engine, outcome, 0);
        expect(final).toMatchObject({ text: '', delta: '', audioMs: 0 });
      },
      timeout,
    );

    if (recognizes) {
      it(
        'transcribes silence as nothing',
        async () => {
          const quiet = silence(1000, engine.capabilities.sampleRate);
          const final = finalOf(engine, await transcribeWhole(engine, quiet), quiet.length);
          expect(final.text).toBe('');
        },
        timeout,
      );
    }

    it(
      'throws on write() after end(), and still finishes',
      async () => {
        const rate = engine.capabilities.sampleRate;
        const stream = engine.open({ signal: new AbortController().signal });
        stream.write(new Int16Array(rate / 10));
        stream.end();
        expect(() => stream.write(new Int16Array(rate / 10))).toThrow();
        finalOf(engine, await drain(stream), rate / 10);
      },
      timeout,
    );

    it(
      'throws the reason at once when aborted before end(), and nothing after',
      async () => {
        const controller = new AbortController();
        const stream = engine.open({ signal: controller.signal });
        const reading = drain(stream);
        const samples = utterances[0]!.samples;
        await feed(stream, samples.subarray(0, samples.length >> 1), engine.capabilities.sampleRate);
        const reason = new Error('conformance: aborted while speaking');
        const at = performance.now();
        controller.abort(reason);
        const outcome = await reading;
        expect(outcome.error).toBe(reason);
        expect(outcome.events.some((e) => e.type === 'final')).toBe(false);
        expect(performance.now() - at).toBeLessThan(1000);
        // Writing to and ending an aborted stream is harmless.
        stream.write(new Int16Array(16));
        stream.end();
      },
      timeout,
    );

    it(
      'throws the reason when aborted after end(), while it decodes',
      async () => {
        const controller = new AbortController();
        const stream = engine.open({ signal: controller.signal });
        const samples = utterances[1]!.samples;
        const chunk = engine.capabilities.sampleRate / 10;
        for (let at = 0; at < samples.length; at += chunk) stream.write(samples.subarray(at, at + chunk));
        stream.end();
        const reason = new Error('conformance: aborted while decoding');
        controller.abort(reason);
        const outcome = await drain(stream);
        expect(outcome.error).toBe(reason);
        expect(outcome.events.some((e) => e.type === 'final')).toBe(false);
      },
      timeout,
    );

    it(
      'throws the reason of a signal aborted before open()',
      async () => {
        const reason = new Error('conformance: aborted already');
        const stream = engine.open({ signal: AbortSignal.abort(reason) });
        stream.write(new Int16Array(160));
        stream.end();
        const outcome = await drain(stream);
        expect(outcome).toEqual({ events: [], error: reason });
      },
      timeout,
    );

    it(
      'carries on after aborted streams and a reader that left early',
      async () => {
        const [, second] = utterances;
        const stream = engine.open({ signal: new AbortController().signal });
        const chunk = engine.capabilities.sampleRate / 10;
        for (let at = 0; at < second!.samples.length; at += chunk) stream.write(second!.samples.subarray(at, at + chunk));
        stream.end();
        const left = await drain(stream, () => false); // leaves at the first event
        expect(left.error).toBeUndefined();
        expect(left.events).toHaveLength(1);
        const final = finalOf(engine, await transcribeWhole(engine, second!.samples), second!.samples.length);
        if (recognizes) expect(normalize(final.text)).toBe(second!.text);
      },
      timeout,
    );

    it(
      'keeps two concurrent streams apart',
      async () => {
        const [a, b] = utterances;
        const rate = engine.capabilities.sampleRate;
        const chunk = rate / 10;
        const sa = engine.open({ signal: new AbortController().signal });
        const sb = engine.open({ signal: new AbortController().signal });
        const reading = Promise.all([drain(sa), drain(sb)]);
        const longest = Math.max(a!.samples.length, b!.samples.length);
        for (let at = 0; at < longest; at += chunk) {
          if (at < a!.samples.length) sa.write(a!.samples.subarray(at, at + chunk));
          if (at < b!.samples.length) sb.write(b!.samples.subarray(at, at + chunk));
          await new Promise((resolve) => setImmediate(resolve));
        }
        sa.end();
        sb.end();
        const [oa, ob] = await reading;
        const fa = finalOf(engine, oa, a!.samples.length);
        const fb = finalOf(engine, ob, b!.samples.length);
        if (recognizes) {
          expect(normalize(fa.text)).toBe(a!.text);
          expect(normalize(fb.text)).toBe(b!.text);
        }
      },
      timeout,
    );

    it(
      'never throws from open(): an unknown language fails (or is ignored) through the iteration',
      async () => {
        let stream: SttStream | undefined;
        expect(() => (stream = engine.open({ signal: new AbortController().signal, language: 'xx-QQ' }))).not.toThrow();
        stream!.write(new Int16Array(engine.capabilities.sampleRate / 10));
        stream!.end();
        const outcome = await drain(stream!);
        if (outcome.error !== undefined) {
          expect(outcome.error).toBeInstanceOf(ParleyError);
          expect((outcome.error as ParleyError).code).toBe('unsupported_feature');
        } else {
          expect(outcome.events.at(-1)?.type).toBe('final');
        }
      },
      timeout,
    );
  });
}
