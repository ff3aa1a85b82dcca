/**
 * Opus at 48 kHz mono in 20 ms frames, both ways, on `@evan/opus` (libopus; a prebuilt native
 * addon inside the npm package, with a wasm build as its fallback): encoding a frame costs about
 * 0.2 ms and decoding 0.04 ms (reference/components.md §6), about a third of opusscript's cost.
 */
import { Decoder, Encoder } from '@evan/opus';

export const OPUS_RATE = 48_000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (OPUS_RATE / 1000) * FRAME_MS;

export interface OpusEncoder {
  /** One frame of FRAME_SAMPLES samples in, one Opus packet out. */
  encode(frame: Int16Array): Buffer;
}

export interface OpusDecoder {
  /** One Opus packet in, its samples (mono, 48 kHz) out. */
  decode(packet: Uint8Array): Int16Array;
}

export function createOpusEncoder(): OpusEncoder {
  const encoder = new Encoder({ channels: 1, sample_rate: OPUS_RATE, application: 'voip' });
  return {
    encode: (frame) => Buffer.from(encoder.encode(frame)),
  };
}

export function createOpusDecoder(): OpusDecoder {
  const decoder = new Decoder({ channels: 1, sample_rate: OPUS_RATE });
  return {
    decode: (packet) => {
      const bytes = decoder.decode(packet);
      return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1).slice();
    },
  };
}
