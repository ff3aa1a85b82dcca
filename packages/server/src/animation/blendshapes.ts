/**
 * Viseme track → 3D blendshape frames, for `response.animation_blendshapes.delta` (Voice Live,
 * `animation.outputs` including `blendshapes`).
 *
 * Azure's frames are 60 per second of audio, each an array of 55 values in [0, 1]: ARKit's 52
 * face blendshapes in Apple's order, then `headRoll`, `leftEyeRoll`, `rightEyeRoll`
 * (`BLENDSHAPE_NAMES`). A delta carries `frame_index` (how many frames came before it in the
 * response) and a batch of consecutive frames.
 *
 * Method (our own; see docs/animation.md):
 *
 * 1. Each viseme id has a target pose (`VISEME_POSES`), a few mouth and jaw blendshapes; the rest
 *    stay 0 (eyes open, brows and head still). Silence is the neutral face, all zeros.
 * 2. Coarticulation, after Cohen & Massaro's dominance model: every viseme segment pulls the face
 *    toward its pose with a weight, its dominance, that is constant inside the segment and falls
 *    off outside it as a Gaussian, over `attackMs` before it (anticipation) and `releaseMs` after
 *    it (carry-over). The frame's target is the weighted mean of the poses. Segments differ in
 *    strength (`VISEME_DOMINANCE`): lips must close for p/b/m and touch the teeth for f/v, so those
 *    dominate their neighbours, while t/d/n, k/g/ng and h, made with the tongue out of sight,
 *    barely do and take the lip shape of the vowels around them.
 * 3. A slew limit (`maxStep` per frame and blendshape) bounds what remains of any jump.
 *
 * Each frame is a convex combination of poses in [0, 1], so it is in [0, 1] too.
 *
 * Streaming: `BlendshapeAnimator` takes visemes and the audio's extent as they come (clause by
 * clause or chunk by chunk) and returns frames as soon as nothing still unknown can change them,
 * i.e. up to the audio's end minus the anticipation's reach, in batches of `batchFrames`.
 * `finish` returns the rest: the response's frames number round(duration × 60 / 1000).
 */
import { VISEME_COUNT, type VisemeEvent, type VisemeId } from './visemes.js';

/**
 * The 55 facial positions of Azure's blend shape frames, in frame order: ARKit's 52
 * `ARFaceAnchor.BlendShapeLocation`s (eyes, jaw, mouth, brows, cheeks, nose, tongue), then the
 * head's and the eyes' roll.
 */
export const BLENDSHAPE_NAMES = [
  'eyeBlinkLeft',
  'eyeLookDownLeft',
  'eyeLookInLeft',
  'eyeLookOutLeft',
  'eyeLookUpLeft',
  'eyeSquintLeft',
  'eyeWideLeft',
  'eyeBlinkRight',
  'eyeLookDownRight',
  'eyeLookInRight',
  'eyeLookOutRight',
  'eyeLookUpRight',
  'eyeSquintRight',
  'eyeWideRight',
  'jawForward',
  'jawLeft',
  'jawRight',
  'jawOpen',
  'mouthClose',
  'mouthFunnel',
  'mouthPucker',
  'mouthLeft',
  'mouthRight',
  'mouthSmileLeft',
  'mouthSmileRight',
  'mouthFrownLeft',
  'mouthFrownRight',
  'mouthDimpleLeft',
  'mouthDimpleRight',
  'mouthStretchLeft',
  'mouthStretchRight',
  'mouthRollLower',
  'mouthRollUpper',
  'mouthShrugLower',
  'mouthShrugUpper',
  'mouthPressLeft',
  'mouthPressRight',
  'mouthLowerDownLeft',
  'mouthLowerDownRight',
  'mouthUpperUpLeft',
  'mouthUpperUpRight',
  'browDownLeft',
  'browDownRight',
  'browInnerUp',
  'browOuterUpLeft',
  'browOuterUpRight',
  'cheekPuff',
  'cheekSquintLeft',
  'cheekSquintRight',
  'noseSneerLeft',
  'noseSneerRight',
  'tongueOut',
  'headRoll',
  'leftEyeRoll',
  'rightEyeRoll',
] as const;

