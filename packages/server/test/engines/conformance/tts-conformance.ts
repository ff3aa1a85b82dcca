/**
 * What every text-to-speech engine must do (the contract in src/engines/tts/index.ts), as a
 * vitest suite to run against each engine: `describeTtsEngine(name, makeEngine, options)`.
 *
 * For every engine: PCM16 chunks at `capabilities.sampleRate`; marks only of the kinds declared,
 * in order, within the audio and in the chunk where they start; voices resolved or refused
 * with `invalid_value` on `voice`; blank text gives nothing; abort (before and during) throws
 * the signal's reason and nothing more comes; concurrent syntheses and early leavers.
 */
import { ParleyError, type Voice } from '@parley/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TtsChunk, TtsEngine, TtsRequest } from '../../../src/engines/tts/index.js';

export interface TtsConformanceOptions {
  /** A voice the engine has, as a client would name it. Default `alloy`. */
  voice?: Voice;
  /**
   * A voice the engine must refuse. Default: `no-such-voice-xyz` when the engine lists its
   * voices; without a list (an engine that lets its server judge) the refusal is not tested.
   */
  unknownVoice?: string;
  /** What to say. Default a two-sentence line. */
  text?: string;
  /**
   * How long `text` must last, ms, when the engine's audio means something (a real voice):
   * catches audio produced at another rate than declared.
   */
  durationMs?: [number, number];
  /** Whether the same request always gives the same audio (then concurrent runs must match a lone one). */
  deterministic?: boolean;
  /** Runs before each test, e.g. to queue a scripted server's answers. */
  beforeEach?: () => void;
  timeoutMs?: number;
}

const DEFAULT_TEXT = 'Hello there. How are you doing today?';
const LONG_TEXT = 'One, two, three, four, five, six, seven, eight, nine, ten. Eleven, twelve, thirteen, fourteen.';

interface Outcome {
  chunks: TtsChunk[];
  error?: unknown;
}

async function collect(stream: AsyncIterable<TtsChunk>, onChunk?: (chunk: TtsChunk, index: number) => boolean | void): Promise<Outcome> {
  const chunks: TtsChunk[] = [];
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (onChunk?.(chunk, chunks.length - 1) === false) break;
    }
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

function samplesOf(chunks: TtsChunk[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.audio.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c.audio, at);
    at += c.audio.length;
  }
  return out;
}

const wordsOf = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];

