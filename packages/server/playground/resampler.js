/**
 * A streaming resampler for the microphone: windowed-sinc interpolation, low-passed below the
 * lower rate's Nyquist frequency when downsampling. Feeding a signal in any blocks gives the
 * same output as feeding it whole.
 */

/** Passband edge as a fraction of the lower rate's Nyquist frequency. */
const CUTOFF = 0.9;
/** Zero crossings of the kernel on each side, at the lower rate. */
const ZERO_CROSSINGS = 12;

export class StreamResampler {
  #step;
  #scale;
  #radius;
  #buffer;
  #position;

  constructor(inputRate, outputRate) {
    this.#step = inputRate / outputRate;
    this.#scale = Math.min(1, outputRate / inputRate) * CUTOFF;
    this.#radius = Math.ceil(ZERO_CROSSINGS / this.#scale);
    // The kernel reaches `radius` samples back, so the stream starts after that much silence.
    this.#buffer = new Float32Array(this.#radius);
    this.#position = this.#radius;
  }

  #kernel(distance) {
    if (distance === 0) return this.#scale;
    const x = Math.PI * this.#scale * distance;
    const window = 0.5 + 0.5 * Math.cos((Math.PI * distance) / this.#radius);
    return (Math.sin(x) / x) * this.#scale * window;
  }

  /** The output samples that `input` completes. */
  push(input) {
    const buffer = new Float32Array(this.#buffer.length + input.length);
    buffer.set(this.#buffer);
    buffer.set(input, this.#buffer.length);
    const out = [];
    let position = this.#position;
    while (Math.floor(position) + this.#radius < buffer.length) {
      const centre = Math.floor(position);
      let sum = 0;
      for (let k = centre - this.#radius + 1; k <= centre + this.#radius; k++) {
        const distance = position - k;
        if (Math.abs(distance) < this.#radius) sum += buffer[k] * this.#kernel(distance);
      }
      out.push(sum);
      position += this.#step;
    }
    const keepFrom = Math.max(0, Math.floor(position) - this.#radius);
    this.#buffer = buffer.slice(keepFrom);
    this.#position = position - keepFrom;
    return Float32Array.from(out);
  }
}
