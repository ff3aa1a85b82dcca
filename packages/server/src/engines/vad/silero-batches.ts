/**
 * Silero frames of many streams, scored together: one model run per batch instead of one per
 * frame. A run has a fixed cost well above a frame's own work: CPU per frame is ~115 µs for one
 * stream, ~64 µs with 4 streams, ~49 µs with 16 (bench/vad.js). Each row of a batch gets exactly
 * the scores it gets alone.
 *
 * - A frame joins the frames submitted in the same event-loop turn (live sessions' appends that
 *   arrive together are read in one turn): the batch runs after that turn's I/O.
 * - One batch runs at a time; frames submitted meanwhile wait for the next one, so the busier
 *   the engine, the larger its batches.
 *
 * Waiting 2–4 ms for more frames was tried: with 50–100 live sessions it saved 5–10 % of a core
 * but did not shorten the slowest turn ends, and it adds that wait to every one (bench/RESULTS.md),
 * so frames never wait.
 *
 * A stream's frames are ordered by its detector (each needs the state the previous produced), so
 * a batch never holds two frames of one stream.
 */

/** Frames scored in one run at most: 64 take ~2.5 ms, the longest the event loop is held. */
export const MAX_BATCH = 64;
const STATE_ROWS = 2;
const STATE_WIDTH = 128;
export const STATE_SIZE = STATE_ROWS * STATE_WIDTH;

/** Frames as the rows of one run. */
export interface BatchJob {
  rows: number;
  width: number;
  /** `[rows, width]`. */
  input: Float32Array;
  /** `[2, rows, 128]`. */
  state: Float32Array;
}

export interface BatchResult {
  probabilities: Float32Array;
  /** `[2, rows, 128]`. */
  state: Float32Array;
}

export interface FrameRun {
  probability: number;
  /** The stream's next state, `[2, 1, 128]`. */
  state: Float32Array;
}

interface QueuedFrame {
  input: Float32Array;
  state: Float32Array;
  resolve(result: FrameRun): void;
  reject(error: unknown): void;
}

/** The frames as the rows of one run: input `[B, width]`, state `[2, B, 128]`. */
export function packBatch(frames: readonly { input: Float32Array; state: Float32Array }[]): BatchJob {
  const rows = frames.length;
  const width = frames[0]!.input.length;
  const input = new Float32Array(rows * width);
  const state = new Float32Array(rows * STATE_SIZE);
  frames.forEach((frame, b) => {
    input.set(frame.input, b * width);
    for (let r = 0; r < STATE_ROWS; r++) state.set(frame.state.subarray(r * STATE_WIDTH, (r + 1) * STATE_WIDTH), (r * rows + b) * STATE_WIDTH);
  });
  return { rows, width, input, state };
}

/** Each row's probability and its own `[2, 1, 128]` state. */
export function unpackBatch(rows: number, result: BatchResult): FrameRun[] {
  return Array.from({ length: rows }, (_, b) => {
    const state = new Float32Array(STATE_SIZE);
    for (let r = 0; r < STATE_ROWS; r++) state.set(result.state.subarray((r * rows + b) * STATE_WIDTH, (r * rows + b + 1) * STATE_WIDTH), r * STATE_WIDTH);
    return { probability: result.probabilities[b]!, state };
  });
}

export class FrameBatcher {
  readonly #run: (job: BatchJob) => Promise<BatchResult>;
  #queue: QueuedFrame[] = [];
  /** A run is scheduled or under way. */
  #scheduled = false;

  constructor(run: (job: BatchJob) => Promise<BatchResult>) {
    this.#run = run;
  }

  submit(input: Float32Array, state: Float32Array): Promise<FrameRun> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ input, state, resolve, reject });
      this.#schedule();
    });
  }

  /** Runs the queue after this turn's I/O, unless a run is scheduled or under way. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => void this.#runQueued());
  }

  async #runQueued(): Promise<void> {
    const batch = this.#queue.splice(0, MAX_BATCH);
    try {
      const runs = unpackBatch(batch.length, await this.#run(packBatch(batch)));
      batch.forEach((frame, i) => frame.resolve(runs[i]!));
    } catch (error) {
      for (const frame of batch) frame.reject(error);
    } finally {
      this.#scheduled = false;
      if (this.#queue.length > 0) this.#schedule();
    }
  }
}
