/**
 * Streaming PCM16 resampling, any rate to any rate, on the Speex resampler compiled to
 * WebAssembly (`@echogarden/speex-resampler-wasm`, its SIMD build).
 *
 * One `Resampler` per audio stream: it keeps the filter history between chunks, so a stream cut
 * into chunks of any sizes resamples exactly as it would in one piece. Output is time-aligned
 * with the input (the filter's leading zeros are skipped), and over a stream the output length
 * is exact: after `flush()`, a stream of N input samples has produced exactly
 * ceil(N × outputRate / inputRate) samples. Before the flush the output lags the input by the
 * filter's input latency (`latencySamples`, a few ms); `flush()` pushes that tail out.
 *
 * All resamplers share one wasm instance (loaded once, ~4 ms), each with its own state in it.
 * Cost at quality 4 is well under 0.1 % of a core per stream (`docs/audio.md`).
 */
import initSpeex, { type SpeexResamplerModule } from '@echogarden/speex-resampler-wasm/simd';

export interface ResamplerOptions {
  inputRate: number;
  outputRate: number;
  /** Speex quality 0–10; 4 by default. Below 3 aliasing becomes audible (q0 gives ~18 dB SNR). */
  quality?: number;
}

export const DEFAULT_RESAMPLER_QUALITY = 4;
const MAX_RATE = 384_000;

export interface Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly quality: number;
  /** Input samples held back by the filter until more input (or `flush`) arrives. */
  readonly latencySamples: number;
  /**
   * Resamples the next chunk of the stream. The result is a new array, except when the two
   * rates are equal: then it is `input` itself.
   */
  process(input: Int16Array): Int16Array;
  /** Ends the stream: returns the held-back tail and makes the total exact; the resampler is then ready for a new stream. */
  flush(): Int16Array;
  /** Drops the held-back tail and starts a new stream. */
  reset(): void;
  /** Releases the wasm state. Further calls throw. Safe to call twice. */
  close(): void;
}

let speex: Promise<SpeexResamplerModule> | undefined;

function speexModule(): Promise<SpeexResamplerModule> {
  speex ??= initSpeex().catch((error: unknown) => {
    speex = undefined;
    throw new Error(`could not load the Speex resampler (@echogarden/speex-resampler-wasm): ${String(error)}`, { cause: error });
  });
  return speex;
}

/** Loads the wasm module once per process (~4 ms), e.g. at startup; `createResampler` does it when needed. */
export async function loadResampler(): Promise<void> {
  await speexModule();
}

function checkOptions({ inputRate, outputRate, quality = DEFAULT_RESAMPLER_QUALITY }: ResamplerOptions): Required<ResamplerOptions> {
  for (const [name, rate] of [['inputRate', inputRate], ['outputRate', outputRate]] as const) {
    if (!Number.isInteger(rate) || rate <= 0 || rate > MAX_RATE) throw new RangeError(`resampler ${name} must be an integer from 1 to ${MAX_RATE} Hz, got ${rate}`);
  }
  if (!Number.isInteger(quality) || quality < 0 || quality > 10) throw new RangeError(`resampler quality must be an integer from 0 to 10, got ${quality}`);
  return { inputRate, outputRate, quality };
}

/** A resampler for one stream. */
export async function createResampler(options: ResamplerOptions): Promise<Resampler> {
  const checked = checkOptions(options);
  if (checked.inputRate === checked.outputRate) return new PassThrough(checked);
  return new SpeexResampler(await speexModule(), checked);
}

/** Resamples a whole clip in one call (process + flush). */
export async function resample(input: Int16Array, inputRate: number, outputRate: number, quality?: number): Promise<Int16Array> {
  const resampler = await createResampler({ inputRate, outputRate, ...(quality === undefined ? {} : { quality }) });
  try {
    const body = resampler.process(input);
    const tail = resampler.flush();
    if (tail.length === 0) return body;
    const out = new Int16Array(body.length + tail.length);
    out.set(body, 0);
    out.set(tail, body.length);
    return out;
  } finally {
    resampler.close();
  }
}

