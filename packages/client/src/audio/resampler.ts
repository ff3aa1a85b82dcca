/**
 * Linear-interpolation resampling for playback, e.g. 24 kHz model audio → an AudioContext at
 * 48 or 44.1 kHz. Streaming: a `LinearResampler` carries its position and last sample across
 * chunks, so audio resampled delta by delta is sample-for-sample what resampling it whole gives,
 * with no click at chunk boundaries. Output sample k sits at input position k × from / to.
 *
 * Linear interpolation does not filter: fine for upsampling speech; downsampling aliases
 * whatever lies above the new Nyquist frequency. Positions are computed from integer sample
 * counts, so they do not drift over long streams.
 */
export class LinearResampler {
  readonly fromRate: number;
  readonly toRate: number;
  /** Input samples consumed by earlier chunks; the last of them is `#last`. */
  #consumed = 0;
  /** Output samples produced so far. */
  #produced = 0;
  #last = 0;

  constructor(fromRate: number, toRate: number) {
    for (const rate of [fromRate, toRate]) {
      if (!Number.isInteger(rate) || rate <= 0) throw new RangeError(`Sample rates must be positive integers; got ${rate}.`);
    }
    this.fromRate = fromRate;
    this.toRate = toRate;
  }

  /** Resamples the next chunk. Output at positions past the chunk's last sample waits for the next chunk or `flush`. */
  process(input: Float32Array): Float32Array {
    const total = this.#consumed + input.length;
    const sampleAt = (index: number) => (index < this.#consumed ? this.#last : input[index - this.#consumed]!);
    // Outputs fall at most every from/to input samples: this bounds how many there can be.
    const out = new Float32Array(Math.ceil(((input.length + 1) * this.toRate) / this.fromRate) + 1);
    let count = 0;
    for (;;) {
      const numerator = this.#produced * this.fromRate;
      const index = Math.floor(numerator / this.toRate);
      const fraction = (numerator - index * this.toRate) / this.toRate;
      // Interpolating needs the sample after `index`, unless the position falls on `index` exactly.
      if (index >= total || (fraction > 0 && index + 1 >= total)) break;
      const a = sampleAt(index);
      out[count++] = fraction === 0 ? a : a + (sampleAt(index + 1) - a) * fraction;
      this.#produced++;
    }
    if (input.length > 0) this.#last = input[input.length - 1]!;
    this.#consumed = total;
    return out.slice(0, count);
  }

  /**
   * Ends the stream: the positions between the last sample and the end hold that sample. After
   * it, a stream of N samples has given exactly ceil(N × to / from) samples. Then starts anew.
   */
  flush(): Float32Array {
    const expected = Math.ceil((this.#consumed * this.toRate) / this.fromRate);
    const tail = new Float32Array(Math.max(0, expected - this.#produced)).fill(this.#last);
    this.#consumed = 0;
    this.#produced = 0;
    this.#last = 0;
    return tail;
  }
}

/** Resamples a whole clip at once. */
export function resampleLinear(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return samples.slice();
  const resampler = new LinearResampler(fromRate, toRate);
  const body = resampler.process(samples);
  const tail = resampler.flush();
  const out = new Float32Array(body.length + tail.length);
  out.set(body);
  out.set(tail, body.length);
  return out;
}
