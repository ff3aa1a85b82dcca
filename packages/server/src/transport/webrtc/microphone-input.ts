/**
 * The client's microphone into the session: each Opus packet is decoded (48 kHz), resampled
 * and encoded into the session's input format, and appended exactly as an
 * `input_audio_buffer.append` would be. When the session's input format changes, the audio of
 * the few ms it takes to build the new converter is dropped.
 */
import type { AudioFormat } from '@parley/protocol';
import { OutputEncoder } from '../../speaking/output-encoder.js';
import { createOpusDecoder, FRAME_MS, OPUS_RATE } from './opus.js';

function sameFormat(a: AudioFormat, b: AudioFormat): boolean {
  return a.type === b.type && (a.type !== 'audio/pcm' || a.rate === (b as typeof a).rate);
}

export class MicrophoneInput {
  readonly #decoder = createOpusDecoder();
  readonly #append: (audio: Buffer) => void;
  readonly #format: () => AudioFormat;
  #encoder: OutputEncoder | null = null;
  #building: Promise<void> | null = null;
  #closed = false;
  /** Packets that could not be decoded (counted, never fatal). */
  undecodable = 0;

  constructor(append: (audio: Buffer) => void, format: () => AudioFormat) {
    this.#append = append;
    this.#format = format;
  }

  /** Builds the converter for the session's current format; call before the first packet. */
  async ready(): Promise<void> {
    await this.#rebuild(this.#format());
  }

  push(packet: Buffer): void {
    if (this.#closed) return;
    const format = this.#format();
    if (!this.#encoder || !sameFormat(this.#encoder.format, format)) {
      void this.#rebuild(format);
      return;
    }
    let pcm: Int16Array;
    try {
      pcm = this.#decoder.decode(packet);
    } catch {
      this.undecodable++;
      return;
    }
    for (const chunk of this.#encoder.push(pcm)) this.#append(chunk.bytes);
  }

  close(): void {
    this.#closed = true;
    this.#encoder?.close();
    this.#encoder = null;
  }

  #rebuild(format: AudioFormat): Promise<void> {
    this.#building ??= OutputEncoder.create(format, OPUS_RATE, FRAME_MS)
      .then((encoder) => {
        this.#encoder?.close();
        if (this.#closed) encoder.close();
        else this.#encoder = encoder;
      })
      .finally(() => (this.#building = null));
    return this.#building;
  }
}