class PassThrough implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly quality: number;
  readonly latencySamples = 0;
  #closed = false;

  constructor({ inputRate, outputRate, quality }: Required<ResamplerOptions>) {
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.quality = quality;
  }

  process(input: Int16Array): Int16Array {
    if (this.#closed) throw new Error('resampler is closed');
    return input;
  }

  flush(): Int16Array {
    if (this.#closed) throw new Error('resampler is closed');
    return new Int16Array(0);
  }

  reset(): void {}

  close(): void {
    this.#closed = true;
  }
}

class SpeexResampler implements Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly quality: number;
  readonly latencySamples: number;
  readonly #m: SpeexResamplerModule;
  #state: number;
  /** One block: [inLen u32][outLen u32][input …][output …]. */
  #block = 0;
  #inCapacity = 0;
  #outCapacity = 0;
  /** Input samples and output samples of the current stream. */
  #inTotal = 0;
  #outTotal = 0;

  constructor(m: SpeexResamplerModule, { inputRate, outputRate, quality }: Required<ResamplerOptions>) {
    this.#m = m;
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.quality = quality;
    const err = m._malloc(4);
    try {
      this.#state = m._speex_resampler_init(1, inputRate, outputRate, quality, err);
      const code = m.HEAPU32[err >> 2]!;
      if (this.#state === 0 || code !== 0) throw new Error(`speex_resampler_init(${inputRate} → ${outputRate}, q${quality}) failed with error ${code}`);
    } finally {
      m._free(err);
    }
    m._speex_resampler_skip_zeros(this.#state);
    this.latencySamples = m._speex_resampler_get_input_latency(this.#state);
  }

  /** Output samples the stream is owed for `inputSamples` input samples. */
  #expected(inputSamples: number): number {
    return Math.ceil((inputSamples * this.outputRate) / this.inputRate);
  }

  #live(): number {
    if (this.#state === 0) throw new Error('resampler is closed');
    return this.#state;
  }

  #reserve(inSamples: number, outSamples: number): void {
    if (inSamples <= this.#inCapacity && outSamples <= this.#outCapacity) return;
    if (this.#block) this.#m._free(this.#block);
    this.#inCapacity = Math.max(inSamples, this.#inCapacity, 480);
    this.#outCapacity = Math.max(outSamples, this.#outCapacity, this.#expected(480) + 16);
    this.#block = this.#m._malloc(8 + 2 * (this.#inCapacity + this.#outCapacity));
    if (this.#block === 0) throw new Error('resampler: out of wasm memory');
  }

  /** Runs `input` through the filter and returns at most `limit` of the samples produced. */
  #run(input: Int16Array, limit: number): Int16Array {
    const state = this.#live();
    const m = this.#m;
    const outMax = this.#expected(input.length) + 16;
    this.#reserve(input.length, outMax);
    const lens = this.#block >> 2;
    const inPtr = this.#block + 8;
    const outPtr = inPtr + 2 * this.#inCapacity;
    m.HEAP16.set(input, inPtr >> 1);
    const out = new Int16Array(Math.min(limit, outMax));
    let consumed = 0;
    let produced = 0;
    while (consumed < input.length) {
      m.HEAPU32[lens] = input.length - consumed;
      m.HEAPU32[lens + 1] = this.#outCapacity;
      const code = m._speex_resampler_process_int(state, 0, inPtr + 2 * consumed, this.#block, outPtr, this.#block + 4);
      if (code !== 0) throw new Error(`speex_resampler_process_int failed with error ${code}`);
      const used = m.HEAPU32[lens]!;
      const made = m.HEAPU32[lens + 1]!;
      if (used === 0 && made === 0) break;
      consumed += used;
      const keep = Math.min(made, out.length - produced);
      if (keep > 0) out.set(m.HEAP16.subarray(outPtr >> 1, (outPtr >> 1) + keep), produced);
      produced += keep;
    }
    return produced === out.length ? out : out.slice(0, produced);
  }

  process(input: Int16Array): Int16Array {
    this.#live();
    if (input.length === 0) return new Int16Array(0);
    this.#inTotal += input.length;
    const out = this.#run(input, this.#expected(this.#inTotal) - this.#outTotal);
    this.#outTotal += out.length;
    return out;
  }

  flush(): Int16Array {
    this.#live();
    const owed = this.#expected(this.#inTotal) - this.#outTotal;
    let tail: Int16Array = new Int16Array(0);
    if (owed > 0) {
      const zeros = new Int16Array(this.latencySamples + Math.ceil(this.inputRate / this.outputRate) + 2);
      tail = this.#run(zeros, owed);
      // The filter always yields enough here; pad rather than break the length promise if not.
      if (tail.length < owed) {
        const padded = new Int16Array(owed);
        padded.set(tail);
        tail = padded;
      }
    }
    this.reset();
    return tail;
  }

  reset(): void {
    const state = this.#live();
    this.#m._speex_resampler_reset_mem(state);
    this.#m._speex_resampler_skip_zeros(state);
    this.#inTotal = 0;
    this.#outTotal = 0;
  }

  close(): void {
    if (this.#state === 0) return;
    this.#m._speex_resampler_destroy(this.#state);
    if (this.#block) this.#m._free(this.#block);
    this.#state = 0;
    this.#block = 0;
  }
}
