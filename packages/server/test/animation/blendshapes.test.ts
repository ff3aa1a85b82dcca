/**
 * Viseme track → 60 fps blendshape frames: Azure's 55-name order, the poses, and frames from real
 * Flite sentences (count = duration × 60, values in [0, 1], bounded frame-to-frame change, lips
 * closed on p/b/m and jaw open on aa), and the streaming form against the whole-track one.
 */
import { describe, expect, it } from 'vitest';
import {
  BLENDSHAPE_COUNT,
  BLENDSHAPE_FPS,
  BLENDSHAPE_INDEX,
  BLENDSHAPE_NAMES,
  BlendshapeAnimator,
  VISEME_DOMINANCE,
  VISEME_POSES,
  blendshapeFrames,
  frameCountFor,
  visemePose,
  type BlendshapeBatch,
} from '../../src/animation/blendshapes.js';
import { VISEME_COUNT, VisemeTrack, phoneVisemes, visemesFor, type VisemeEvent } from '../../src/animation/visemes.js';
import { synthesizeSpeech, type Speech } from '../support/speech.js';
import { durationMs, marksOf, PHONE_SENTENCES } from './fixtures.js';

const I = BLENDSHAPE_INDEX;
/** The default slew limit. */
const MAX_STEP = 0.25;

/** ARKit's 52 `ARFaceAnchor.BlendShapeLocation` names. */
const ARKIT = `eyeBlinkLeft eyeLookDownLeft eyeLookInLeft eyeLookOutLeft eyeLookUpLeft eyeSquintLeft eyeWideLeft
  eyeBlinkRight eyeLookDownRight eyeLookInRight eyeLookOutRight eyeLookUpRight eyeSquintRight eyeWideRight
  jawForward jawLeft jawRight jawOpen mouthClose mouthFunnel mouthPucker mouthLeft mouthRight mouthSmileLeft
  mouthSmileRight mouthFrownLeft mouthFrownRight mouthDimpleLeft mouthDimpleRight mouthStretchLeft mouthStretchRight
  mouthRollLower mouthRollUpper mouthShrugLower mouthShrugUpper mouthPressLeft mouthPressRight mouthLowerDownLeft
  mouthLowerDownRight mouthUpperUpLeft mouthUpperUpRight browDownLeft browDownRight browInnerUp browOuterUpLeft
  browOuterUpRight cheekPuff cheekSquintLeft cheekSquintRight noseSneerLeft noseSneerRight tongueOut`.split(/\s+/);

function track(speech: Speech): { visemes: VisemeEvent[]; duration: number } {
  return { visemes: visemesFor(marksOf(speech.phones)), duration: durationMs(speech) };
}

/** The frame nearest to `ms`. */
const frameAt = (frames: number[][], ms: number) => frames[Math.min(frames.length - 1, Math.round((ms * BLENDSHAPE_FPS) / 1000))]!;

function maxStep(frames: number[][]): number {
  let max = 0;
  for (let i = 1; i < frames.length; i++) for (let j = 0; j < BLENDSHAPE_COUNT; j++) max = Math.max(max, Math.abs(frames[i]![j]! - frames[i - 1]![j]!));
  return max;
}

