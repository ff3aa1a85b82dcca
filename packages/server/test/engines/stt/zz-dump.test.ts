import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { encodeMulaw, decodeMulaw } from '../../../src/audio/g711.js';
import { resample } from '../../../src/audio/resampler.js';
import { synthesizeSpeech } from '../../support/speech.js';

const S = [
  'what is the weather in paris today', 'turn on the kitchen lights', 'set a timer for ten minutes',
  'play some music in the living room', 'call my mother tomorrow morning', 'what time is it in new york',
  'remind me to buy milk and eggs', 'how far is the nearest gas station',
];
it('dump', async () => {
  const index: unknown[] = [];
  for (const [i, text] of S.entries()) for (const voice of ['slt', 'rms', 'awb', 'kal16'] as const) {
    const s = await synthesizeSpeech(text, { voice, sampleRate: 16000 });
    const nb = await resample(decodeMulaw(encodeMulaw(await resample(s.samples, 16000, 8000))), 8000, 16000);
    const base = `/tmp/psexp/${i}-${voice}`;
    writeFileSync(`${base}-wb.raw`, Buffer.from(s.samples.buffer, s.samples.byteOffset, s.samples.byteLength));
    writeFileSync(`${base}-nb.raw`, Buffer.from(nb.buffer, nb.byteOffset, nb.byteLength));
    index.push({ text, voice, base });
  }
  writeFileSync('/tmp/psexp/index.json', JSON.stringify(index));
}, 120_000);