export function describeTtsEngine(name: string, makeEngine: () => TtsEngine | Promise<TtsEngine>, options: TtsConformanceOptions = {}): void {
  const timeout = options.timeoutMs ?? 30_000;
  const text = options.text ?? DEFAULT_TEXT;
  const clientVoice: Voice = options.voice ?? 'alloy';

  describe(`TTS engine conformance: ${name}`, () => {
    let engine: TtsEngine;
    let voice: string;
    const request = (overrides: Partial<TtsRequest> = {}): TtsRequest => ({ text, voice, signal: new AbortController().signal, ...overrides });

    beforeAll(async () => {
      engine = await makeEngine();
      await engine.warmup?.();
    }, 60_000);
    afterAll(async () => {
      await engine?.close?.();
    });
    beforeEach(() => {
      options.beforeEach?.();
      voice = engine.resolveVoice(clientVoice);
    });

    it('declares its capabilities', () => {
      expect(engine.label).toMatch(/\S/);
      const c = engine.capabilities;
      expect(Number.isInteger(c.sampleRate) && c.sampleRate >= 8000 && c.sampleRate <= 48000).toBe(true);
      for (const v of c.voices) expect(typeof v).toBe('string');
      for (const flag of [c.wordTimings, c.phonemeTimings, c.speed]) expect(typeof flag).toBe('boolean');
    });

    it('resolves a voice it has to an engine voice name, and refuses one it has not with invalid_value on voice', () => {
      expect(voice).toMatch(/\S/);
      if (engine.capabilities.voices.length > 0) expect(engine.capabilities.voices).toContain(voice);
      const unknown = options.unknownVoice ?? (engine.capabilities.voices.length > 0 ? 'no-such-voice-xyz' : undefined);
      if (unknown === undefined) return;
      let error: unknown;
      try {
        engine.resolveVoice(unknown);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ParleyError);
      expect((error as ParleyError).code).toBe('invalid_value');
      expect((error as ParleyError).param).toBe('voice');
    });

    it(
      'speaks in PCM16 chunks at its rate, with only the declared marks, in order, within the audio and their chunk',
      async () => {
        const outcome = await collect(engine.synthesize(request()));
        expect(outcome.error, String(outcome.error)).toBeUndefined();
        expect(outcome.chunks.length).toBeGreaterThan(0);
        const rate = engine.capabilities.sampleRate;
        const audio = samplesOf(outcome.chunks);
        const totalMs = (audio.length * 1000) / rate;
        expect(audio.length).toBeGreaterThan(0);
        if (options.durationMs) {
          expect(totalMs).toBeGreaterThanOrEqual(options.durationMs[0]);
          expect(totalMs).toBeLessThanOrEqual(options.durationMs[1]);
        }
        const last: Record<string, number> = {};
        let chunkStartMs = 0;
        for (const [i, chunk] of outcome.chunks.entries()) {
          expect(chunk.audio).toBeInstanceOf(Int16Array);
          const chunkEndMs = chunkStartMs + (chunk.audio.length * 1000) / rate;
          for (const mark of chunk.marks) {
            expect(['word', 'phoneme']).toContain(mark.type);
            expect(mark.endMs).toBeGreaterThanOrEqual(mark.startMs);
            expect(mark.startMs).toBeGreaterThanOrEqual(last[mark.type] ?? 0);
            expect(mark.endMs).toBeLessThanOrEqual(totalMs + 1);
            // In the chunk where it starts (the last chunk takes whatever is left).
            expect(mark.startMs).toBeGreaterThanOrEqual(chunkStartMs - 1);
            if (i < outcome.chunks.length - 1) expect(mark.startMs).toBeLessThan(chunkEndMs + 1);
            last[mark.type] = mark.startMs;
          }
          chunkStartMs = chunkEndMs;
        }
        const marks = outcome.chunks.flatMap((c) => c.marks);
        const words = marks.filter((m) => m.type === 'word');
        const phonemes = marks.filter((m) => m.type === 'phoneme');
        if (!engine.capabilities.wordTimings) expect(words).toEqual([]);
        if (!engine.capabilities.phonemeTimings) expect(phonemes).toEqual([]);
        if (engine.capabilities.wordTimings) {
          // The words of the text, in order, and the last one ends where the speech does (so
          // marks and audio share a clock: a wrong rate would put them far apart).
          expect(words.map((w) => wordsOf(w.text).join(' ')).join(' ')).toBe(wordsOf(text).join(' '));
          expect(words.at(-1)!.endMs).toBeGreaterThan(totalMs * 0.5);
        }
        if (engine.capabilities.phonemeTimings) expect(phonemes.length).toBeGreaterThan(words.length);
      },
      timeout,
    );

    it(
      'gives no audio and no error for blank text',
      async () => {
        for (const blank of ['', '   ', '\n']) {
          const outcome = await collect(engine.synthesize(request({ text: blank })));
          expect(outcome.error).toBeUndefined();
          expect(samplesOf(outcome.chunks).length).toBe(0);
        }
      },
      timeout,
    );

    it(
      'throws the reason of a signal aborted before the call, with no audio',
      async () => {
        const reason = new Error('conformance: aborted already');
        const outcome = await collect(engine.synthesize(request({ signal: AbortSignal.abort(reason) })));
        expect(outcome).toEqual({ chunks: [], error: reason });
      },
      timeout,
    );

    it(
      'throws the reason when aborted mid-synthesis, and yields nothing after',
      async () => {
        const controller = new AbortController();
        const reason = new Error('conformance: barge-in');
        const outcome = await collect(engine.synthesize(request({ text: LONG_TEXT, signal: controller.signal })), (_, index) => {
          if (index === 0) controller.abort(reason);
        });
        expect(outcome.error).toBe(reason);
        expect(outcome.chunks).toHaveLength(1);
      },
      timeout,
    );

    it(
      'runs two syntheses at once, each whole',
      async () => {
        const alone = options.deterministic ? samplesOf((await collect(engine.synthesize(request()))).chunks) : undefined;
        options.beforeEach?.();
        const [a, b] = await Promise.all([collect(engine.synthesize(request())), collect(engine.synthesize(request({ text: LONG_TEXT })))]);
        expect(a.error).toBeUndefined();
        expect(b.error).toBeUndefined();
        expect(samplesOf(a.chunks).length).toBeGreaterThan(0);
        expect(samplesOf(b.chunks).length).toBeGreaterThan(0);
        if (alone) expect(samplesOf(a.chunks)).toEqual(alone);
      },
      timeout,
    );

    it(
      'stays usable after a consumer that left early',
      async () => {
        const left = await collect(engine.synthesize(request({ text: LONG_TEXT })), () => false);
        expect(left.error).toBeUndefined();
        expect(left.chunks).toHaveLength(1);
        options.beforeEach?.();
        const next = await collect(engine.synthesize(request()));
        expect(next.error).toBeUndefined();
        expect(samplesOf(next.chunks).length).toBeGreaterThan(0);
      },
      timeout,
    );
  });
}