export type BlendshapeName = (typeof BLENDSHAPE_NAMES)[number];

/** Values per frame: 55. */
export const BLENDSHAPE_COUNT = BLENDSHAPE_NAMES.length;

/** A blendshape's position in a frame. */
export const BLENDSHAPE_INDEX: Readonly<Record<BlendshapeName, number>> = Object.freeze(
  Object.fromEntries(BLENDSHAPE_NAMES.map((name, i) => [name, i])) as Record<BlendshapeName, number>,
);

/** Frames per second of audio. */
export const BLENDSHAPE_FPS = 60;

/** A pose: the blendshapes that are not 0. */
export type Pose = Readonly<Partial<Record<BlendshapeName, number>>>;

/** Left and right halves of a symmetric mouth blendshape at the same value. */
function both(
  base: 'mouthSmile' | 'mouthStretch' | 'mouthPress' | 'mouthLowerDown' | 'mouthUpperUp',
  value: number,
): Pose {
  return { [`${base}Left`]: value, [`${base}Right`]: value } as Pose;
}

/**
 * The target pose of each viseme id (index = id). Values are our own, set by hand from the mouth
 * positions Azure pictures for each id and ARKit's descriptions of each blendshape: jaw opening by
 * vowel height, spread (smile/stretch) for front vowels, funnel/pucker for rounded ones, pressed
 * lips for p/b/m, lower lip rolled under the teeth for f/v, tongue between the teeth for ð.
 */
export const VISEME_POSES: readonly Pose[] = Object.freeze([
  /* 0 silence */ {},
  /* 1 æ ə ʌ */ { jawOpen: 0.35, ...both('mouthLowerDown', 0.25), ...both('mouthUpperUp', 0.1), ...both('mouthStretch', 0.15), ...both('mouthSmile', 0.05) },
  /* 2 ɑ */ { jawOpen: 0.6, ...both('mouthLowerDown', 0.35), ...both('mouthUpperUp', 0.1), mouthFunnel: 0.05 },
  /* 3 ɔ */ { jawOpen: 0.5, mouthFunnel: 0.35, mouthPucker: 0.15, ...both('mouthLowerDown', 0.2) },
  /* 4 ɛ ʊ */ { jawOpen: 0.3, ...both('mouthStretch', 0.25), ...both('mouthSmile', 0.15), ...both('mouthLowerDown', 0.2), ...both('mouthUpperUp', 0.1) },
  /* 5 ɝ */ { jawOpen: 0.2, mouthFunnel: 0.3, mouthPucker: 0.25, mouthShrugUpper: 0.1 },
  /* 6 j i ɪ */ { jawOpen: 0.12, ...both('mouthSmile', 0.35), ...both('mouthStretch', 0.35), ...both('mouthUpperUp', 0.1), ...both('mouthLowerDown', 0.1) },
  /* 7 w u */ { jawOpen: 0.12, mouthPucker: 0.65, mouthFunnel: 0.35 },
  /* 8 o */ { jawOpen: 0.35, mouthFunnel: 0.5, mouthPucker: 0.35 },
  /* 9 aʊ */ { jawOpen: 0.55, mouthFunnel: 0.2, mouthPucker: 0.1, ...both('mouthLowerDown', 0.3) },
  /* 10 ɔɪ */ { jawOpen: 0.4, mouthFunnel: 0.4, mouthPucker: 0.2, ...both('mouthStretch', 0.1) },
  /* 11 aɪ */ { jawOpen: 0.55, ...both('mouthLowerDown', 0.3), ...both('mouthStretch', 0.2), ...both('mouthSmile', 0.1) },
  /* 12 h */ { jawOpen: 0.3, ...both('mouthLowerDown', 0.15), ...both('mouthStretch', 0.1) },
  /* 13 ɹ */ { jawOpen: 0.15, mouthPucker: 0.35, mouthFunnel: 0.3, mouthShrugUpper: 0.1 },
  /* 14 l */ { jawOpen: 0.25, ...both('mouthLowerDown', 0.15), ...both('mouthStretch', 0.1), tongueOut: 0.1 },
  /* 15 s z */ { jawOpen: 0.05, ...both('mouthStretch', 0.35), ...both('mouthSmile', 0.2), ...both('mouthUpperUp', 0.15), ...both('mouthLowerDown', 0.15) },
  /* 16 ʃ tʃ dʒ ʒ */ { jawOpen: 0.08, mouthFunnel: 0.55, mouthPucker: 0.35, ...both('mouthUpperUp', 0.2), ...both('mouthLowerDown', 0.2), mouthShrugUpper: 0.1 },
  /* 17 ð */ { jawOpen: 0.15, tongueOut: 0.4, ...both('mouthLowerDown', 0.1), ...both('mouthUpperUp', 0.05) },
  /* 18 f v */ { jawOpen: 0.08, mouthRollLower: 0.6, ...both('mouthUpperUp', 0.25), ...both('mouthPress', 0.1), mouthShrugUpper: 0.1 },
  /* 19 d t n θ */ { jawOpen: 0.15, ...both('mouthStretch', 0.15), ...both('mouthLowerDown', 0.1), ...both('mouthUpperUp', 0.05) },
  /* 20 k g ŋ */ { jawOpen: 0.2, ...both('mouthStretch', 0.1), ...both('mouthLowerDown', 0.1) },
  /* 21 p b m */ { jawOpen: 0.05, mouthClose: 0.2, ...both('mouthPress', 0.6), mouthRollLower: 0.25, mouthRollUpper: 0.15, mouthShrugLower: 0.1 },
] satisfies Pose[]);

