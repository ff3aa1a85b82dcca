/**
 * What every voice-activity-detection engine must do (the contract in src/engines/vad/index.ts),
 * as a vitest suite to run against each engine: `describeVadEngine(name, makeEngine, options)`.
 *
 * Probabilities in [0, 1] for any input; digital silence low and real speech (Flite, at the
 * engine's rate) high; detectors that keep their streams apart; `reset()` that forgets; the
 * frame size enforced; frames copied on submission; overlapping calls taken in order; closing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VadDetector, VadEngine } from '../../../src/engines/vad/index.js';
import { concatSamples, silence, synthesizeSpeech, whiteNoise } from '../../support/speech.js';

export interface VadConformanceOptions {
  /** The highest probability digital silence may get. Default 0.1. */
  silenceMax?: number;
  /** The probability some frame of speech must reach. Default 0.5. */
  speechMin?: number;
  timeoutMs?: number;
}

/** The whole frames of `samples`, as int16. */
function frames(samples: Int16Array, size: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let at = 0; at + size <= samples.length; at += size) out.push(samples.slice(at, at + size));
  return out;
}

async function score(detector: VadDetector, input: Int16Array[]): Promise<number[]> {
  const out: number[] = [];
  for (const frame of input) out.push(await detector.process(frame));
  return out;
}

export function describeVadEngine(name: string, makeEngine: () => VadEngine | Promise<VadEngine>, options: VadConformanceOptions = {}): void {
  const timeout = options.timeoutMs ?? 30_000;

  describe(`VAD engine conformance: ${name}`, () => {
    let engine: VadEngine;
    let speechFrames: Int16Array[];
    let noiseFrames: Int16Array[];
    let silenceFrames: Int16Array[];

    beforeAll(async () => {
      engine = await makeEngine();
      const { sampleRate, frameSamples } = engine.capabilities;
      const speech = await synthesizeSpeech('what is the weather in paris today', { sampleRate });
      speechFrames = frames(concatSamples(silence(300, sampleRate), speech.samples, silence(300, sampleRate)), frameSamples);
      noiseFrames = frames(whiteNoise(1000, sampleRate, -30, 5), frameSamples);
      silenceFrames = frames(silence(1000, sampleRate), frameSamples);
    }, 60_000);
    afterAll(async () => {
      await engine?.close();
    });

    it('declares its frame size and rate consistently', () => {
      expect(engine.label).toMatch(/\S/);
      const { sampleRate, frameSamples, frameMs } = engine.capabilities;
      expect(Number.isInteger(sampleRate) && sampleRate >= 8000 && sampleRate <= 48000).toBe(true);
      expect(Number.isInteger(frameSamples) && frameSamples > 0).toBe(true);
      expect(frameMs).toBeCloseTo((frameSamples * 1000) / sampleRate, 9);
    });

    it(
      'scores any frame in [0, 1], int16 or float',
      async () => {
        const n = engine.capabilities.frameSamples;
        const detector = engine.createDetector();
        const loud = Int16Array.from({ length: n }, (_, i) => (i % 20 < 10 ? 32767 : -32768));
        const inputs: (Int16Array | Float32Array)[] = [...speechFrames.slice(0, 40), ...noiseFrames.slice(0, 10), loud, Float32Array.from(loud, (s) => s / 32768), new Float32Array(n)];
        for (const frame of inputs) {
          const p = await detector.process(frame);
          expect(Number.isFinite(p)).toBe(true);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
        detector.close();
      },
      timeout,
    );

    it(
      'scores digital silence low and speech high',
      async () => {
        const detector = engine.createDetector();
        const quiet = await score(detector, silenceFrames);
        expect(Math.max(...quiet)).toBeLessThanOrEqual(options.silenceMax ?? 0.1);
        detector.reset();
        const spoken = await score(detector, speechFrames);
        expect(Math.max(...spoken)).toBeGreaterThanOrEqual(options.speechMin ?? 0.5);
        detector.close();
      },
      timeout,
    );

    it(
      'keeps detectors apart: two streams interleaved frame by frame score as each does alone',
      async () => {
        const alone = async (input: Int16Array[]) => {
          const d = engine.createDetector();
          const p = await score(d, input);
          d.close();
          return p;
        };
        const [speechAlone, noiseAlone] = [await alone(speechFrames), await alone(noiseFrames)];
        const a = engine.createDetector();
        const b = engine.createDetector();
        const pa: Promise<number>[] = [];
        const pb: Promise<number>[] = [];
        for (let i = 0; i < Math.max(speechFrames.length, noiseFrames.length); i++) {
          if (i < speechFrames.length) pa.push(a.process(speechFrames[i]!));
          if (i < noiseFrames.length) pb.push(b.process(noiseFrames[i]!));
        }
        const [ia, ib] = [await Promise.all(pa), await Promise.all(pb)];
        a.close();
        b.close();
        ia.forEach((p, i) => expect(p).toBeCloseTo(speechAlone[i]!, 6));
        ib.forEach((p, i) => expect(p).toBeCloseTo(noiseAlone[i]!, 6));
      },
      timeout,
    );

    it(
      'forgets the stream on reset(): then scores as a new detector does',
      async () => {
        const fresh = engine.createDetector();
        const expected = await score(fresh, speechFrames.slice(0, 30));
        fresh.close();
        const used = engine.createDetector();
        await score(used, speechFrames.slice(30));
        used.reset();
        const after = await score(used, speechFrames.slice(0, 30));
        used.close();
        after.forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 6));
      },
      timeout,
    );

    it(
      'takes overlapping calls in call order, and copies each frame before returning',
      async () => {
        const sequential = engine.createDetector();
        const expected = await score(sequential, speechFrames.slice(0, 40));
        sequential.close();
        const detector = engine.createDetector();
        const reused = new Int16Array(engine.capabilities.frameSamples);
        const pending: Promise<number>[] = [];
        for (const frame of speechFrames.slice(0, 40)) {
          reused.set(frame);
          pending.push(detector.process(reused)); // the same buffer, overwritten right after
        }
        reused.fill(12345);
        const got = await Promise.all(pending);
        detector.close();
        got.forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 6));
      },
      timeout,
    );

    it(
      'refuses frames of another size, and carries on',
      async () => {
        const n = engine.capabilities.frameSamples;
        const detector = engine.createDetector();
        await expect(detector.process(new Int16Array(n - 1))).rejects.toThrow();
        await expect(detector.process(new Float32Array(n + 1))).rejects.toThrow();
        await expect(detector.process(new Int16Array(0))).rejects.toThrow();
        const p = await detector.process(new Int16Array(n));
        expect(p).toBeLessThanOrEqual(options.silenceMax ?? 0.1);
        detector.close();
      },
      timeout,
    );

    it(
      'rejects frames on a closed detector; closing the engine finishes the frames in flight, then fails',
      async () => {
        const detector = engine.createDetector();
        detector.close();
        await expect(detector.process(new Int16Array(engine.capabilities.frameSamples))).rejects.toThrow();

        const own = await makeEngine();
        const d = own.createDetector();
        const inFlight = speechFrames.slice(0, 10).map((f) => d.process(f));
        await own.close();
        const results = await Promise.all(inFlight);
        for (const p of results) expect(p).toBeGreaterThanOrEqual(0);
        await expect(d.process(speechFrames[0]!)).rejects.toThrow();
        expect(() => own.createDetector()).toThrow();
      },
      timeout,
    );
  });
}
