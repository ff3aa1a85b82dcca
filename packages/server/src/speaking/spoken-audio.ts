import type { AudioFormat } from '@parley/protocol';
import { bytesPerMs, bytesPerSample } from '../audio/format-size.js';

/**
 * What an assistant audio item actually holds: the audio sent (in the output format), and the
 * words with their times in it. `conversation.item.truncate` cuts both at the moment playback
 * stopped, so the conversation remembers only what the user heard.
 */

export interface SpokenWord {
  /** The transcript text up to and including this word (from the previous word's end). */
  text: string;
  /** From the item's first sample, in ms. */
  startMs: number;
  endMs: number;
}

export class SpokenAudio {
  readonly bytesPerMs: number;
  readonly #sampleBytes: number;
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  /** Transcript pieces with the audio time they begin at, in order; the transcript is their concatenation. */
  readonly #pieces: SpokenWord[] = [];

  constructor(format: AudioFormat) {
    this.bytesPerMs = bytesPerMs(format);
    this.#sampleBytes = bytesPerSample(format);
  }

  get durationMs(): number {
    return this.#bytes / this.bytesPerMs;
  }

  get transcript(): string {
    return this.#pieces.map((p) => p.text).join('');
  }

  get audio(): Buffer {
    return Buffer.concat(this.#chunks, this.#bytes);
  }

  appendAudio(bytes: Buffer): void {
    this.#chunks.push(bytes);
    this.#bytes += bytes.length;
  }

  appendText(piece: SpokenWord): void {
    this.#pieces.push(piece);
  }

  /**
   * Keeps the audio before `audioEndMs` (clamped to what was sent) and the words the listener
   * heard at least half of. Returns the clamped end.
   */
  truncate(audioEndMs: number): { audioEndMs: number; transcript: string; audio: Buffer } {
    const endMs = Math.max(0, Math.min(audioEndMs, this.durationMs));
    const at = Math.round(endMs * this.bytesPerMs);
    const keepBytes = Math.min(this.#bytes, at - (at % this.#sampleBytes));
    const audio = this.audio.subarray(0, keepBytes);
    this.#chunks.splice(0, this.#chunks.length, audio);
    this.#bytes = audio.length;
    const heard = this.#pieces.filter((p) => (p.startMs + p.endMs) / 2 <= endMs);
    this.#pieces.splice(0, this.#pieces.length, ...heard);
    return { audioEndMs: endMs, transcript: this.transcript.trim(), audio };
  }
}
