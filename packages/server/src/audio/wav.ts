/**
 * WAV (RIFF, PCM16 mono) encoding: the container engines that take a whole file want, such as
 * the OpenAI-compatible `/v1/audio/transcriptions`. Decoding is in `engines/tts/flite.ts`
 * (`parseWav`).
 */
import { int16ToPcm16, PCM16_BYTES } from './pcm.js';

/** Size of the header written by `encodeWav`. */
export const WAV_HEADER_BYTES = 44;

/** `samples` (PCM16 mono at `sampleRate`) as a canonical 44-byte-header WAV file. */
export function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  const dataBytes = samples.length * PCM16_BYTES;
  const out = Buffer.alloc(WAV_HEADER_BYTES + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * PCM16_BYTES, 28); // byte rate
  out.writeUInt16LE(PCM16_BYTES, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  int16ToPcm16(samples).copy(out, WAV_HEADER_BYTES);
  return out;
}
