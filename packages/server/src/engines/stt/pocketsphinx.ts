/**
 * Speech recognition with CMU pocketsphinx, in-process: Debian's `libpocketsphinx.so.3` and
 * `libsphinxbase.so.3` called through `koffi` (no compiler, no `-dev` package), with the
 * US-English model from `pocketsphinx-en-us`.
 *
 *   apt-get install pocketsphinx pocketsphinx-en-us
 *
 * How it runs (figures in docs/stt.md):
 * - A decoder takes ~0.3–0.5 s to load and ~90 MB of memory, so decoders are made lazily,
 *   one at a time, and reused: a stream borrows one for its utterance and gives it back. At
 *   most `maxDecoders` exist (more streams wait for one); `maxIdleDecoders` are kept.
 * - Audio is decoded in chunks of at most `chunkMs` (100 ms) as it is written. A chunk costs
 *   ~10–50 ms of CPU, which would block the event loop, so the native calls run on koffi's
 *   worker threads (`fn.async`); the event loop only sees the cheap partial-hypothesis read.
 *   Calls on one decoder never overlap: each stream awaits its calls one by one.
 * - After each chunk the partial hypothesis is read; when it changed, a `partial` event goes
 *   out (its `delta` from `StableText`). `end()` finishes the utterance, then the final
 *   hypothesis, its posterior probability and the word segments (`ps_seg_*`) are read.
 * - Word times: pocketsphinx numbers 10 ms frames from the decoder's creation, across
 *   utterances. Each utterance is padded with silence to a whole frame, so the decoder's frame
 *   count is exact and word times are made relative to the stream's first sample.
 * - pocketsphinx's log (several lines per utterance) is switched off for the whole process.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ParleyError } from '@parley/protocol';
import { listenForAbort } from '../abort-listener.js';
import {
  StableText,
  supportsLanguage,
  type SttCapabilities,
  type SttEngine,
  type SttEvent,
  type SttFinal,
  type SttOpenOptions,
  type SttStream,
  type SttWord,
} from './index.js';

export const DEFAULT_POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
export const POCKETSPHINX_APT_PACKAGES = ['pocketsphinx', 'pocketsphinx-en-us'] as const;
const INSTALL = `apt-get install ${POCKETSPHINX_APT_PACKAGES.join(' ')}`;

const SAMPLE_RATE = 16_000;
/** pocketsphinx's frame shift at its default `-frate 100`. */
const FRAME_SAMPLES = 160;
const FRAME_MS = 10;
const MAX_CHUNK_MS = 100;
const DEFAULT_FINAL_TIMEOUT_MS = 10_000;
/** koffi's default async stack is 128 KiB; decoding measured fine at 64 KiB, but give it the sync calls' 1 MiB. */
const ASYNC_STACK_BYTES = 1 << 20;

export interface PocketsphinxOptions {
  /** Directory of the model: `en-us/` (acoustic), `en-us.lm.bin`, `cmudict-en-us.dict`. */
  modelDir?: string;
  /** Acoustic model directory (`-hmm`); default `<modelDir>/en-us`. */
  hmm?: string;
  /** Language model (`-lm`); default `<modelDir>/en-us.lm.bin`. */
  lm?: string;
  /** Pronunciation dictionary (`-dict`); default `<modelDir>/cmudict-en-us.dict`. */
  dict?: string;
  /**
   * More pocketsphinx options, e.g. `{ '-fwdflat': 'no' }` (final transcript ~20 ms after the
   * end of speech instead of 40–210 ms, for a little more error; docs/stt.md). `-frate` and
   * `-samprate` cannot change.
   */
  args?: Record<string, string>;
  /** Decoders that may exist at once; streams beyond that wait for one. Default 4. */
  maxDecoders?: number;
  /** Decoders kept loaded while unused. Default 2. */
  maxIdleDecoders?: number;
  /** Longest piece of audio handed to one native call, in ms (1–100). Default 100. */
  chunkMs?: number;
  /** Run the decoding calls on worker threads. Default true; false blocks the event loop (for measuring). */
  offThread?: boolean;
  /**
   * How long after `end()` the final transcript may take, ms (normally 40–210 ms, more when the
   * decoder is behind). Later, the stream fails with `engine_timeout`. Default 10 000.
   */
  finalTimeoutMs?: number;
  /** Library names or paths, for unusual installs. Defaults `libpocketsphinx.so.3`, `libsphinxbase.so.3`. */
  libraries?: { pocketsphinx?: string; sphinxbase?: string };
}

