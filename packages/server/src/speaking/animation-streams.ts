/**
 * The lip-sync streams of one spoken message (Voice Live `animation.outputs`): Azure viseme ids
 * as `response.animation_viseme.delta`, and 60 fps ARKit-style blendshape frames as
 * `response.animation_blendshapes.delta`, both built from the speech engine's phoneme marks
 * (docs/animation.md).
 */
import type { ServerEventInit } from '@parley/protocol';
import { BlendshapeAnimator, VisemeTrack } from '../animation/index.js';
import type { TtsMark } from '../engines/tts/index.js';
import type { PartRef } from './speech-output.js';

export interface AnimationOutputs {
  visemes: boolean;
  blendshapes: boolean;
}

export class AnimationStreams {
  readonly #outputs: AnimationOutputs;
  readonly #ref: PartRef;
  readonly #emit: (event: ServerEventInit) => void;
  readonly #visemes = new VisemeTrack();
  readonly #animator = new BlendshapeAnimator();

  constructor(outputs: AnimationOutputs, ref: PartRef, emit: (event: ServerEventInit) => void) {
    this.#outputs = outputs;
    this.#ref = ref;
    this.#emit = emit;
  }

  /** A piece of audio went out: `marks` start in it, on the clock of a clause starting at `clauseOffsetMs`; the audio now reaches `audioEndMs`. */
  audio(marks: readonly TtsMark[], clauseOffsetMs: number, audioEndMs: number): void {
    const visemes = this.#visemes.push(marks, clauseOffsetMs);
    if (this.#outputs.visemes) {
      for (const v of visemes) this.#emit({ type: 'response.animation_viseme.delta', ...this.#ref, audio_offset_ms: v.audio_offset_ms, viseme_id: v.viseme_id });
    }
    if (this.#outputs.blendshapes) this.#sendFrames(this.#animator.push(visemes, audioEndMs));
  }

  /** The speech ended at `audioEndMs` (all of it, or where it was cut off): the rest, then the done events. */
  close(audioEndMs: number): void {
    if (this.#outputs.blendshapes) {
      this.#sendFrames(this.#animator.finish(audioEndMs));
      const { response_id, item_id, output_index } = this.#ref;
      this.#emit({ type: 'response.animation_blendshapes.done', response_id, item_id, output_index });
    }
    if (this.#outputs.visemes) this.#emit({ type: 'response.animation_viseme.done', ...this.#ref });
  }

  #sendFrames(batches: { frame_index: number; frames: number[][] }[]): void {
    for (const batch of batches) this.#emit({ type: 'response.animation_blendshapes.delta', ...this.#ref, frame_index: batch.frame_index, frames: batch.frames });
  }
}
