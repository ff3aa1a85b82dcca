/**
 * The whole hearing path as the session will run it: a client's appended bytes in its declared
 * input format → PCM16 at the format's rate → 16 kHz → 32 ms frames → Silero.
 */
import type { AudioFormat } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Framer } from '../../../src/audio/framer.js';
import { encodeAlaw, encodeMulaw } from '../../../src/audio/g711.js';
import { createInputDecoder } from '../../../src/audio/input-format.js';
import { int16ToPcm16 } from '../../../src/audio/pcm.js';
import { createResampler } from '../../../src/audio/resampler.js';
import { createSileroVad, type SileroVadEngine } from '../../../src/engines/vad/silero.js';
import { concatSamples, silence, synthesizeSpeech } from '../../support/speech.js';

let engine: SileroVadEngine;
beforeAll(async () => {
  engine = await createSileroVad();
});
afterAll(async () => {
  await engine?.close();
});

/** Feeds `bytes` in appends of `appendBytes` through decoder, resampler, framer and VAD. */
async function hear(format: AudioFormat, bytes: Uint8Array, appendBytes: number): Promise<number[]> {
  const decoder = createInputDecoder(format);
  const resampler = await createResampler({ inputRate: decoder.sampleRate, outputRate: engine.capabilities.sampleRate });
  const framer = new Framer(engine.capabilities.frameSamples);
  const detector = engine.createDetector();
  const pending: Promise<number>[] = [];
  const take = (samples: Int16Array) => {
    for (const frame of framer.push(samples)) pending.push(detector.process(frame));
  };
  for (let at = 0; at < bytes.length; at += appendBytes) take(resampler.process(decoder.decode(bytes.subarray(at, at + appendBytes))));
  take(resampler.flush());
  resampler.close();
  const probabilities = await Promise.all(pending);
  detector.close();
  return probabilities;
}

describe('client audio → VAD', () => {
  const cases: { name: string; format: AudioFormat; rate: number; encode: (s: Int16Array) => Uint8Array; append: number }[] = [
    { name: 'GA audio/pcm 24 kHz, odd-sized appends', format: { type: 'audio/pcm', rate: 24000 }, rate: 24000, encode: int16ToPcm16, append: 4801 },
    { name: 'Voice Live pcm16 at 8 kHz', format: { type: 'audio/pcm', rate: 8000 }, rate: 8000, encode: int16ToPcm16, append: 321 },
    { name: 'G.711 μ-law', format: { type: 'audio/pcmu' }, rate: 8000, encode: encodeMulaw, append: 160 },
    { name: 'G.711 A-law', format: { type: 'audio/pcma' }, rate: 8000, encode: encodeAlaw, append: 333 },
  ];

  it.each(cases)('$name: silence stays low, the sentence is heard', async ({ format, rate, encode, append }) => {
    const speech = await synthesizeSpeech('please remind me to call my mother at seven', { sampleRate: rate });
    const clip = concatSamples(silence(1000, rate), speech.samples, silence(1000, rate));
    const p = await hear(format, encode(clip), append);
    expect(p.length).toBe(Math.floor((clip.length * 16000) / rate / 512));
    const frameAt = (ms: number) => Math.floor(ms / 32);
    const lead = p.slice(0, frameAt(1000));
    const spoken = p.slice(Math.ceil((1000 + speech.speechStartMs) / 32), frameAt(1000 + speech.speechEndMs));
    const tail = p.slice(frameAt(1000 + speech.speechEndMs + 300));
    expect(Math.max(...lead)).toBeLessThan(0.1);
    expect(spoken.filter((x) => x > 0.5).length / spoken.length).toBeGreaterThan(0.8);
    expect(Math.max(...tail)).toBeLessThan(0.1);
  });
});