export interface PocketsphinxStats {
  /** Decoders that exist or are being made. */
  decoders: number;
  /** Of those, loaded and unused. */
  idle: number;
  /** Streams waiting for a decoder. */
  waiting: number;
  /** Streams not yet finished (including their clean-up after an abort). */
  streams: number;
}

type Pointer = object;
interface Decoder {
  ps: Pointer;
  /** Frames fed to this decoder over its life: where its next utterance's frames start. */
  frames: number;
}

/** The library functions in use, bound once per pair of library paths. */
interface Native {
  /** Whether decoding calls run on worker threads (else they block the event loop). */
  offThread: boolean;
  config(args: string[]): Pointer | null;
  freeConfig(config: Pointer): void;
  init(config: Pointer): Promise<Pointer | null>;
  free(ps: Pointer): void;
  startUtt(ps: Pointer): Promise<number>;
  processRaw(ps: Pointer, pcm: Int16Array): Promise<number>;
  endUtt(ps: Pointer): Promise<number>;
  /** The hypothesis so far (cheap during an utterance; a best-path search after it). */
  hyp(ps: Pointer): string;
  finalHyp(ps: Pointer): Promise<string>;
  /** Posterior probability of the final hypothesis, in [0, 1]. */
  prob(ps: Pointer): Promise<number>;
  segments(ps: Pointer): { word: string; startFrame: number; endFrame: number; prob: number }[];
}

/** A stream waiting for a decoder. Once its signal aborted, a decoder handed to it goes back. */
interface Waiter {
  signal: AbortSignal;
  resolve(decoder: Decoder): void;
  reject(reason: unknown): void;
}

const natives = new Map<string, Promise<Native>>();

function unavailable(message: string, cause?: unknown): ParleyError {
  return new ParleyError('engine_unavailable', message, { cause });
}

