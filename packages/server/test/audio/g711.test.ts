import { describe, expect, it } from 'vitest';
import {
  ALAW_DECODE_TABLE,
  decodeAlaw,
  decodeMulaw,
  encodeAlaw,
  encodeAlawSample,
  encodeMulaw,
  encodeMulawSample,
  MULAW_DECODE_TABLE,
} from '../../src/audio/g711.js';

/**
 * The decode tables straight from ITU-T G.711, scaled to 16 bits, written independently of
 * the implementation's bit tricks:
 * - μ-law: all bits are sent inverted; in the inverted byte, bit 7 set means negative,
 *   bits 6–4 are the exponent e and bits 3–0 the mantissa m; the magnitude on the 14-bit
 *   scale is ((2m + 33) · 2^e) − 33, i.e. × 4 on the 16-bit scale.
 * - A-law: even bits inverted (XOR 0x55); bit 7 set means positive; magnitude on the 13-bit
 *   scale is 2m + 1 for e = 0 and (2m + 33) · 2^(e−1) otherwise, i.e. × 8 on the 16-bit scale.
 */
function mulawFromDefinition(byte: number): number {
  const inverted = 255 - byte;
  const negative = inverted >= 128;
  const e = Math.floor(inverted / 16) % 8;
  const m = inverted % 16;
  const magnitude = ((2 * m + 33) * 2 ** e - 33) * 4;
  return negative ? 0 - magnitude : magnitude; // no -0 from the negative zero code
}

function alawFromDefinition(byte: number): number {
  let x = 0;
  for (let bit = 0; bit < 8; bit++) {
    const b = Math.floor(byte / 2 ** bit) % 2;
    const flip = bit % 2 === 0 ? 1 : 0; // 0x55 flips bits 0, 2, 4, 6
    x += ((b + flip) % 2) * 2 ** bit;
  }
  const positive = x >= 128;
  const e = Math.floor(x / 16) % 8;
  const m = x % 16;
  const magnitude = (e === 0 ? 2 * m + 1 : (2 * m + 33) * 2 ** (e - 1)) * 8;
  return positive ? magnitude : -magnitude;
}

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const ALL_SAMPLES = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

describe('G.711', () => {
  it('μ-law decodes all 256 codes as G.711 defines them', () => {
    const expected = Array.from(ALL_BYTES, mulawFromDefinition);
    expect([...MULAW_DECODE_TABLE]).toEqual(expected);
    expect([...decodeMulaw(ALL_BYTES)]).toEqual(expected);
    // Spot values every implementation agrees on.
    expect(expected[0x00]).toBe(-32124);
    expect(expected[0x80]).toBe(32124);
    expect(expected[0xff]).toBe(0);
    expect(expected[0x7f]).toBe(0);
  });

  it('A-law decodes all 256 codes as G.711 defines them', () => {
    const expected = Array.from(ALL_BYTES, alawFromDefinition);
    expect([...ALAW_DECODE_TABLE]).toEqual(expected);
    expect([...decodeAlaw(ALL_BYTES)]).toEqual(expected);
    expect(expected[0xd5]).toBe(8);
    expect(expected[0x55]).toBe(-8);
    expect(expected[0xaa]).toBe(32256);
    expect(expected[0x2a]).toBe(-32256);
  });

  it('encoding a decoded code gives the code back (μ-law has two zeros; 0 encodes as 0xff)', () => {
    for (let byte = 0; byte < 256; byte++) {
      expect(encodeAlawSample(ALAW_DECODE_TABLE[byte]!)).toBe(byte);
      expect(encodeMulawSample(MULAW_DECODE_TABLE[byte]!)).toBe(byte === 0x7f ? 0xff : byte);
    }
  });

  it('μ-law round trip stays within half a quantisation step (plus the 14-bit truncation) for every int16', () => {
    const decoded = decodeMulaw(encodeMulaw(ALL_SAMPLES));
    let worst = 0;
    for (let i = 0; i < ALL_SAMPLES.length; i++) {
      const x = ALL_SAMPLES[i]!;
      const y = decoded[i]!;
      // Segment e of the biased 14-bit magnitude v (33…8192): 64·2^(e−1) ≤ v < 64·2^e. The step
      // there is 2^(e+1) on 14 bits, 2^(e+3) on 16; the encoder first drops 2 bits (error < 4).
      const v = Math.min(Math.ceil(Math.abs(x) / 4), 8159) + 33;
      const e = Math.min(7, Math.max(0, Math.floor(Math.log2(v)) - 5));
      const bound = 2 ** (e + 2) + 4;
      const clipped = Math.abs(x) > 32124 ? Math.abs(x) - 32124 : 0;
      const error = Math.abs(y - x);
      expect(error, `x=${x} → ${y}`).toBeLessThanOrEqual(bound + clipped);
      if (Math.abs(x) >= 4096 && Math.abs(x) <= 32124) worst = Math.max(worst, error / Math.abs(x));
      expect(Math.sign(y) === Math.sign(x) || y === 0 || Math.abs(x) < 8).toBe(true);
    }
    expect(worst).toBeLessThan(0.035); // ~3 % relative error over the loud range: the point of companding
  });

  it('A-law round trip stays within half a quantisation step for every int16', () => {
    const decoded = decodeAlaw(encodeAlaw(ALL_SAMPLES));
    let worst = 0;
    for (let i = 0; i < ALL_SAMPLES.length; i++) {
      const x = ALL_SAMPLES[i]!;
      const y = decoded[i]!;
      const magnitude = x < 0 ? -x - 1 : x;
      // Step on the 16-bit scale: 16 in segments 0 and 1, then doubling.
      const seg = Math.max(0, Math.floor(Math.log2(Math.floor(magnitude / 8) / 16)) + 1);
      const step = seg < 2 ? 16 : 16 * 2 ** (seg - 1);
      const clipped = magnitude > 32256 + 1024 ? magnitude - 32256 - 1024 : 0;
      expect(Math.abs(y - x), `x=${x} → ${y}`).toBeLessThanOrEqual(step / 2 + 1 + clipped);
      if (Math.abs(x) >= 256) worst = Math.max(worst, Math.abs(y - x) / Math.abs(x));
    }
    expect(worst).toBeLessThan(0.033);
  });

  it('writes into a caller-supplied array', () => {
    const out = new Int16Array(4);
    expect(decodeMulaw(Uint8Array.from([0xff, 0x80, 0x00, 0x7f]), out)).toBe(out);
    expect([...out]).toEqual([0, 32124, -32124, 0]);
  });
});
