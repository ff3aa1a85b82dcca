/**
 * The input audio buffer: what `input_audio_buffer.append` accumulates until a commit turns
 * it into a user item. Bytes are kept as they arrived, in the session's input format.
 */
import type { AudioFormat } from '@parley/protocol';

/** Bytes per millisecond of a format: PCM16 mono at its rate, G.711 at 8 kHz with 1 byte per sample. */
export function bytesPerMs(format: AudioFormat): number {
  return format.type === 'audio/pcm' ? (format.rate * 2) / 1000 : 8;
}

export class InputAudioBuffer {
  #chunks: Buffer[] = [];
  #bytes = 0;
  #format: AudioFormat;
  #bytesPerMs: number;

  constructor(format: AudioFormat) {
    this.#format = format;
    this.#bytesPerMs = bytesPerMs(format);
  }

  get format(): AudioFormat {
    return this.#format;
  }

  get byteLength(): number {
    return this.#bytes;
  }

  /** Whole milliseconds of audio held. */
  get durationMs(): number {
    return Math.floor(this.#bytes / this.#bytesPerMs);
  }

  /** Audio already buffered is in the old format and cannot be read in the new one, so it is dropped. */
  setFormat(format: AudioFormat): void {
    if (format.type === this.#format.type && (format.type !== 'audio/pcm' || format.rate === (this.#format as typeof format).rate)) return;
    this.clear();
    this.#format = format;
    this.#bytesPerMs = bytesPerMs(format);
  }

  append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#chunks.push(bytes);
    this.#bytes += bytes.length;
  }

  /** Returns everything buffered and empties the buffer. */
  take(): Buffer {
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#bytes);
    this.clear();
    return all;
  }

  clear(): void {
    this.#chunks = [];
    this.#bytes = 0;
  }
}