async function loadNative(pocketsphinxLib: string, sphinxbaseLib: string, offThread: boolean): Promise<Native> {
  let koffi: typeof import('koffi');
  try {
    koffi = (await import('koffi')).default;
  } catch (err) {
    throw unavailable(`pocketsphinx needs the npm package koffi, which did not load (${(err as Error).message}). Run npm install in packages/server.`, err);
  }
  try {
    const config = koffi.config();
    if ((config.async_stack_size ?? 0) < ASYNC_STACK_BYTES) koffi.config({ ...config, async_stack_size: ASYNC_STACK_BYTES });
  } catch {
    // Another module loaded a library through koffi first; its settings stay (128 KiB is enough).
  }
  const open = (name: string) => {
    try {
      return koffi.load(name);
    } catch (err) {
      throw unavailable(`pocketsphinx is not installed: ${(err as Error).message}. Install it with \`${INSTALL}\`.`, err);
    }
  };
  const sb = open(sphinxbaseLib);
  const ps = open(pocketsphinxLib);
  const f = {
    err_set_logfp: sb.func('void err_set_logfp(void *fp)'),
    cmd_ln_init: sb.func('void *cmd_ln_init(void *inout, void *defn, int strict, ...)'),
    cmd_ln_free_r: sb.func('int cmd_ln_free_r(void *cmdln)'),
    logmath_exp: sb.func('double logmath_exp(void *lmath, int logb_p)'),
    ps_args: ps.func('void *ps_args(void)'),
    ps_init: ps.func('void *ps_init(void *config)'),
    ps_free: ps.func('int ps_free(void *ps)'),
    ps_start_utt: ps.func('int ps_start_utt(void *ps)'),
    ps_process_raw: ps.func('int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)'),
    ps_end_utt: ps.func('int ps_end_utt(void *ps)'),
    ps_get_hyp: ps.func('const char *ps_get_hyp(void *ps, _Out_ int32_t *score)'),
    ps_get_prob: ps.func('int32_t ps_get_prob(void *ps)'),
    ps_get_logmath: ps.func('void *ps_get_logmath(void *ps)'),
    ps_seg_iter: ps.func('void *ps_seg_iter(void *ps)'),
    ps_seg_next: ps.func('void *ps_seg_next(void *seg)'),
    ps_seg_word: ps.func('const char *ps_seg_word(void *seg)'),
    ps_seg_frames: ps.func('void ps_seg_frames(void *seg, _Out_ int *sf, _Out_ int *ef)'),
    ps_seg_prob: ps.func('int32_t ps_seg_prob(void *seg, _Out_ int32_t *ascr, _Out_ int32_t *lscr, _Out_ int32_t *lback)'),
  };
  // NULL disables sphinxbase's logging (it would write to stderr); ps_init keeps that unless given -logfn.
  f.err_set_logfp(null);
  type Fn = (typeof f)[keyof typeof f];
  const call = <T>(fn: Fn, ...args: unknown[]): Promise<T> =>
    offThread
      ? new Promise<T>((resolve, reject) => fn.async(...args, (err: unknown, result: T) => (err ? reject(err) : resolve(result))))
      : Promise.resolve(fn(...args) as T);
  const probability = (ps: Pointer, logProb: number) =>
    Math.min(1, Math.max(0, f.logmath_exp(f.ps_get_logmath(ps), logProb) as number));
  return {
    offThread,
    config: (args) => f.cmd_ln_init(null, f.ps_args(), 1, ...args.flatMap((arg) => ['str', arg]), 'void *', null),
    freeConfig: (config) => void f.cmd_ln_free_r(config),
    init: (config) => call(f.ps_init, config),
    free: (ps) => void f.ps_free(ps),
    startUtt: (ps) => call(f.ps_start_utt, ps),
    processRaw: (ps, pcm) => call(f.ps_process_raw, ps, pcm, pcm.length, 0, 0),
    endUtt: (ps) => call(f.ps_end_utt, ps),
    hyp: (ps) => (f.ps_get_hyp(ps, [0]) as string | null) ?? '',
    finalHyp: async (ps) => (await call<string | null>(f.ps_get_hyp, ps, [0])) ?? '',
    prob: async (ps) => probability(ps, await call<number>(f.ps_get_prob, ps)),
    segments: (ps) => {
      const out = [];
      for (let seg = f.ps_seg_iter(ps) as Pointer | null; seg; seg = f.ps_seg_next(seg) as Pointer | null) {
        const sf = [0];
        const ef = [0];
        f.ps_seg_frames(seg, sf, ef);
        const prob = f.ps_seg_prob(seg, [0], [0], [0]) as number;
        out.push({ word: f.ps_seg_word(seg) as string, startFrame: sf[0]!, endFrame: ef[0]!, prob: probability(ps, prob) });
      }
      return out;
    },
  };
}

/** Silence markers (`<s>`, `</s>`, `<sil>`) and noise fillers (`[NOISE]`, `++UM++`) are not words. */
function isWord(token: string): boolean {
  return !/^(<.*>|\[.*\]|\+\+.*\+\+)$/.test(token);
}

/** `read(2)` is the dictionary's second pronunciation of `read`. */
function spelling(token: string): string {
  return token.replace(/\(\d+\)$/, '');
}

async function requirePath(kind: 'directory' | 'file', what: string, path: string, option: string): Promise<void> {
  const hint = `Install the US-English model with \`${INSTALL}\`, or point the engine's ${option} option at your own.`;
  let info;
  try {
    info = await stat(path);
  } catch {
    throw unavailable(`pocketsphinx ${what} not found: ${path} does not exist. ${hint}`);
  }
  if (kind === 'directory' ? !info.isDirectory() : !info.isFile()) {
    throw unavailable(`pocketsphinx ${what} ${path} is not a ${kind}. ${hint}`);
  }
  try {
    await access(path, constants.R_OK);
  } catch {
    throw unavailable(`pocketsphinx ${what} ${path} is not readable by this process.`);
  }
}