/**
 * How strongly each viseme id (index) holds its pose against its neighbours' (the dominance
 * inside its segment). Vowels and silence are 1.
 */
export const VISEME_DOMINANCE: readonly number[] = Object.freeze([
  /* 0 */ 1, /* 1–11 vowels */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  /* 12 h */ 0.3, /* 13 r */ 0.8, /* 14 l */ 0.6, /* 15 s z */ 0.9, /* 16 sh */ 1.2, /* 17 dh */ 1,
  /* 18 f v */ 2.5, /* 19 d t n */ 0.4, /* 20 k g ng */ 0.3, /* 21 p b m */ 4,
]);

/**
 * A dominant viseme's pull falls off faster, so that it holds its own segment without spilling
 * further into its neighbours' than a vowel does: its Gaussian is narrowed by √(1 + ln strength),
 * which puts its weight at e^-1 (as a strength-1 viseme's) one width away from the segment.
 */
const NARROWING: readonly number[] = VISEME_DOMINANCE.map((strength) => (strength > 1 ? Math.sqrt(1 + Math.log(strength)) : 1));

/** A viseme's pose as a full frame of 55 values. */
export function visemePose(id: VisemeId | number): number[] {
  const frame = new Array<number>(BLENDSHAPE_COUNT).fill(0);
  const pose = VISEME_POSES[id] ?? VISEME_POSES[0]!;
  for (const [name, value] of Object.entries(pose)) frame[BLENDSHAPE_INDEX[name as BlendshapeName]] = value;
  return frame;
}

/** Frames in `durationMs` of audio at `fps`: round(duration × fps / 1000). */
export function frameCountFor(durationMs: number, fps = BLENDSHAPE_FPS): number {
  return Math.max(0, Math.round((durationMs * fps) / 1000));
}

export interface BlendshapeOptions {
  /** Frames per second of audio. Default 60, Azure's rate. */
  fps?: number;
  /** Anticipation: the Gaussian width (σ) of a viseme's pull before it starts, in ms. Default 25. */
  attackMs?: number;
  /** Carry-over: the Gaussian width (σ) of a viseme's pull after it ends, in ms. Default 30. */
  releaseMs?: number;
  /** The largest change of one blendshape from one frame to the next. Default 0.25. */
  maxStep?: number;
  /** Frames per batch (delta); 0 returns each call's frames as one batch. Default 6 (100 ms at 60 fps). */
  batchFrames?: number;
  /** Decimals kept in the values. Default 3. */
  decimals?: number;
}

