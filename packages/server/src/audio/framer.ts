/**
 * Cuts a stream of int16 chunks of any sizes into consecutive float frames of a fixed size, as
 * frame-based engines (the VAD: 512 samples at 16 kHz) take them. Samples short of a whole
 * frame wait for the next chunk.
 */
export class Framer {
  readonly frameSamples: number;
  #pending: Float32Array;
  #filled = 0;

  constructor(frameSamples: number) {
    if (!Number.isInteger(frameSamples) || frameSamples <= 0) throw new RangeError(`frame size must be a positive integer, got ${frameSamples}`);
    this.frameSamples = frameSamples;
    this.#pending = new Float32Array(frameSamples);
  }

  /** Samples waiting for the rest of their frame. */
  get buffered(): number {
    return this.#filled;
  }

  /** The whole frames completed by `samples`, each a new array, in order. */
  push(samples: Int16Array): Float32Array[] {
    const frames: Float32Array[] = [];
    for (let i = 0; i < samples.length; ) {
      const take = Math.min(this.frameSamples - this.#filled, samples.length - i);
      for (let k = 0; k < take; k++) this.#pending[this.#filled + k] = samples[i + k]! / 32768;
      this.#filled += take;
      i += take;
      if (this.#filled === this.frameSamples) {
        frames.push(this.#pending);
        this.#pending = new Float32Array(this.frameSamples);
        this.#filled = 0;
      }
    }
    return frames;
  }

  /** Drops a partial frame. */
  reset(): void {
    this.#filled = 0;
  }
}
