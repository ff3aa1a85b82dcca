import { describe, expect, it } from 'vitest';
import { Framer } from '../../src/audio/framer.js';

describe('Framer', () => {
  it('cuts chunks of any size into consecutive whole frames, as float', () => {
    const samples = Int16Array.from({ length: 1300 }, (_, i) => i - 650);
    for (const sizes of [[1300], [1], [511, 2, 700], [512]]) {
      const framer = new Framer(512);
      const frames: Float32Array[] = [];
      for (let at = 0, k = 0; at < samples.length; k++) {
        const size = sizes[k % sizes.length]!;
        frames.push(...framer.push(samples.subarray(at, at + size)));
        at += size;
      }
      expect(frames.length).toBe(2);
      expect(framer.buffered).toBe(1300 - 1024);
      expect(frames[0]![0]).toBe(-650 / 32768);
      expect(frames[1]![511]).toBe((1023 - 650) / 32768);
      expect(frames[0]).not.toBe(frames[1]);
    }
  });

  it('reset drops a partial frame', () => {
    const framer = new Framer(4);
    expect(framer.push(Int16Array.from([1, 2, 3]))).toEqual([]);
    framer.reset();
    expect(framer.push(Int16Array.from([4, 5, 6, 7]))).toEqual([Float32Array.from([4, 5, 6, 7], (x) => x / 32768)]);
    expect(() => new Framer(0)).toThrow(RangeError);
  });
});
