/** The audio helpers, on exact values: PCM16 ↔ float, base64 without Buffer, linear resampling, chunking. */
import {
  base64ToBytes,
  bytesToBase64,
  chunkByteLength,
  chunkPcm16,
  float32ToPcm16,
  int16ToPcm16,
  LinearResampler,
  pcm16DurationMs,
  pcm16ToFloat32,
  pcm16ToInt16,
  resampleLinear,
} from '@parley/client';
import { describe, expect, it } from 'vitest';

describe('PCM16 ↔ float', () => {
  it('reads little-endian int16 as s / 32768', () => {
    // 0, 1, -1, 16384, 32767, -32768
    const bytes = new Uint8Array([0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0x00, 0x40, 0xff, 0x7f, 0x00, 0x80]);
    expect(Array.from(pcm16ToFloat32(bytes))).toEqual([0, 1 / 32768, -1 / 32768, 0.5, 32767 / 32768, -1]);
    expect(Array.from(pcm16ToInt16(bytes))).toEqual([0, 1, -1, 16384, 32767, -32768]);
  });

  it('reads from a view into a larger buffer at an odd offset, ignoring a trailing odd byte', () => {
    const backing = new Uint8Array([9, 0x00, 0x40, 0x00, 0xc0, 7]);
    expect(Array.from(pcm16ToFloat32(backing.subarray(1)))).toEqual([0.5, -0.5]);
    expect(Array.from(pcm16ToFloat32(backing.buffer.slice(1, 5)))).toEqual([0.5, -0.5]);
  });

  it('writes floats rounded and clipped to int16', () => {
    const bytes = float32ToPcm16(new Float32Array([0, 0.5, -0.5, 1, -1, 2, -2, 0.25 / 32768, 0.75 / 32768]));
    expect(Array.from(pcm16ToInt16(bytes))).toEqual([0, 16384, -16384, 32767, -32768, 32767, -32768, 0, 1]);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x00, 0x00, 0x00, 0x40]);
  });

  it('round-trips every int16 value exactly', () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const bytes = int16ToPcm16(all);
    // Compared as Buffers: element-wise deep equality of 128 kB takes vitest seconds.
    expect(Buffer.from(float32ToPcm16(pcm16ToFloat32(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });

  it('gives durations in ms: 4800 bytes at 24 kHz are 100 ms', () => {
    expect(pcm16DurationMs(4800, 24000)).toBe(100);
    expect(pcm16DurationMs(321, 16000)).toBe(10);
  });
});

describe('base64', () => {
  it('encodes the RFC 4648 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, encoded] of vectors) {
      const bytes = new TextEncoder().encode(text);
      expect(bytesToBase64(bytes)).toBe(encoded);
      expect(base64ToBytes(encoded)).toEqual(bytes);
    }
  });

  it('uses + and / and agrees with Buffer on a megabyte of every byte value', () => {
    expect(bytesToBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('+/+/');
    const bytes = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) & 0xff);
    const encoded = bytesToBase64(bytes);
    expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
    expect(Buffer.from(base64ToBytes(encoded)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('accepts unpadded input and refuses characters outside the alphabet', () => {
    expect(Array.from(base64ToBytes('Zm8'))).toEqual([0x66, 0x6f]);
    expect(() => base64ToBytes('Zm9v!A==')).toThrow('Invalid base64: character "!" at 4.');
    expect(() => base64ToBytes('Zm9vY')).toThrow(TypeError);
  });
});

describe('linear resampling', () => {
  it('doubles the rate by interpolating midpoints; the last sample holds to the end', () => {
    expect(Array.from(resampleLinear(new Float32Array([0, 1, 0, -1]), 8000, 16000))).toEqual([0, 0.5, 1, 0.5, 0, -0.5, -1, -1]);
  });

  it('halves the rate by taking every other sample', () => {
    expect(Array.from(resampleLinear(new Float32Array([0, 0.1, 0.2, 0.3, 0.4]), 16000, 8000).map((x) => Math.round(x * 10)))).toEqual([0, 2, 4]);
  });

  it('24 → 16 kHz puts output k at input position 1.5k', () => {
    const out = resampleLinear(new Float32Array([0, 0.2, 0.4, 0.6, 0.8, 1]), 24000, 16000);
    expect(Array.from(out).map((x) => Math.round(x * 100) / 100)).toEqual([0, 0.3, 0.6, 0.9]);
  });

  it('gives ceil(N × to / from) samples, and chunk by chunk exactly what it gives whole', () => {
    const input = Float32Array.from({ length: 2400 }, (_, i) => Math.sin(i / 7));
    const whole = resampleLinear(input, 24000, 44100);
    expect(whole.length).toBe(Math.ceil((2400 * 44100) / 24000));
    const resampler = new LinearResampler(24000, 44100);
    const pieces: number[] = [];
    let offset = 0;
    for (const size of [1, 2, 479, 0, 960, 3, 955]) {
      pieces.push(...resampler.process(input.subarray(offset, offset + size)));
      offset += size;
    }
    pieces.push(...resampler.flush());
    expect(offset).toBe(2400);
    expect(Float32Array.from(pieces)).toEqual(whole);
  });

  it('refuses rates that are not positive integers', () => {
    expect(() => new LinearResampler(0, 16000)).toThrow(RangeError);
    expect(() => new LinearResampler(22050.5, 16000)).toThrow(RangeError);
  });
});

describe('chunking', () => {
  it('cuts 20 ms chunks of whole samples (960 bytes at 24 kHz), the last one shorter', () => {
    expect(chunkByteLength({ sampleRate: 24000, chunkMs: 20 })).toBe(960);
    const bytes = new Uint8Array(2500).map((_, i) => i & 0xff);
    const chunks = chunkPcm16(bytes, { sampleRate: 24000, chunkMs: 20 });
    expect(chunks.map((c) => c.length)).toEqual([960, 960, 580]);
    expect(chunks[1]![0]).toBe(960 & 0xff);
    expect(chunks[1]!.buffer).toBe(bytes.buffer);
  });
});