export class PocketsphinxStt implements SttEngine {
  readonly label: string;
  readonly capabilities: SttCapabilities = { partials: true, wordTimings: true, sampleRate: SAMPLE_RATE, languages: ['en'] };
  readonly #paths: { hmm: string; lm: string; dict: string };
  readonly #args: string[];
  readonly #libraries: { pocketsphinx: string; sphinxbase: string };
  readonly #offThread: boolean;
  readonly #maxDecoders: number;
  readonly #maxIdle: number;
  readonly chunkSamples: number;
  readonly #finalTimeoutMs: number;
  #native: Promise<Native> | undefined;
  #decoders = 0;
  #idle: Decoder[] = [];
  #waiters: Waiter[] = [];
  /** ps_init runs one at a time (sphinxbase has some process-wide state). */
  #initChain: Promise<unknown> = Promise.resolve();
  #streams = new Set<Promise<void>>();
  readonly #closing = new AbortController();

  constructor(options: PocketsphinxOptions = {}) {
    const modelDir = options.modelDir ?? DEFAULT_POCKETSPHINX_MODEL_DIR;
    this.#paths = {
      hmm: options.hmm ?? join(modelDir, 'en-us'),
      lm: options.lm ?? join(modelDir, 'en-us.lm.bin'),
      dict: options.dict ?? join(modelDir, 'cmudict-en-us.dict'),
    };
    for (const [name, fixed] of [['-frate', '100'], ['-samprate', '16000']]) {
      const value = options.args?.[name!];
      if (value !== undefined && Number(value) !== Number(fixed)) {
        throw new RangeError(`PocketsphinxStt: args ${name} must stay ${fixed} (word times and the input rate depend on it), got ${value}`);
      }
    }
    this.#args = Object.entries(options.args ?? {}).flat();
    this.#libraries = {
      pocketsphinx: options.libraries?.pocketsphinx ?? 'libpocketsphinx.so.3',
      sphinxbase: options.libraries?.sphinxbase ?? 'libsphinxbase.so.3',
    };
    this.#offThread = options.offThread ?? true;
    this.#maxDecoders = Math.max(1, options.maxDecoders ?? 4);
    this.#maxIdle = Math.max(0, Math.min(this.#maxDecoders, options.maxIdleDecoders ?? 2));
    const chunkMs = Math.min(MAX_CHUNK_MS, Math.max(1, options.chunkMs ?? MAX_CHUNK_MS));
    this.chunkSamples = Math.round((SAMPLE_RATE * chunkMs) / 1000);
    this.#finalTimeoutMs = options.finalTimeoutMs ?? DEFAULT_FINAL_TIMEOUT_MS;
    this.label = options.hmm || options.lm || options.dict ? `pocketsphinx(${this.#paths.hmm}, ${this.#paths.lm})` : `pocketsphinx(${modelDir})`;
  }

  stats(): PocketsphinxStats {
    return { decoders: this.#decoders, idle: this.#idle.length, waiting: this.#waiters.length, streams: this.#streams.size };
  }

  async warmup(): Promise<void> {
    this.#release(await this.#acquire(this.#closing.signal));
  }

  open(options: SttOpenOptions): SttStream {
    const signal = AbortSignal.any([options.signal, this.#closing.signal]);
    const stream = new PocketsphinxStream(signal, this.capabilities.sampleRate, this.#finalTimeoutMs);
    if (!supportsLanguage(this.capabilities, options.language)) {
      stream.fail(
        new ParleyError('unsupported_feature', `${this.label} recognises English only; transcription language "${options.language}" is not available.`),
      );
      return stream;
    }
    const done = this.#run(stream, signal).then(
      () => {},
      (err: unknown) => stream.fail(signal.aborted ? signal.reason : err),
    );
    this.#streams.add(done);
    void done.finally(() => this.#streams.delete(done));
    return stream;
  }

  /** Aborts open streams, waits for their decoders, and frees every decoder. */
  async close(): Promise<void> {
    this.#closing.abort(new ParleyError('engine_unavailable', `${this.label} was closed.`));
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#closing.signal.reason);
    while (this.#streams.size > 0) await Promise.all(this.#streams);
    await this.#initChain;
    const native = this.#native && (await this.#native.catch(() => undefined));
    for (const decoder of this.#idle.splice(0)) {
      native?.free(decoder.ps);
      this.#decoders--;
    }
  }

  async #run(stream: PocketsphinxStream, signal: AbortSignal): Promise<void> {
    const decoder = await this.#acquire(signal);
    const native = await this.#loadNative();
    try {
      await stream.decode(native, decoder, signal, this.chunkSamples);
    } finally {
      if (stream.inUtterance) await this.#recycle(native, decoder, stream);
      else this.#release(decoder);
    }
  }

  /** After an abort or failure mid-utterance: end the utterance so the decoder can be used again. */
  async #recycle(native: Native, decoder: Decoder, stream: PocketsphinxStream): Promise<void> {
    try {
      await stream.padToFrame(native, decoder);
      if ((await native.endUtt(decoder.ps)) < 0) throw new Error('ps_end_utt failed');
      decoder.frames += stream.fedSamples / FRAME_SAMPLES;
      this.#release(decoder);
    } catch {
      native.free(decoder.ps);
      this.#decoders--;
      this.#wakeWaiter();
    }
  }

  #loadNative(): Promise<Native> {
    const key = `${this.#libraries.pocketsphinx}\0${this.#libraries.sphinxbase}\0${this.#offThread}`;
    let native = natives.get(key);
    if (!native) {
      native = loadNative(this.#libraries.pocketsphinx, this.#libraries.sphinxbase, this.#offThread);
      natives.set(key, native);
      // A failed load is not remembered: the packages may be installed while the server runs.
      native.catch(() => natives.delete(key));
    }
    return (this.#native = native);
  }

  async #acquire(signal: AbortSignal): Promise<Decoder> {
    signal.throwIfAborted();
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#decoders < this.#maxDecoders) {
      this.#decoders++;
      let decoder: Decoder;
      try {
        decoder = await this.#create();
      } catch (err) {
        this.#decoders--;
        this.#wakeWaiter();
        throw err;
      }
      if (signal.aborted) {
        this.#release(decoder);
        throw signal.reason;
      }
      return decoder;
    }
    return new Promise<Decoder>((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        resolve: (decoder) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) this.#release(decoder);
          else resolve(decoder);
        },
        reject: (reason) => {
          signal.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      const onAbort = () => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #release(decoder: Decoder): void {
    const waiter = this.#waiters.shift();
    if (waiter) return waiter.resolve(decoder);
    if (!this.#closing.signal.aborted && this.#idle.length < this.#maxIdle) {
      this.#idle.push(decoder);
      return;
    }
    void this.#native?.then((native) => native.free(decoder.ps));
    this.#decoders--;
  }

  /** A decoder slot came free (one failed to load or was freed): let a waiting stream make one. */
  #wakeWaiter(): void {
    const waiter = this.#waiters.shift();
    if (!waiter) return;
    this.#decoders++;
    this.#create().then(waiter.resolve, (err: unknown) => {
      this.#decoders--;
      waiter.reject(err);
    });
  }

  async #create(): Promise<Decoder> {
    const native = await this.#loadNative();
    const { hmm, lm, dict } = this.#paths;
    await requirePath('directory', 'acoustic model', hmm, 'hmm (or modelDir)');
    await requirePath('file', 'acoustic model definition', join(hmm, 'mdef'), 'hmm (or modelDir)');
    await requirePath('file', 'language model', lm, 'lm (or modelDir)');
    await requirePath('file', 'dictionary', dict, 'dict (or modelDir)');
    const init = this.#initChain.then(async () => {
      const args = ['-hmm', hmm, '-lm', lm, '-dict', dict, ...this.#args];
      const config = native.config(args);
      if (!config) {
        throw unavailable(`pocketsphinx rejected its options (${this.#args.join(' ') || 'none beyond the model paths'}); check the engine's args.`);
      }
      const ps = await native.init(config);
      native.freeConfig(config); // the decoder keeps its own reference
      if (!ps) {
        throw unavailable(
          `pocketsphinx could not load its model (hmm ${hmm}, lm ${lm}, dict ${dict}): the files exist but are incomplete or of another format. Reinstall them with \`apt-get install --reinstall pocketsphinx-en-us\`.`,
        );
      }
      return { ps, frames: 0 };
    });
    this.#initChain = init.catch(() => {});
    return init;
  }
}