/** One `response.animation_blendshapes.delta` payload (without the response/item refs). */
export interface BlendshapeBatch {
  /** How many frames of the response came before this batch. */
  frame_index: number;
  /** Consecutive frames, each `BLENDSHAPE_COUNT` values in [0, 1], in `BLENDSHAPE_NAMES` order. */
  frames: number[][];
}

/** Dominance is cut off beyond this many widths (e^-9 ≈ 1e-4 there). */
const REACH = 3;

/**
 * Frames from a viseme track, streamed. Use one per response:
 *
 * ```ts
 * const animator = new BlendshapeAnimator();
 * // per clause (or chunk), on the response's audio clock:
 * for (const batch of animator.push(visemes, clauseOffsetMs + clauseDurationMs)) emit(batch);
 * // when the response's audio is complete:
 * for (const batch of animator.finish(totalAudioMs)) emit(batch);
 * ```
 *
 * Frame i is the face at `i × 1000 / fps` ms of the response's audio. Before the first viseme
 * the face is silent; the last viseme holds until the end.
 */
export class BlendshapeAnimator {
  readonly fps: number;
  readonly #attack: number;
  readonly #release: number;
  readonly #maxStep: number;
  readonly #batch: number;
  readonly #scale: number;
  readonly #poses: readonly number[][] = Array.from({ length: VISEME_COUNT }, (_, id) => visemePose(id));
  /** Segment starts (ms, non-decreasing) and their viseme ids. */
  readonly #starts: number[] = [];
  readonly #ids: number[] = [];
  /** First segment that can still influence a coming frame. */
  #first = 0;
  /** The audio's known extent, in ms. */
  #knownMs = 0;
  /** Frames computed so far (= the next frame's index). */
  #computed = 0;
  /** Frames returned so far. */
  #sent = 0;
  readonly #pending: number[][] = [];
  #previous: number[];
  #finished = false;

  constructor(options: BlendshapeOptions = {}) {
    this.fps = options.fps ?? BLENDSHAPE_FPS;
    this.#attack = Math.max(1e-3, options.attackMs ?? 25);
    this.#release = Math.max(1e-3, options.releaseMs ?? 30);
    this.#maxStep = options.maxStep ?? 0.25;
    this.#batch = options.batchFrames ?? 6;
    this.#scale = 10 ** (options.decimals ?? 3);
    this.#previous = this.#poses[0]!.slice();
  }

  /** Frames returned so far: the `frame_index` of the next batch. */
  get frameIndex(): number {
    return this.#sent;
  }

