/**
 * PCM16: signed 16-bit little-endian mono, the one sample format inside Parley. Helpers to view
 * and convert it, and to turn durations into byte counts at a sample rate.
 *
 * Float samples are in [-1, 1): int16 `s` is `s / 32768`. Float → int16 rounds and clips.
 */

/** Bytes per PCM16 sample. */
export const PCM16_BYTES = 2;

/** Typed arrays use the host's byte order; on a (rare) big-endian host every conversion copies and swaps. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapped(samples: Int16Array): Int16Array {
  const out = new Int16Array(samples.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i]!, true);
  return out;
}

/**
 * The samples of a PCM16 LE buffer. A view without copying when the buffer is 2-byte aligned
 * (Node's pool hands out unaligned slices, so this copies often); a copy otherwise. A trailing
 * odd byte is ignored: see `InputAudioDecoder` for carrying it over to the next chunk.
 */
export function pcm16ToInt16(bytes: Uint8Array): Int16Array {
  const count = bytes.byteLength >> 1;
  if (!HOST_IS_LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
    return Int16Array.from({ length: count }, (_, i) => view.getInt16(i * 2, true));
  }
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, count);
  const out = new Int16Array(count);
  new Uint8Array(out.buffer).set(bytes.subarray(0, count * 2));
  return out;
}

/** The bytes of int16 samples as PCM16 LE, sharing their memory (on a little-endian host). */
export function int16ToPcm16(samples: Int16Array): Buffer {
  const le = HOST_IS_LITTLE_ENDIAN ? samples : swapped(samples);
  return Buffer.from(le.buffer, le.byteOffset, le.byteLength);
}

export function int16ToFloat32(samples: Int16Array, out = new Float32Array(samples.length)): Float32Array {
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}

export function float32ToInt16(samples: Float32Array, out = new Int16Array(samples.length)): Int16Array {
  for (let i = 0; i < samples.length; i++) {
    const s = Math.round(samples[i]! * 32768);
    out[i] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
  }
  return out;
}

export function pcm16ToFloat32(bytes: Uint8Array): Float32Array {
  return int16ToFloat32(pcm16ToInt16(bytes));
}

export function float32ToPcm16(samples: Float32Array): Buffer {
  return int16ToPcm16(float32ToInt16(samples));
}

/** Samples in `ms` milliseconds at `rate` Hz, rounded down to whole samples. */
export function msToSamples(ms: number, rate: number): number {
  return Math.floor((ms * rate) / 1000);
}

/** Milliseconds of `samples` samples at `rate` Hz (fractional). */
export function samplesToMs(samples: number, rate: number): number {
  return (samples * 1000) / rate;
}

/** PCM16 mono bytes in `ms` milliseconds at `rate` Hz: whole samples, so always even. */
export function msToBytes(ms: number, rate: number): number {
  return msToSamples(ms, rate) * PCM16_BYTES;
}

/** Milliseconds of `bytes` bytes of PCM16 mono at `rate` Hz (fractional; a trailing odd byte counts for nothing). */
export function bytesToMs(bytes: number, rate: number): number {
  return samplesToMs(Math.floor(bytes / PCM16_BYTES), rate);
}

/** The samples of `parts` one after another, in a new array. */
export function concatInt16(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
