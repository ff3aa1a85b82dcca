import { describe, expect, it } from 'vitest';
import { concatInt16 } from '../../src/audio/pcm.js';
import { createResampler, DEFAULT_RESAMPLER_QUALITY, resample } from '../../src/audio/resampler.js';

/** `seconds` of a sine at `hz` and amplitude `amp` (of full scale), sampled at `rate`, as int16. */
function sine(rate: number, seconds: number, hz = 1000, amp = 0.5, phase = 0): Int16Array {
  return Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.round(amp * 32767 * Math.sin((2 * Math.PI * hz * i) / rate + phase)));
}

/** SNR in dB of `actual` against the ideal sine at its rate, skipping `edge` samples at each end. */
function snr(actual: Int16Array, rate: number, hz = 1000, amp = 0.5, edge = 200): number {
  let signal = 0;
  let noise = 0;
  for (let i = edge; i < actual.length - edge; i++) {
    const ideal = amp * 32767 * Math.sin((2 * Math.PI * hz * i) / rate);
    signal += ideal * ideal;
    noise += (actual[i]! - ideal) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** Splits `input` into chunks cycling through `sizes`. */
function* chunks(input: Int16Array, sizes: number[]): Generator<Int16Array> {
  for (let at = 0, k = 0; at < input.length; k++) {
    const size = sizes[k % sizes.length]!;
    yield input.subarray(at, at + size);
    at += size;
  }
}

const concat = concatInt16;

async function streamed(input: Int16Array, inputRate: number, outputRate: number, sizes: number[]) {
  const resampler = await createResampler({ inputRate, outputRate });
  const parts = [...chunks(input, sizes)].map((c) => resampler.process(c));
  parts.push(resampler.flush());
  resampler.close();
  return concat(parts);
}

describe('streaming resampler (Speex, quality 4)', () => {
  const PAIRS: [number, number][] = [
    [24000, 16000],
    [16000, 24000],
    [8000, 16000],
    [16000, 8000],
    [48000, 16000],
    [44100, 16000],
    [22050, 16000],
    [8000, 24000],
  ];

  it.each(PAIRS)('%i → %i Hz: a 1 kHz sine comes out clean (SNR > 70 dB) and time-aligned', async (inputRate, outputRate) => {
    const out = await streamed(sine(inputRate, 2), inputRate, outputRate, [Math.round(inputRate / 50)]);
    expect(out.length).toBe(Math.ceil((2 * inputRate * outputRate) / inputRate));
    // Alignment: the ideal sine at the output rate with phase 0 is what it is measured against.
    expect(snr(out, outputRate)).toBeGreaterThan(70);
  });

  it('output length over a stream is exact for any chunking, and chunking does not change the samples', async () => {
    for (const [inputRate, outputRate] of PAIRS) {
      const input = sine(inputRate, 2).subarray(0, 12_345);
      const whole = await resample(input, inputRate, outputRate);
      expect(whole.length, `${inputRate}→${outputRate}`).toBe(Math.ceil((12_345 * outputRate) / inputRate));
      for (const sizes of [[1], [7, 480, 13], [4096], [1, 2, 3, 1000]]) {
        const out = await streamed(input, inputRate, outputRate, sizes);
        expect(out, `${inputRate}→${outputRate} in chunks of ${sizes.join(',')}`).toEqual(whole);
      }
    }
  });

  it('never runs ahead of the input: before flush, output ≤ ceil(input × ratio); the lag is the filter latency', async () => {
    const resampler = await createResampler({ inputRate: 24000, outputRate: 16000 });
    expect(resampler.quality).toBe(DEFAULT_RESAMPLER_QUALITY);
    expect(resampler.latencySamples).toBeGreaterThan(0);
    expect(resampler.latencySamples).toBeLessThan(24000 * 0.005); // under 5 ms
    let inTotal = 0;
    let outTotal = 0;
    for (const chunk of chunks(sine(24000, 1), [480])) {
      inTotal += chunk.length;
      outTotal += resampler.process(chunk).length;
      expect(outTotal).toBeLessThanOrEqual(Math.ceil((inTotal * 2) / 3));
      expect(outTotal).toBeGreaterThanOrEqual(Math.ceil((inTotal * 2) / 3) - resampler.latencySamples);
    }
    expect(outTotal + resampler.flush().length).toBe(16000);
    resampler.close();
  });

  it('flush starts a new stream: the same input again gives the same output', async () => {
    const resampler = await createResampler({ inputRate: 16000, outputRate: 24000 });
    const input = sine(16000, 0.3, 440);
    const run = () => concat([resampler.process(input), resampler.flush()]);
    const first = run();
    expect(run()).toEqual(first);
    resampler.process(input.subarray(0, 1000));
    resampler.reset(); // drops the held-back tail
    expect(run()).toEqual(first);
    resampler.close();
    resampler.close();
    expect(() => resampler.process(input)).toThrow(/closed/);
  });

  it('equal rates pass the samples through', async () => {
    const resampler = await createResampler({ inputRate: 16000, outputRate: 16000 });
    const input = sine(16000, 0.1);
    expect(resampler.process(input)).toBe(input);
    expect(resampler.flush().length).toBe(0);
  });

  it('many resamplers share the wasm module without disturbing each other', async () => {
    const input = sine(24000, 0.5, 700);
    const alone = await resample(input, 24000, 16000);
    const a = await createResampler({ inputRate: 24000, outputRate: 16000 });
    const b = await createResampler({ inputRate: 24000, outputRate: 16000 });
    const partsA: Int16Array[] = [];
    const partsB: Int16Array[] = [];
    for (const chunk of chunks(input, [480])) {
      partsA.push(a.process(chunk));
      partsB.push(b.process(chunk.map((s) => -s)));
    }
    partsA.push(a.flush());
    partsB.push(b.flush());
    expect(concat(partsA)).toEqual(alone);
    expect(concat(partsB)).toEqual(alone.map((s) => -s));
    a.close();
    b.close();
  });

  it('clips instead of wrapping on full-scale input', async () => {
    const out = await resample(sine(24000, 0.2, 3000, 1), 24000, 16000);
    expect(Math.max(...out)).toBeLessThanOrEqual(32767);
    expect(Math.max(...out)).toBeGreaterThan(30000);
  });

  it('rejects bad rates and qualities', async () => {
    await expect(createResampler({ inputRate: 0, outputRate: 16000 })).rejects.toThrow(/inputRate/);
    await expect(createResampler({ inputRate: 16000, outputRate: 16000.5 })).rejects.toThrow(/outputRate/);
    await expect(createResampler({ inputRate: 16000, outputRate: 8000, quality: 11 })).rejects.toThrow(/quality/);
  });
});
