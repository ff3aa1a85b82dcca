import { concatInt16 } from '../audio/pcm.js';

/**
 * The last few seconds of the session's 16 kHz audio, addressed by audio-clock sample index,
 * so a turn found by the VAD can be transcribed from its true start (prefix padding included)
 * even though the detection came later.
 */
export class AudioHistory {
  readonly #keepSamples: number;
  #chunks: { start: number; samples: Int16Array }[] = [];
  #end = 0;

  constructor(keepSamples: number) {
    this.#keepSamples = keepSamples;
  }

  /** Sample index just after the newest sample. */
  get end(): number {
    return this.#end;
  }

  append(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.#chunks.push({ start: this.#end, samples });
    this.#end += samples.length;
    while (this.#chunks.length > 1 && this.#chunks[1]!.start <= this.#end - this.#keepSamples) this.#chunks.shift();
  }

  /** The samples from index `from` (clamped to what is kept) to the newest. */
  since(from: number): Int16Array {
    const parts: Int16Array[] = [];
    for (const { start, samples } of this.#chunks) {
      const end = start + samples.length;
      if (end <= from) continue;
      parts.push(start >= from ? samples : samples.subarray(from - start));
    }
    return parts.length === 1 ? parts[0]! : concatInt16(parts);
  }
}