/** One utterance: queued audio in, events out. */
class PocketsphinxStream implements SttStream {
  readonly #sampleRate: number;
  readonly #finalTimeoutMs: number;
  #finalTimer: NodeJS.Timeout | undefined;
  #queue: Int16Array[] = [];
  #queued = 0;
  #ended = false;
  #wake: (() => void) | null = null;
  #written = 0;
  // Event channel.
  #events: SttEvent[] = [];
  #failure: { reason: unknown } | null = null;
  #closed = false;
  #notify: (() => void) | null = null;
  #iterated = false;
  /** A no-op until the constructor listens: a signal already aborted fails the stream before that. */
  #unlisten: () => void = () => {};
  // Decoder side.
  /** Samples handed to the decoder in this utterance. */
  fedSamples = 0;
  /** Between a successful ps_start_utt and ps_end_utt: the decoder must be finished before reuse. */
  inUtterance = false;

  /** `signal` aborts the stream: the iteration throws its reason at once, decoding stops at its next step. */
  constructor(signal: AbortSignal, sampleRate: number, finalTimeoutMs: number) {
    this.#sampleRate = sampleRate;
    this.#finalTimeoutMs = finalTimeoutMs;
    this.#unlisten = listenForAbort(signal, () => this.fail(signal.reason));
  }