describe('blendshape names and poses', () => {
  it("are Azure's 55 facial positions: ARKit's 52 in order, then head and eye roll", () => {
    expect(BLENDSHAPE_COUNT).toBe(55);
    expect(new Set(BLENDSHAPE_NAMES).size).toBe(55);
    expect(BLENDSHAPE_NAMES.slice(0, 52)).toEqual(ARKIT);
    expect(BLENDSHAPE_NAMES.slice(52)).toEqual(['headRoll', 'leftEyeRoll', 'rightEyeRoll']);
    // Azure's table is 1-based: 1 eyeBlinkLeft, 18 jawOpen, 19 mouthClose, 36 mouthPressLeft, 52 tongueOut.
    expect([I.eyeBlinkLeft, I.jawOpen, I.mouthClose, I.mouthPressLeft, I.tongueOut]).toEqual([0, 17, 18, 35, 51]);
  });

  it('has a pose in [0, 1] for each of the 22 visemes; silence is the neutral face', () => {
    expect(VISEME_POSES).toHaveLength(VISEME_COUNT);
    expect(VISEME_DOMINANCE).toHaveLength(VISEME_COUNT);
    for (let id = 0; id < VISEME_COUNT; id++) {
      const pose = visemePose(id);
      expect(pose).toHaveLength(55);
      for (const v of pose) expect(v >= 0 && v <= 1, `viseme ${id}`).toBe(true);
    }
    expect(visemePose(0).every((v) => v === 0)).toBe(true);
    // Closed lips for p/b/m; the most open jaw for aa.
    const bilabial = visemePose(21);
    expect(bilabial[I.jawOpen]).toBeLessThan(0.1);
    expect(bilabial[I.mouthPressLeft]).toBeGreaterThan(0.4);
    expect(bilabial[I.mouthClose]).toBeGreaterThan(0.1);
    const jaw = Array.from({ length: VISEME_COUNT }, (_, id) => visemePose(id)[I.jawOpen]!);
    expect(Math.max(...jaw)).toBe(jaw[2]);
  });
});

describe('blendshapeFrames on real Flite speech', () => {
  it('has duration × 60 frames of 55 values in [0, 1], changing by at most 0.25 a frame', async () => {
    for (const text of PHONE_SENTENCES) {
      const { visemes, duration } = track(await synthesizeSpeech(text));
      const frames = blendshapeFrames(visemes, duration);
      expect(frames.length).toBe(frameCountFor(duration));
      expect(Math.abs(frames.length - (duration * 60) / 1000)).toBeLessThanOrEqual(1);
      expect(frames.every((frame) => frame.length === 55)).toBe(true);
      const values = frames.flat();
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThanOrEqual(1);
      expect(maxStep(frames)).toBeLessThanOrEqual(MAX_STEP + 1e-9);
      // The face is still before and after the speech, and moves during it.
      expect(frames[0]!.every((v) => v === 0)).toBe(true);
      expect(frames.at(-1)!.every((v) => v <= 0.02)).toBe(true);
      expect(Math.max(...frames.map((f) => f[I.jawOpen]!))).toBeGreaterThan(0.4);
    }
  });

  it('moves smoothly by blending alone: without the slew limit, steps stay under 0.5', async () => {
    for (const text of PHONE_SENTENCES) {
      const { visemes, duration } = track(await synthesizeSpeech(text));
      expect(maxStep(blendshapeFrames(visemes, duration, { maxStep: 1 }))).toBeLessThan(0.5);
    }
  });

  it('closes the lips on p, b, m and opens the jaw on aa', async () => {
    let bilabials = 0;
    let opens = 0;
    for (const text of PHONE_SENTENCES) {
      const speech = await synthesizeSpeech(text);
      const { visemes, duration } = track(speech);
      const frames = blendshapeFrames(visemes, duration);
      for (const p of speech.phones) {
        const frame = frameAt(frames, (p.startMs + p.endMs) / 2);
        const where = `${p.phone} at ${Math.round(p.startMs)} ms in ${JSON.stringify(text)}`;
        if (phoneVisemes(p.phone)!.ids[0] === 21) {
          bilabials++;
          expect(frame[I.jawOpen], where).toBeLessThan(0.2);
          expect(frame[I.mouthPressLeft], where).toBeGreaterThan(0.4);
          expect(frame[I.mouthPressRight], where).toBeGreaterThan(0.4);
          expect(frame[I.mouthClose], where).toBeGreaterThan(0.12);
        }
        if (p.phone === 'aa' && p.endMs - p.startMs >= 60) {
          opens++;
          expect(frame[I.jawOpen], where).toBeGreaterThan(0.45);
          expect(frame[I.mouthPressLeft], where).toBeLessThan(0.05);
          expect(frame[I.mouthClose], where).toBeLessThan(0.05);
        }
        if (p.phone === 'pau' && p.endMs - p.startMs >= 150) expect(frame[I.jawOpen], where).toBeLessThan(0.02);
      }
    }
    expect(bilabials).toBeGreaterThanOrEqual(15);
    expect(opens).toBeGreaterThanOrEqual(4);
  });

  it('holds a lone viseme, and is neutral without visemes', () => {
    const frames = blendshapeFrames([{ audio_offset_ms: 0, viseme_id: 2 }], 500);
    expect(frames).toHaveLength(30);
    expect(frames.at(-1)).toEqual(visemePose(2));
    expect(blendshapeFrames([], 1000)).toEqual(Array.from({ length: 60 }, () => visemePose(0)));
    expect(blendshapeFrames([], 0)).toEqual([]);
  });
});

