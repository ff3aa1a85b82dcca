import { it } from 'vitest';
import { encodeMulaw, decodeMulaw } from '../../../src/audio/g711.js';
import { resample } from '../../../src/audio/resampler.js';
import { PocketsphinxStt, type PocketsphinxOptions } from '../../../src/engines/stt/pocketsphinx.js';
import { synthesizeSpeech, concatSamples, silence } from '../../support/speech.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function run(engine: PocketsphinxStt, x: Int16Array, mode: 'A' | 'B' | 'odd'): Promise<string> {
  const stream = engine.open({ signal: new AbortController().signal });
  let text = '';
  const reading = (async () => { for await (const e of stream) if (e.type === 'final') text = e.text; })();
  const sizes = mode === 'odd' ? [37, 1601, 4800, 160, 999, 8000] : [1600];
  let k = 0;
  for (let at = 0; at < x.length; ) {
    const n = sizes[k++ % sizes.length]!;
    stream.write(x.subarray(at, at + n));
    at += n;
    if (mode === 'B') await sleep(20);
  }
  stream.end();
  await reading;
  return text;
}

it('pacing', async () => {
  const opts: PocketsphinxOptions = JSON.parse(process.env.PS_OPTS ?? '{}');
  for (const [text, voice] of [['what is the weather in paris today', 'slt'], ['turn on the kitchen lights', 'rms']] as const) {
    const s = await synthesizeSpeech(text, { voice, sampleRate: 16000 });
    const at16k = concatSamples(silence(1000, 16000), s.samples, silence(1500, 16000));
    const nb = await resample(decodeMulaw(encodeMulaw(await resample(at16k, 16000, 8000))), 8000, 16000);
    for (const [label, audio] of [['wb', at16k], ['nb', nb]] as const) {
      const x = audio.subarray(700 * 16);
      const out: string[] = [];
      for (const mode of ['A', 'B', 'odd'] as const) {
        const fresh = new PocketsphinxStt(opts);
        const r1 = await run(fresh, x, mode);
        const r2 = await run(fresh, x, mode);
        const r3 = await run(fresh, x, mode);
        await fresh.close();
        out.push(`${mode}: [${r1}] [${r2}] [${r3}]`);
      }
      console.log(`${voice} ${label} "${text}"\n  ${out.join('\n  ')}`);
    }
  }
}, 300_000);
