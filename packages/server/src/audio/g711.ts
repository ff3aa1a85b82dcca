/**
 * G.711 μ-law (`audio/pcmu`, `g711_ulaw`) and A-law (`audio/pcma`, `g711_alaw`): one byte per
 * sample at 8 kHz. The encoders follow Sun Microsystems' public-domain reference (g711.c), as
 * do sox, libsndfile and most telephony stacks; decoding goes through 256-entry tables built
 * from the reference decoders.
 */

/** Upper ends of the 8 segments, in the encoder's scaled units. */
const SEG_A_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
const SEG_U_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const ULAW_BIAS = 0x84;
const ULAW_CLIP = 8159;

function segment(value: number, ends: readonly number[]): number {
  let seg = 0;
  while (seg < 8 && value > ends[seg]!) seg++;
  return seg;
}

/** One int16 sample → its μ-law byte. */
export function encodeMulawSample(sample: number): number {
  let value = sample >> 2;
  let mask = 0xff;
  if (value < 0) {
    value = -value;
    mask = 0x7f;
  }
  if (value > ULAW_CLIP) value = ULAW_CLIP;
  value += ULAW_BIAS >> 2;
  const seg = segment(value, SEG_U_END);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((value >> (seg + 1)) & 0x0f)) ^ mask;
}

/** One μ-law byte → its int16 sample. */
export function decodeMulawSample(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + ULAW_BIAS) << ((u & 0x70) >> 4);
  return u & 0x80 ? ULAW_BIAS - t : t - ULAW_BIAS;
}

/** One int16 sample → its A-law byte. */
export function encodeAlawSample(sample: number): number {
  let value = sample >> 3;
  let mask = 0xd5;
  if (value < 0) {
    value = -value - 1;
    mask = 0x55;
  }
  const seg = segment(value, SEG_A_END);
  if (seg >= 8) return 0x7f ^ mask;
  const mantissa = seg < 2 ? (value >> 1) & 0x0f : (value >> seg) & 0x0f;
  return ((seg << 4) | mantissa) ^ mask;
}

/** One A-law byte → its int16 sample. */
export function decodeAlawSample(byte: number): number {
  const a = byte ^ 0x55;
  const seg = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t += seg === 0 ? 8 : 0x108;
  if (seg > 1) t <<= seg - 1;
  return a & 0x80 ? t : -t;
}

function table(decode: (byte: number) => number): Int16Array {
  const out = new Int16Array(256);
  for (let byte = 0; byte < 256; byte++) out[byte] = decode(byte);
  return out;
}

/** Decoded value of each μ-law byte. */
export const MULAW_DECODE_TABLE: Readonly<Int16Array> = table(decodeMulawSample);
/** Decoded value of each A-law byte. */
export const ALAW_DECODE_TABLE: Readonly<Int16Array> = table(decodeAlawSample);

function decodeWith(lookup: Readonly<Int16Array>, bytes: Uint8Array, out: Int16Array): Int16Array {
  for (let i = 0; i < bytes.length; i++) out[i] = lookup[bytes[i]!]!;
  return out;
}

function encodeWith(encode: (sample: number) => number, samples: Int16Array, out: Uint8Array): Uint8Array {
  for (let i = 0; i < samples.length; i++) out[i] = encode(samples[i]!);
  return out;
}

export function decodeMulaw(bytes: Uint8Array, out = new Int16Array(bytes.length)): Int16Array {
  return decodeWith(MULAW_DECODE_TABLE, bytes, out);
}

export function decodeAlaw(bytes: Uint8Array, out = new Int16Array(bytes.length)): Int16Array {
  return decodeWith(ALAW_DECODE_TABLE, bytes, out);
}

export function encodeMulaw(samples: Int16Array, out = new Uint8Array(samples.length)): Uint8Array {
  return encodeWith(encodeMulawSample, samples, out);
}

export function encodeAlaw(samples: Int16Array, out = new Uint8Array(samples.length)): Uint8Array {
  return encodeWith(encodeAlawSample, samples, out);
}
