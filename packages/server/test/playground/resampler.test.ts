/** The microphone's resampler (playground/resampler.js), on tones: what a listener would hear. */
import { describe, expect, it } from 'vitest';
import { StreamResampler } from '../../playground/resampler.js';

const tone = (hz: number, rate: number, ms: number) => Float32Array.from({ length: (rate * ms) / 1000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

/** RMS after the kernel's start-up, and the frequency from zero crossings. */
function measure(samples: Float32Array, rate: number) {
  const body = samples.subarray(Math.round(rate * 0.05));
  const rms = Math.sqrt(body.reduce((sum, v) => sum + v * v, 0) / body.length);
  let crossings = 0;
  for (let i = 1; i < body.length; i++) if (body[i - 1]! < 0 !== body[i]! < 0) crossings++;
  return { rms, hz: (crossings / 2) * (rate / body.length) };
}

function resampleInBlocks(input: Float32Array, from: number, to: number, block: number): Float32Array {
  const resampler = new StreamResampler(from, to);
  const parts: Float32Array[] = [];
  for (let at = 0; at < input.length; at += block) parts.push(resampler.push(input.subarray(at, at + block)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) out.set(part, (at += part.length) - part.length);
  return out;
}

describe('StreamResampler', () => {
  it.each([48000, 44100, 16000])('turns %i Hz speech-band tones into 24 kHz ones of the same pitch and loudness', (rate) => {
    for (const hz of [200, 1000, 4000]) {
      const out = resampleInBlocks(tone(hz, rate, 1000), rate, 24000, 128);
      expect(Math.abs(out.length - 24000)).toBeLessThan(30);
      const { rms, hz: measured } = measure(out, 24000);
      expect(rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
      expect(Math.abs(measured - hz)).toBeLessThan(hz * 0.01 + 2);
    }
  });

  it('removes what 24 kHz cannot carry instead of folding it into the speech band', () => {
    const out = resampleInBlocks(tone(15000, 48000, 500), 48000, 24000, 128);
    expect(measure(out, 24000).rms).toBeLessThan(0.01);
  });

  it('gives the same samples whatever the block size', () => {
    const input = tone(700, 44100, 300);
    const whole = resampleInBlocks(input, 44100, 24000, input.length);
    const quanta = resampleInBlocks(input, 44100, 24000, 128);
    const odd = resampleInBlocks(input, 44100, 24000, 37);
    expect(quanta.length).toBe(whole.length);
    expect(odd.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) {
      expect(quanta[i]).toBeCloseTo(whole[i]!, 5);
      expect(odd[i]).toBeCloseTo(whole[i]!, 5);
    }
  });
});