  /**
   * Adds `visemes` (response clock, in order; later than the ones before) and moves the known
   * end of the audio to `audioEndMs` (response clock). Returns the batches of frames now final.
   */
  push(visemes: readonly VisemeEvent[], audioEndMs: number): BlendshapeBatch[] {
    if (this.#finished) throw new Error('BlendshapeAnimator: push after finish');
    this.#add(visemes);
    this.#knownMs = Math.max(this.#knownMs, audioEndMs);
    // A frame is final once every viseme that can pull it is known: the anticipation reaches
    // REACH × attack ahead, and visemes come with the audio they start in.
    const horizon = this.#knownMs - REACH * this.#attack;
    const ready = Math.min(Math.floor((horizon * this.fps) / 1000) + 1, frameCountFor(this.#knownMs, this.fps));
    this.#compute(ready);
    return this.#take(false);
  }

  /**
   * The response's audio is complete at `audioEndMs` (default: the end known so far); adds
   * `visemes` if given. Returns the remaining frames: the response then has
   * `frameCountFor(audioEndMs)` frames in all.
   */
  finish(audioEndMs?: number, visemes: readonly VisemeEvent[] = []): BlendshapeBatch[] {
    if (this.#finished) return [];
    this.#add(visemes);
    this.#knownMs = Math.max(this.#knownMs, audioEndMs ?? this.#knownMs);
    this.#finished = true;
    this.#compute(frameCountFor(this.#knownMs, this.fps));
    return this.#take(true);
  }

  #add(visemes: readonly VisemeEvent[]): void {
    for (const { audio_offset_ms: at, viseme_id: id } of visemes) {
      const start = Math.max(at, this.#starts.at(-1) ?? -Infinity);
      if (this.#ids.at(-1) === id) continue;
      this.#starts.push(start);
      this.#ids.push(id);
    }
  }

  #compute(until: number): void {
    const frameMs = 1000 / this.fps;
    const target = new Array<number>(BLENDSHAPE_COUNT);
    for (; this.#computed < until; this.#computed++) {
      const t = this.#computed * frameMs;
      this.#target(t, target);
      const frame = new Array<number>(BLENDSHAPE_COUNT);
      for (let j = 0; j < BLENDSHAPE_COUNT; j++) {
        const prev = this.#previous[j]!;
        const step = Math.max(-this.#maxStep, Math.min(this.#maxStep, target[j]! - prev));
        frame[j] = Math.min(1, Math.max(0, prev + step));
      }
      this.#previous = frame;
      this.#pending.push(frame.map((v) => Math.round(v * this.#scale) / this.#scale));
    }
  }

  /** The weighted mean of the poses pulling at `t` ms, into `out`. */
  #target(t: number, out: number[]): void {
    out.fill(0);
    const starts = this.#starts;
    const count = starts.length;
    const releaseReach = REACH * this.#release;
    const attackReach = REACH * this.#attack;
    // Segments ending before t − releaseReach no longer pull (frames only move forward).
    while (this.#first < count - 1 && starts[this.#first + 1]! < t - releaseReach) this.#first++;
    let total = 0;
    const pull = (id: number, weight: number): void => {
      if (weight <= 0) return;
      total += weight;
      const pose = this.#poses[id] ?? this.#poses[0]!;
      for (let j = 0; j < BLENDSHAPE_COUNT; j++) out[j]! += weight * pose[j]!;
    };
    // Silence before the first viseme.
    const firstStart = count > 0 ? starts[0]! : Infinity;
    if (t < firstStart) pull(0, 1);
    else if (t - firstStart < releaseReach) pull(0, Math.exp(-(((t - firstStart) / this.#release) ** 2)));
    for (let k = this.#first; k < count; k++) {
      const start = starts[k]!;
      if (start > t + attackReach) break;
      const end = k + 1 < count ? starts[k + 1]! : Infinity;
      const id = this.#ids[k]!;
      const strength = VISEME_DOMINANCE[id] ?? 1;
      const narrow = NARROWING[id] ?? 1;
      let weight: number;
      if (t < start) weight = strength * Math.exp(-(((start - t) * narrow / this.#attack) ** 2));
      else if (t < end) weight = strength;
      else if (t - end < releaseReach) weight = strength * Math.exp(-(((t - end) * narrow / this.#release) ** 2));
      else weight = 0;
      pull(id, weight);
    }
    if (total === 0) {
      out.fill(0);
      return;
    }
    for (let j = 0; j < BLENDSHAPE_COUNT; j++) out[j] = out[j]! / total;
  }

  #take(all: boolean): BlendshapeBatch[] {
    const batches: BlendshapeBatch[] = [];
    const size = this.#batch > 0 ? this.#batch : Infinity;
    while (this.#pending.length > 0 && (all || this.#batch <= 0 || this.#pending.length >= size)) {
      const frames = this.#pending.splice(0, Math.min(size, this.#pending.length));
      batches.push({ frame_index: this.#sent, frames });
      this.#sent += frames.length;
    }
    return batches;
  }
}

/**
 * All the frames of a whole track at once: `visemes` on the clock of audio lasting `durationMs`;
 * `frameCountFor(durationMs)` frames.
 */
export function blendshapeFrames(visemes: readonly VisemeEvent[], durationMs: number, options: BlendshapeOptions = {}): number[][] {
  const animator = new BlendshapeAnimator({ ...options, batchFrames: 0 });
  return animator.finish(durationMs, visemes).flatMap((batch) => batch.frames);
}