  write(pcm: Int16Array): void {
    if (this.#ended) throw new Error('SttStream.write() after end()');
    if (this.#closed || pcm.length === 0) return;
    this.#queue.push(pcm.slice());
    this.#queued += pcm.length;
    this.#written += pcm.length;
    this.#wakeUp();
  }

  end(): void {
    if (!this.#ended && !this.#closed) {
      const ms = this.#finalTimeoutMs;
      this.#finalTimer = setTimeout(() => this.fail(new ParleyError('engine_timeout', `pocketsphinx did not finish the transcription within ${ms} ms of the end of the audio.`)), ms);
      this.#finalTimer.unref();
    }
    this.#ended = true;
    this.#wakeUp();
  }

  /** Ends the iteration with an error (first one wins); the decoding side stops at its next step. */
  fail(reason: unknown): void {
    if (this.#closed) return;
    this.#failure = { reason };
    this.#close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SttEvent> {
    if (this.#iterated) throw new Error('An SttStream can be iterated only once.');
    this.#iterated = true;
    try {
      for (;;) {
        if (this.#failure) throw this.#failure.reason;
        const event = this.#events.shift();
        if (event) {
          yield event;
          continue;
        }
        if (this.#closed) return;
        await new Promise<void>((resolve) => (this.#notify = resolve));
      }
    } finally {
      // The reader left early (break, return, throw): nobody wants the rest, so stop decoding.
      if (!this.#closed) this.fail(new Error('The SttStream was left before it finished.'));
    }
  }

  /** Runs the utterance on `decoder`; returns when the final event is out or the stream was stopped. */
  async decode(native: Native, decoder: Decoder, signal: AbortSignal, chunkSamples: number): Promise<void> {
    const ps = decoder.ps;
    const firstFrame = decoder.frames;
    const stable = new StableText();
    let hypothesis = '';
    if ((await native.startUtt(ps)) < 0) throw new ParleyError('engine_stream_error', 'pocketsphinx could not start an utterance.');
    this.inUtterance = true;
    for (;;) {
      if (signal.aborted || this.#closed) return;
      const chunk = this.#take(chunkSamples);
      if (!chunk) {
        if (this.#ended) break;
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      await this.#process(native, ps, chunk);
      // Synchronous calls resolve as microtasks: let timers and I/O in between chunks.
      if (!native.offThread) await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted || this.#closed) return;
      const text = native.hyp(ps);
      if (text !== hypothesis) {
        hypothesis = text;
        this.#push({ type: 'partial', text, delta: stable.update(text) });
      }
    }
    await this.padToFrame(native, decoder);
    if ((await native.endUtt(ps)) < 0) throw new ParleyError('engine_stream_error', 'pocketsphinx could not finish the utterance.');
    this.inUtterance = false;
    decoder.frames += this.fedSamples / FRAME_SAMPLES;
    if (signal.aborted || this.#closed) return;
    const text = await native.finalHyp(ps);
    // The posterior must be computed before the segments are read, or they carry none.
    const confidence = text ? await native.prob(ps) : undefined;
    const words: SttWord[] = [];
    for (const seg of native.segments(ps)) {
      if (!isWord(seg.word)) continue;
      words.push({
        text: spelling(seg.word),
        startMs: Math.max(0, seg.startFrame - firstFrame) * FRAME_MS,
        endMs: Math.max(0, seg.endFrame + 1 - firstFrame) * FRAME_MS,
        confidence: seg.prob,
      });
    }
    if (signal.aborted || this.#closed) return;
    const final: SttFinal = {
      type: 'final',
      text,
      delta: stable.finish(text),
      words,
      audioMs: (this.#written * 1000) / this.#sampleRate,
    };
    if (confidence !== undefined) final.confidence = confidence;
    this.#push(final);
    this.#close();
  }

  /** Feeds silence up to a whole frame, so the decoder's frame count stays exact across utterances. */
  async padToFrame(native: Native, decoder: Decoder): Promise<void> {
    const rest = this.fedSamples % FRAME_SAMPLES;
    if (rest > 0) await this.#process(native, decoder.ps, new Int16Array(FRAME_SAMPLES - rest));
  }

  async #process(native: Native, ps: Pointer, chunk: Int16Array): Promise<void> {
    const rc = await native.processRaw(ps, chunk);
    this.fedSamples += chunk.length;
    if (rc < 0) throw new ParleyError('engine_stream_error', `pocketsphinx failed to decode audio (ps_process_raw returned ${rc}).`);
  }

  /** Up to `max` queued samples as one array, or null when none are queued. */
  #take(max: number): Int16Array | null {
    if (this.#queued === 0) return null;
    const first = this.#queue[0]!;
    if (first.length >= max || this.#queue.length === 1) {
      const part = first.length > max ? first.subarray(0, max) : first;
      if (part === first) this.#queue.shift();
      else this.#queue[0] = first.subarray(max);
      this.#queued -= part.length;
      return part;
    }
    const out = new Int16Array(Math.min(max, this.#queued));
    let filled = 0;
    while (filled < out.length) {
      const head = this.#queue[0]!;
      const n = Math.min(head.length, out.length - filled);
      out.set(head.subarray(0, n), filled);
      filled += n;
      if (n === head.length) this.#queue.shift();
      else this.#queue[0] = head.subarray(n);
    }
    this.#queued -= out.length;
    return out;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #push(event: SttEvent): void {
    if (this.#closed) return;
    this.#events.push(event);
    this.#notifyReader();
  }

  #close(): void {
    this.#closed = true;
    this.#unlisten();
    clearTimeout(this.#finalTimer);
    this.#queue = [];
    this.#queued = 0;
    this.#notifyReader();
    this.#wakeUp();
  }

  #notifyReader(): void {
    const notify = this.#notify;
    this.#notify = null;
    notify?.();
  }
}
