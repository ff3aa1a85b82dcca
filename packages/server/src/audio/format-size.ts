/** Sizes of audio in the protocol's formats. */
import type { AudioFormat } from '@parley/protocol';

/** Bytes per millisecond of a format: PCM16 mono at its rate, G.711 at 8 kHz with 1 byte per sample. */
export function bytesPerMs(format: AudioFormat): number {
  return format.type === 'audio/pcm' ? (format.rate * 2) / 1000 : 8;
}

/** Bytes per sample: a cut never splits a PCM16 sample. */
export function bytesPerSample(format: AudioFormat): 1 | 2 {
  return format.type === 'audio/pcm' ? 2 : 1;
}