describe('BlendshapeAnimator (streaming)', () => {
  const clauses = ['Pack my box with five dozen liquor jugs.', 'Bob, Mom, and the happy puppy went to the big yellow house.'];

  it('streams clause by clause the same frames as the whole track, in batches of 6 with increasing frame_index', async () => {
    const speeches = await Promise.all(clauses.map((text) => synthesizeSpeech(text)));
    const visemes = new VisemeTrack();
    const animator = new BlendshapeAnimator();
    const batches: BlendshapeBatch[] = [];
    const all: VisemeEvent[] = [];
    let offset = 0;
    for (const speech of speeches) {
      const clause = visemes.push(marksOf(speech.phones), offset);
      all.push(...clause);
      offset += durationMs(speech);
      const got = animator.push(clause, offset);
      // Frames come out while the response goes on, not only at the end.
      expect(got.length).toBeGreaterThan(0);
      batches.push(...got);
    }
    batches.push(...animator.finish(offset));
    expect(animator.finish(offset)).toEqual([]);
    expect(() => animator.push([], offset + 100)).toThrow();

    let index = 0;
    for (const [k, batch] of batches.entries()) {
      expect(batch.frame_index).toBe(index);
      if (k < batches.length - 1) expect(batch.frames).toHaveLength(6);
      else expect(batch.frames.length).toBeLessThanOrEqual(6);
      index += batch.frames.length;
    }
    expect(index).toBe(frameCountFor(offset));
    expect(animator.frameIndex).toBe(index);
    expect(batches.flatMap((b) => b.frames)).toEqual(blendshapeFrames(all, offset));
  });

  it('gives the same frames whatever the chunking of marks and audio', async () => {
    const speech = await synthesizeSpeech(clauses[1]!);
    const marks = marksOf(speech.phones);
    const duration = durationMs(speech);
    const whole = blendshapeFrames(visemesFor(marks), duration);
    for (const perChunk of [1, 3, 7]) {
      const visemes = new VisemeTrack();
      const animator = new BlendshapeAnimator({ batchFrames: 0 });
      const frames: number[][] = [];
      for (let i = 0; i < marks.length; i += perChunk) {
        const chunk = marks.slice(i, i + perChunk);
        // The audio known so far ends where the chunk's last mark ends.
        const batches = animator.push(visemes.push(chunk, 0), Math.min(duration, chunk.at(-1)!.endMs));
        expect(batches.length).toBeLessThanOrEqual(1);
        for (const b of batches) {
          expect(b.frame_index).toBe(frames.length);
          frames.push(...b.frames);
        }
      }
      for (const b of animator.finish(duration)) frames.push(...b.frames);
      expect(frames).toEqual(whole);
    }
  });

  it('holds back only the anticipation window at the end of the known audio', () => {
    const animator = new BlendshapeAnimator({ batchFrames: 0 });
    const [batch] = animator.push([{ audio_offset_ms: 0, viseme_id: 0 }, { audio_offset_ms: 200, viseme_id: 2 }], 1000);
    // 1000 ms known, 3 × 25 ms of anticipation: frames up to 925 ms, i.e. 0..55.
    expect(batch!.frames).toHaveLength(56);
    const rest = animator.finish(1000);
    expect(rest[0]!.frame_index).toBe(56);
    expect(rest[0]!.frames).toHaveLength(4);
  });
});
