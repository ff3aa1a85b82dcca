/**
 * PCM16: signed 16-bit little-endian mono, the realtime protocols' audio (`audio/pcm`, `pcm16`).
 * Float samples are in [-1, 1): int16 `s` is `s / 32768`; float → int16 rounds and clips.
 * Read and written through a DataView, so results are the same on any host byte order.
 */

/** Bytes per PCM16 sample. */
export const PCM16_BYTES = 2;

function viewOf(bytes: Uint8Array | ArrayBuffer): DataView {
  return bytes instanceof ArrayBuffer ? new DataView(bytes) : new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The samples of PCM16 bytes as floats. A trailing odd byte is ignored. */
export function pcm16ToFloat32(bytes: Uint8Array | ArrayBuffer): Float32Array {
  const view = viewOf(bytes);
  const out = new Float32Array(view.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}

export function float32ToPcm16(samples: Float32Array | readonly number[]): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.round(samples[i]! * 32768);
    view.setInt16(i * 2, s > 32767 ? 32767 : s < -32768 ? -32768 : s, true);
  }
  return out;
}

/** The samples of PCM16 bytes as integers. A trailing odd byte is ignored. */
export function pcm16ToInt16(bytes: Uint8Array | ArrayBuffer): Int16Array {
  const view = viewOf(bytes);
  const out = new Int16Array(view.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function int16ToPcm16(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i]!, true);
  return out;
}

/** Milliseconds of audio in `byteLength` bytes of PCM16 mono at `sampleRate` Hz (fractional). */
export function pcm16DurationMs(byteLength: number, sampleRate: number): number {
  return (Math.floor(byteLength / PCM16_BYTES) * 1000) / sampleRate;
}
