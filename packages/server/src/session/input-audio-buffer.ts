/**
 * The input audio buffer: what `input_audio_buffer.append` accumulates until a commit turns
 * it into a user item. Bytes are kept as they arrived, in the session's input format.
 *
 * Positions are on the session's audio clock — ms of input audio since the session began,
 * the clock `audio_start_ms` / `audio_end_ms` use — so turn detection, which runs behind the
 * appends, can cut the buffer at the exact moment it found, however much arrived since.
 */
import type { AudioFormat } from '@parley/protocol';
import { bytesPerMs, bytesPerSample } from '../audio/format-size.js';

export { bytesPerMs };

export class InputAudioBuffer {
  #chunks: Buffer[] = [];
  #format: AudioFormat;
  #bytesPerMs: number;
  /** Audio-clock ms at byte 0 of the current format (the clock runs on across format changes). */
  #epochMs = 0;
  /** Bytes of the current format appended before the first byte still held. */
  #startByte = 0;
  /** Bytes of the current format appended in all. */
  #endByte = 0;

  constructor(format: AudioFormat) {
    this.#format = format;
    this.#bytesPerMs = bytesPerMs(format);
  }

  get format(): AudioFormat {
    return this.#format;
  }

  get byteLength(): number {
    return this.#endByte - this.#startByte;
  }

  /** Whole milliseconds of audio held. */
  get durationMs(): number {
    return Math.floor(this.byteLength / this.#bytesPerMs);
  }

  /** Audio-clock position of the first byte held. */
  get startMs(): number {
    return this.#epochMs + this.#startByte / this.#bytesPerMs;
  }

  /** Audio-clock position just after the last byte appended: ms of input audio this session has received. */
  get endMs(): number {
    return this.#epochMs + this.#endByte / this.#bytesPerMs;
  }

  /** Audio already buffered is in the old format and cannot be read in the new one, so it is dropped. */
  setFormat(format: AudioFormat): void {
    if (format.type === this.#format.type && (format.type !== 'audio/pcm' || format.rate === (this.#format as typeof format).rate)) return;
    this.#epochMs = this.endMs;
    this.#chunks = [];
    this.#startByte = this.#endByte = 0;
    this.#format = format;
    this.#bytesPerMs = bytesPerMs(format);
  }

  append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#chunks.push(bytes);
    this.#endByte += bytes.length;
  }

  /** Returns everything buffered and empties the buffer. */
  take(): Buffer {
    return this.takeUntil(this.endMs);
  }

  /** Returns the audio held before audio-clock position `ms` and removes it; later audio stays. */
  takeUntil(ms: number): Buffer {
    const count = this.#byteAt(ms) - this.#startByte;
    if (count <= 0) return Buffer.alloc(0);
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.byteLength);
    const taken = all.subarray(0, count);
    const rest = all.subarray(count);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#startByte += count;
    return taken;
  }

  /** Forgets the audio held before `ms` (silence before a turn's prefix padding). */
  dropBefore(ms: number): void {
    this.takeUntil(ms);
  }

  clear(): void {
    this.#chunks = [];
    this.#startByte = this.#endByte;
  }

  /** The absolute byte offset of `ms`, sample-aligned and within what is held. */
  #byteAt(ms: number): number {
    const unit = bytesPerSample(this.#format);
    const raw = Math.round(((ms - this.#epochMs) * this.#bytesPerMs) / unit) * unit;
    return Math.min(this.#endByte, Math.max(this.#startByte, raw));
  }
}
