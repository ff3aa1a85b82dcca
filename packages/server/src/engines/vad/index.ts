/**
 * The voice-activity-detection engine contract. An engine is loaded once (a model, a runtime)
 * and creates one `VadDetector` per audio stream; a detector holds that stream's state and
 * turns each fixed-size frame of mono audio at the engine's sample rate into a speech
 * probability. Turn detection (`server_vad`: threshold, prefix padding, silence duration) is
 * built on these probabilities elsewhere; engines only score frames.
 *
 * Audio reaches a detector already decoded and resampled to `capabilities.sampleRate`
 * (`audio/input-format.ts`, `audio/resampler.ts`) and cut into frames (`audio/framer.ts`).
 * A frame costs well under a millisecond, so calls take no `AbortSignal`: a stream that is
 * abandoned is `reset()` or `close()`d instead.
 */

export interface VadCapabilities {
  /** Samples per second of the audio a detector takes (16000 for Silero). */
  readonly sampleRate: number;
  /** Samples per frame: every `process` call takes exactly this many. */
  readonly frameSamples: number;
  /** Duration of one frame in milliseconds (frameSamples / sampleRate × 1000). */
  readonly frameMs: number;
}

/** One stream's detector. Not shared between streams. */
export interface VadDetector {
  /**
   * The speech probability (0–1) of the next frame of this stream. `frame` holds exactly
   * `frameSamples` samples, float in [-1, 1) or int16; it is copied before this returns, so
   * the caller may reuse it. Calls may overlap: they are processed in call order.
   */
  process(frame: Float32Array | Int16Array): Promise<number>;
  /** Starts a new stream: forgets all history. Frames already submitted finish on the old history. */
  reset(): void;
  /** Releases the detector. Frames already submitted still finish; later `process` calls reject. */
  close(): void;
}

export interface VadEngine {
  /** Names the engine in logs and errors, e.g. `silero-v5(/path/silero_vad_v5.onnx)`. */
  readonly label: string;
  readonly capabilities: VadCapabilities;
  createDetector(): VadDetector;
  /** Waits for frames in flight, then releases the model. Detectors fail after this. */
  close(): Promise<void>;
}

/** A VAD model that cannot be used: the file is missing, unreadable, or not the expected model. */
export class VadModelError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VadModelError';
    this.path = path;
  }
}
