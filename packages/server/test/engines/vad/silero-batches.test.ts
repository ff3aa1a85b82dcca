import { describe, expect, it } from 'vitest';
import { FrameBatcher, MAX_BATCH, packBatch, STATE_SIZE, unpackBatch, type BatchJob, type BatchResult } from '../../../src/engines/vad/silero-batches.js';

const WIDTH = 576;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A frame whose input and state are filled with `n`, to tell rows apart. */
const frame = (n: number) => ({ input: new Float32Array(WIDTH).fill(n), state: Float32Array.from({ length: STATE_SIZE }, (_, i) => n * 1000 + i) });

/** A "model" that scores a row by its first input sample and hands the state back + 1, recording each batch's size. */
function fakeModel(sizes: number[]) {
  return async (job: BatchJob): Promise<BatchResult> => {
    sizes.push(job.rows);
    const probabilities = Float32Array.from({ length: job.rows }, (_, b) => job.input[b * job.width]!);
    return { probabilities, state: job.state.map((v) => v + 1) };
  };
}

describe('Silero frame batches', () => {
  it('packs rows as [B, width] and states as [2, B, 128], and unpacks each row its own state', () => {
    const frames = [frame(1), frame(2), frame(3)];
    const job = packBatch(frames);
    expect(job).toMatchObject({ rows: 3, width: WIDTH });
    expect(job.input[WIDTH * 2]).toBe(3);
    // The second half of the state tensor starts with row 0's second half.
    expect(job.state[3 * 128]).toBe(1000 + 128);
    const runs = unpackBatch(3, { probabilities: Float32Array.of(0.1, 0.2, 0.3), state: job.state });
    runs.forEach((run, b) => expect(Array.from(run.state)).toEqual(Array.from(frames[b]!.state)));
    expect(runs.map((r) => r.probability)).toEqual([0.1, 0.2, 0.3].map(Math.fround));
  });

  it('runs the frames submitted in one turn together, at most MAX_BATCH a run, each answered with its own row', async () => {
    const sizes: number[] = [];
    const batcher = new FrameBatcher(fakeModel(sizes));
    const count = MAX_BATCH + 5;
    const runs = await Promise.all(Array.from({ length: count }, (_, i) => batcher.submit(frame(i).input, frame(i).state)));
    expect(sizes).toEqual([MAX_BATCH, 5]);
    runs.forEach((run, i) => {
      expect(run.probability).toBe(i);
      expect(run.state[0]).toBe(i * 1000 + 1);
    });
  });

  it('frames submitted while a run is under way go together into the next run', async () => {
    const sizes: number[] = [];
    let release!: () => void;
    const model = fakeModel(sizes);
    const batcher = new FrameBatcher(async (job) => {
      if (sizes.length === 0) await new Promise<void>((resolve) => (release = resolve));
      return model(job);
    });
    const first = batcher.submit(frame(0).input, frame(0).state);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [1, 2, 3].map((i) => batcher.submit(frame(i).input, frame(i).state));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([first, ...later]);
    expect(sizes).toEqual([1, 3]);
  });

  it('a failed run fails only its own frames', async () => {
    let fail = true;
    const model = fakeModel([]);
    const batcher = new FrameBatcher((job) => (fail ? Promise.reject(new Error('model failed')) : model(job)));
    await expect(batcher.submit(frame(1).input, frame(1).state)).rejects.toThrow('model failed');
    fail = false;
    await expect(batcher.submit(frame(7).input, frame(7).state)).resolves.toMatchObject({ probability: 7 });
  });
});
