/**
 * Streaming noise suppression on RNNoise (Xiph's recurrent-network denoiser) compiled to
 * WebAssembly (`@echogarden/rnnoise-wasm`). RNNoise works on 48 kHz mono only, in frames of 480
 * samples (10 ms); callers resample to and from 48 kHz around it (`resampler.ts`).
 *
 * One `Denoiser` per audio stream: it keeps RNNoise's recurrent state and the partial frame
 * between chunks, so a stream cut into chunks of any sizes is denoised exactly as in one piece.
 * Like the resampler, the output is **time-aligned** with the input and its length is exact:
 *
 * - RNNoise's overlap-add puts its output one frame (480 samples, 10 ms) behind its input. That
 *   first frame of output (the time before the stream began) is dropped, so output sample *j* is
 *   input sample *j* denoised, and a clock that counts output samples stays exact.
 * - The price is latency in wall time, not on the clock: before `flush()` the output lags the
 *   input by `latencySamples` = the partial frame waiting for its end (0–479 samples) plus the
 *   10 ms of overlap (480), i.e. 10–20 ms. `flush()` pushes that tail out (the partial frame
 *   padded with silence), so a stream of N input samples has produced exactly N samples, then
 *   starts a new stream.
 *
 * All denoisers share one wasm instance (loaded once per process; `loadDenoiser()` preloads it),
 * each with its own ~18 KB state in it. Cost: ~0.14 ms CPU per 10 ms frame, ~15 ms CPU per
 * second of audio with the resampling to and from 48 kHz: 1.5 % of one core per stream
 * (`npm run bench:denoise`; `docs/audio.md`).
 */
import initRnnoise, { type RnnoiseModule } from '@echogarden/rnnoise-wasm';
import { concatInt16 } from './pcm.js';

/** The only rate RNNoise works at. */
export const DENOISER_RATE = 48_000;
/** Samples per RNNoise frame: 10 ms at 48 kHz. */
export const DENOISER_FRAME_SAMPLES = 480;
/** RNNoise's own delay (its overlap-add window), compensated by dropping the stream's first output frame. */
const OVERLAP_SAMPLES = DENOISER_FRAME_SAMPLES;

export interface Denoiser {
  /** Always `DENOISER_RATE` (48 kHz): the rate of both input and output. */
  readonly sampleRate: number;
  /** Input samples taken but not yet given back (10–20 ms worth once the stream has started); `flush()` returns them. */
  readonly latencySamples: number;
  /** RNNoise's speech probability (0–1) for the last frame it processed; 0 before the first. */
  readonly speechProbability: number;
  /**
   * Denoises the next chunk of a 48 kHz PCM16 stream, of any length. Returns a new array of the
   * denoised samples that are complete, in order, time-aligned with the input.
   */
  process(samples48k: Int16Array): Int16Array;
  /** Ends the stream: returns the held-back tail so the output totals the input; the denoiser is then ready for a new stream. */
  flush(): Int16Array;
  /** Drops the held-back tail and the recurrent state: a new stream. */
  reset(): void;
  /** Releases the wasm state. Further calls throw. Safe to call twice. */
  close(): void;
}

let rnnoise: Promise<RnnoiseModule> | undefined;

function rnnoiseModule(): Promise<RnnoiseModule> {
  rnnoise ??= initRnnoise()
    .then((m) => {
      const frame = m._rnnoise_get_frame_size();
      if (frame !== DENOISER_FRAME_SAMPLES) throw new Error(`RNNoise frames are ${frame} samples, expected ${DENOISER_FRAME_SAMPLES}`);
      return m;
    })
    .catch((error: unknown) => {
      rnnoise = undefined;
      throw new Error(`could not load RNNoise (@echogarden/rnnoise-wasm): ${String(error)}`, { cause: error });
    });
  return rnnoise;
}

/** Loads the wasm module once per process, e.g. at startup; `createDenoiser` does it when needed. */
export async function loadDenoiser(): Promise<void> {
  await rnnoiseModule();
}

/** A denoiser for one 48 kHz stream. */
export async function createDenoiser(): Promise<Denoiser> {
  return new RnnoiseDenoiser(await rnnoiseModule());
}

/** Denoises a whole 48 kHz clip in one call (process + flush): the result has the clip's length. */
export async function denoise(samples48k: Int16Array): Promise<Int16Array> {
  const denoiser = await createDenoiser();
  try {
    return concatInt16([denoiser.process(samples48k), denoiser.flush()]);
  } finally {
    denoiser.close();
  }
}

