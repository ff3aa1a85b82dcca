import { describe, expect, it } from 'vitest';
import {
  bytesToMs,
  float32ToInt16,
  float32ToPcm16,
  int16ToFloat32,
  int16ToPcm16,
  msToBytes,
  msToSamples,
  pcm16ToFloat32,
  pcm16ToInt16,
  samplesToMs,
} from '../../src/audio/pcm.js';

describe('PCM16 helpers', () => {
  it('reads little-endian samples from aligned and unaligned buffers', () => {
    const bytes = Buffer.from([0x01, 0x00, 0xff, 0x7f, 0x00, 0x80, 0xff, 0xff]);
    expect([...pcm16ToInt16(bytes)]).toEqual([1, 32767, -32768, -1]);
    const unaligned = Buffer.concat([Buffer.from([0xaa]), bytes]).subarray(1);
    expect(unaligned.byteOffset % 2).toBe(1);
    expect([...pcm16ToInt16(unaligned)]).toEqual([1, 32767, -32768, -1]);
    // A trailing odd byte is not a sample.
    expect([...pcm16ToInt16(bytes.subarray(0, 5))]).toEqual([1, 32767]);
  });

  it('writes samples back as the same bytes', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const bytes = int16ToPcm16(samples);
    expect(bytes.length).toBe(12);
    expect(bytes.readInt16LE(10)).toBe(1234);
    expect([...pcm16ToInt16(Buffer.from(bytes))]).toEqual([...samples]);
  });

  it('converts between int16 and float in [-1, 1), rounding and clipping', () => {
    expect([...int16ToFloat32(Int16Array.from([-32768, 0, 16384]))]).toEqual([-1, 0, 0.5]);
    expect([...float32ToInt16(Float32Array.from([-1, 0.5, 1, 2, -2, 0.00002]))]).toEqual([-32768, 16384, 32767, 32767, -32768, 1]);
    const all = new Int16Array(65536).map((_, i) => i - 32768);
    expect(float32ToInt16(int16ToFloat32(all))).toEqual(all);
    const bytes = int16ToPcm16(Int16Array.from([100, -100]));
    expect(float32ToPcm16(pcm16ToFloat32(bytes)).equals(bytes)).toBe(true);
  });

  it('converts durations to samples and bytes', () => {
    expect(msToSamples(32, 16000)).toBe(512);
    expect(msToBytes(20, 24000)).toBe(960);
    expect(msToBytes(0.1, 8000)).toBe(0); // whole samples only
    expect(bytesToMs(9600, 24000)).toBe(200);
    expect(bytesToMs(9601, 24000)).toBe(200);
    expect(samplesToMs(441, 44100)).toBe(10);
  });
});