class RnnoiseDenoiser implements Denoiser {
  readonly sampleRate = DENOISER_RATE;
  readonly #m: RnnoiseModule;
  #state: number;
  /** Two frames of floats in the wasm heap: input, then output. */
  #block: number;
  /** The frame being filled, in int16 scale as RNNoise wants it; `#fill` samples of it are set. */
  readonly #frame = new Float32Array(DENOISER_FRAME_SAMPLES);
  #fill = 0;
  /** Output samples still to drop at the start of the stream (RNNoise's overlap). */
  #skip = OVERLAP_SAMPLES;
  #inTotal = 0;
  #outTotal = 0;
  #probability = 0;

  constructor(m: RnnoiseModule) {
    this.#m = m;
    this.#state = m._rnnoise_create(0);
    if (this.#state === 0) throw new Error('rnnoise_create failed (out of wasm memory?)');
    this.#block = m._malloc(2 * 4 * DENOISER_FRAME_SAMPLES);
    if (this.#block === 0) {
      m._rnnoise_destroy(this.#state);
      this.#state = 0;
      throw new Error('denoiser: out of wasm memory');
    }
  }

  get latencySamples(): number {
    return this.#inTotal - this.#outTotal;
  }

  get speechProbability(): number {
    return this.#probability;
  }

  #live(): number {
    if (this.#state === 0) throw new Error('denoiser is closed');
    return this.#state;
  }

  /** Runs the full `#frame` through RNNoise and writes what is not skipped into `out` at `at`; returns the samples written. */
  #runFrame(out: Int16Array, at: number): number {
    const m = this.#m;
    const inIndex = this.#block >> 2;
    const outIndex = inIndex + DENOISER_FRAME_SAMPLES;
    m.HEAPF32.set(this.#frame, inIndex);
    this.#probability = m._rnnoise_process_frame(this.#state, this.#block + 4 * DENOISER_FRAME_SAMPLES, this.#block);
    const heap = m.HEAPF32;
    const from = this.#skip;
    this.#skip = 0;
    let written = 0;
    for (let i = from; i < DENOISER_FRAME_SAMPLES && at + written < out.length; i++, written++) {
      const v = Math.round(heap[outIndex + i]!);
      out[at + written] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    this.#fill = 0;
    return written;
  }

  /** Feeds `input`, returning at most `limit` of the samples that come out. */
  #push(input: Int16Array, limit: number): Int16Array {
    const frames = Math.floor((this.#fill + input.length) / DENOISER_FRAME_SAMPLES);
    const made = Math.max(0, frames * DENOISER_FRAME_SAMPLES - this.#skip);
    const out = new Int16Array(Math.min(made, limit));
    let produced = 0;
    for (let at = 0; at < input.length; ) {
      const take = Math.min(DENOISER_FRAME_SAMPLES - this.#fill, input.length - at);
      for (let i = 0; i < take; i++) this.#frame[this.#fill + i] = input[at + i]!;
      this.#fill += take;
      at += take;
      if (this.#fill === DENOISER_FRAME_SAMPLES) produced += this.#runFrame(out, produced);
    }
    return produced === out.length ? out : out.slice(0, produced);
  }

  process(samples48k: Int16Array): Int16Array {
    this.#live();
    if (samples48k.length === 0) return new Int16Array(0);
    this.#inTotal += samples48k.length;
    const out = this.#push(samples48k, Infinity);
    this.#outTotal += out.length;
    return out;
  }

  flush(): Int16Array {
    this.#live();
    const owed = this.#inTotal - this.#outTotal;
    // Silence completes the partial frame, then one more frame brings out RNNoise's overlap.
    const tail = owed > 0 ? this.#push(new Int16Array(((DENOISER_FRAME_SAMPLES - this.#fill) % DENOISER_FRAME_SAMPLES) + OVERLAP_SAMPLES), owed) : new Int16Array(0);
    this.reset();
    return tail;
  }

  reset(): void {
    const state = this.#live();
    this.#m._rnnoise_init(state, 0);
    this.#frame.fill(0);
    this.#fill = 0;
    this.#skip = OVERLAP_SAMPLES;
    this.#inTotal = 0;
    this.#outTotal = 0;
    this.#probability = 0;
  }

  close(): void {
    if (this.#state === 0) return;
    this.#m._rnnoise_destroy(this.#state);
    this.#m._free(this.#block);
    this.#state = 0;
    this.#block = 0;
  }
}
