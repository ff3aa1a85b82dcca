/**
 * Speech recognition with whisper.cpp, in-process, through the npm binding
 * `@fugood/whisper.node` (MIT; prebuilt N-API binaries for Linux, macOS and Windows come as
 * platform packages from npm, no compiler and no download at install). The model is a
 * whisper.cpp ggml file (`ggml-base.en.bin` and the like) given by `modelPath`; none ships
 * with Parley or with the binding.
 *
 * How it runs (docs/stt.md):
 * - Whisper reads a whole utterance, so a stream buffers its PCM and decodes it at `end()`
 *   (no partials). Audio is 16 kHz PCM16 mono, handed to the binding as it is.
 * - The model is loaded once per engine, lazily or by `warmup()`. The binding's constructor
 *   loads it synchronously on the event loop (about 0.1 s for tiny, seconds for large models),
 *   so call `warmup()` at start-up. Files are checked first (exists, is a ggml file) so the
 *   common mistakes get a clear `engine_unavailable` without touching the native loader.
 * - Decoding runs on the libuv thread pool (the binding's `transcribeData`, an N-API
 *   AsyncWorker), with `threads` CPU threads of its own. One context decodes one utterance at a
 *   time: streams queue for it in JavaScript, so waiting streams hold no pool thread.
 * - Aborting makes the iteration throw at once. The native work runs to its end in the
 *   background (binding 1.1.3 cannot interrupt `whisper_full`), and the next utterance starts
 *   after it.
 * - Binding 1.1.3 never settles the promise of a transcription that failed or was stopped: its
 *   worker's error path calls the completion callback with one argument where the promise side
 *   waits for two. So the engine never calls the binding's `stop()`, and guards every run with
 *   a watchdog (`decodeTimeout`) that reports a run that never answers as
 *   `engine_stream_error`, quoting whisper.cpp's last error lines.
 * - Word times: token timestamps with one token per segment (`maxLen: 1`), tokens joined into
 *   words at their leading space. Whisper's non-speech annotations (`[BLANK_AUDIO]`,
 *   `(music)`) are removed from the text and the words.
 * - whisper.cpp's log goes to `onLog` (default: dropped) while the engine is loaded; its
 *   error lines are quoted in load errors.
 */
import { constants } from 'node:fs';
import { access, open as openFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { ParleyError } from '@parley/protocol';
import { BufferedSttStream, type UtteranceTranscript } from './buffered.js';
import { supportsLanguage, type SttCapabilities, type SttEngine, type SttOpenOptions, type SttStream, type SttWord } from './index.js';
import { transcriptionLanguage } from './openai-transcriptions.js';

export const WHISPER_CPP_PACKAGE = '@fugood/whisper.node';
export const WHISPER_SAMPLE_RATE = 16_000;
/** The first four bytes of a whisper.cpp ggml model: GGML_FILE_MAGIC 0x67676d6c, little-endian. */
const GGML_MAGIC = 0x67676d6c;
const GET_MODEL =
  'Download a whisper.cpp ggml model (for English: ggml-base.en.bin, 142 MB, or ggml-tiny.en.bin, 75 MB; ' +
  "multilingual: ggml-base.bin, ggml-small.bin…) with whisper.cpp's models/download-ggml-model.sh, e.g. `sh download-ggml-model.sh base.en`, " +
  'and point the engine at it (modelPath; in the config file stt.model_path).';

export type WhisperCppVariant = 'default' | 'vulkan' | 'cuda';

export interface WhisperCppOptions {
  /** The whisper.cpp ggml model file, e.g. `/models/ggml-base.en.bin`. */
  modelPath: string;
  /**
   * The language to transcribe when the client names none: an ISO-639-1 code, or `auto` to
   * detect it. Default `en` for English-only models (`*.en.bin`), else `auto`.
   */
  language?: string;
  /** CPU threads for one transcription. Default: the cores there are (`os.availableParallelism()`). */
  threads?: number;
  /** Word times in the final. Default true. */
  wordTimings?: boolean;
  /** Which prebuilt binary: `default` (CPU), `vulkan` or `cuda` (when their packages load). Default `default`. */
  variant?: WhisperCppVariant;
  /** Use the GPU of a `vulkan`/`cuda` build. Default false. */
  useGpu?: boolean;
  /** More options for the binding's `transcribeData` (`beamSize`, `temperature`, `maxContext`…). */
  decodeOptions?: Record<string, unknown>;
  /**
   * How long one transcription may take before it is given up as failed, ms: a base plus a
   * multiple of the audio's length. Default `{ baseMs: 30_000, perAudioMs: 5 }`.
   */
  decodeTimeout?: { baseMs?: number; perAudioMs?: number };
  /** whisper.cpp's log lines while the engine is loaded. Default: dropped. */
  onLog?: (level: string, text: string) => void;
}

/** The parts of `@fugood/whisper.node` in use (its own typings are not published). */
interface WhisperBinding {
  loadWhisperModule(variant?: WhisperCppVariant): Promise<unknown>;
  initWhisper(options: { filePath: string; useGpu?: boolean }, variant?: WhisperCppVariant): Promise<WhisperContext>;
  toggleNativeLog(enable: boolean): Promise<void>;
  addNativeLogListener(listener: (level: string, text: string) => void): { remove(): void };
}
interface WhisperContext {
  transcribeData(audio: ArrayBuffer, options: Record<string, unknown>): { stop(): Promise<void>; promise: Promise<NativeResult> };
  release(): Promise<void>;
}
export interface NativeSegment {
  text: string;
  /** ms */
  t0: number;
  t1: number;
}
interface NativeResult {
  result: string;
  language?: string;
  segments: NativeSegment[];
  isAborted: boolean;
}

function unavailable(message: string, cause?: unknown): ParleyError {
  return new ParleyError('engine_unavailable', message, { cause });
}

let bindingPromise: Promise<WhisperBinding> | undefined;

function loadBinding(): Promise<WhisperBinding> {
  bindingPromise ??= (async () => {
    // Not a literal: the package publishes no typings, and the engine types what it uses itself.
    const specifier: string = WHISPER_CPP_PACKAGE;
    let module: Partial<WhisperBinding> & { default?: WhisperBinding };
    try {
      module = (await import(specifier)) as typeof module;
    } catch (err) {
      throw unavailable(`whisper.cpp needs the npm package ${WHISPER_CPP_PACKAGE}, which did not load (${(err as Error).message}). Run npm install in packages/server.`, err);
    }
    return module.initWhisper ? (module as WhisperBinding) : module.default!;
  })();
  bindingPromise.catch(() => (bindingPromise = undefined));
  return bindingPromise;
}

/**
 * whisper.cpp's log is process-wide. While any engine is loaded it goes to the engines'
 * listeners; when the last one is released it is switched back off, since the binding's log
 * callback would otherwise keep the process alive.
 */
const nativeLog = {
  users: 0,
  listeners: new Set<(level: string, text: string) => void>(),
  subscription: undefined as { remove(): void } | undefined,
  async acquire(binding: WhisperBinding, listener: (level: string, text: string) => void): Promise<void> {
    this.listeners.add(listener);
    if (this.users++ === 0) {
      this.subscription = binding.addNativeLogListener((level, text) => {
        for (const l of this.listeners) l(level, text);
      });
      await binding.toggleNativeLog(true);
    }
  },
  async release(binding: WhisperBinding, listener: (level: string, text: string) => void): Promise<void> {
    if (!this.listeners.delete(listener)) return;
    if (--this.users === 0) {
      this.subscription?.remove();
      this.subscription = undefined;
      await binding.toggleNativeLog(false);
    }
  },
};

/** Checks that `path` is a readable whisper.cpp ggml file; throws `engine_unavailable` saying what is wrong. */
export async function checkWhisperModel(path: string): Promise<void> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw unavailable(`whisper.cpp model ${path} is not a file. ${GET_MODEL}`);
    size = info.size;
    await access(path, constants.R_OK);
  } catch (err) {
    if (err instanceof ParleyError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw unavailable(`whisper.cpp model not found: ${path} does not exist. ${GET_MODEL}`, err);
    throw unavailable(`whisper.cpp model ${path} cannot be read (${code ?? (err as Error).message}).`, err);
  }
  const head = Buffer.alloc(4);
  const file = await openFile(path, 'r');
  try {
    await file.read(head, 0, 4, 0);
  } finally {
    await file.close();
  }
  if (size >= 4 && head.readUInt32LE(0) === GGML_MAGIC) return;
  const what = size < 4 ? `is ${size === 0 ? 'empty' : 'too short'}` : head.toString('latin1') === 'GGUF' ? 'is a GGUF file (a language model?)' : 'does not start with the ggml magic';
  throw unavailable(`whisper.cpp model ${path} ${what}: it is not a whisper.cpp ggml model (ggml-*.bin). ${GET_MODEL}`);
}

/** Whether a file name says the model is English-only (`ggml-base.en.bin`, `ggml-tiny.en-q5_1.bin`). */
export function isEnglishOnlyModel(path: string): boolean {
  return /\.en([-_.]|$)/i.test(basename(path).replace(/\.bin$/i, ''));
}

/** Removes whisper's non-speech annotations (`[BLANK_AUDIO]`, `(music)`, `[ Silence ]`) and tidies the spaces. */
export function stripAnnotations(text: string): string {
  return text
    .replace(/\[[^\]]*\]|\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.!?;:])/g, '$1')
    .trim();
}

/**
 * Words from token-level segments (`maxLen: 1`): a token with a leading space starts a word,
 * one without continues it (`Par` + `is` + `.`). Words inside annotations are dropped.
 */
export function wordsFromTokens(segments: readonly NativeSegment[]): SttWord[] {
  const words: SttWord[] = [];
  for (const segment of segments) {
    const text = segment.text;
    if (!text) continue;
    const last = words.at(-1);
    if (last && !/^\s/.test(text)) {
      last.text += text;
      last.endMs = Math.max(last.endMs, segment.t1);
    } else if (text.trim()) {
      words.push({ text: text.trim(), startMs: segment.t0, endMs: segment.t1 });
    }
  }
  const kept: SttWord[] = [];
  let depth = 0;
  for (const word of words) {
    let spoken = '';
    for (const ch of word.text) {
      if (ch === '[' || ch === '(') depth++;
      else if ((ch === ']' || ch === ')') && depth > 0) depth--;
      else if (depth === 0) spoken += ch;
    }
    spoken = spoken.trim();
    if (spoken && /[\p{L}\p{N}]/u.test(spoken)) kept.push({ ...word, text: spoken });
  }
  return kept;
}

export class WhisperCppStt implements SttEngine {
  readonly label: string;
  readonly capabilities: SttCapabilities;
  readonly modelPath: string;
  readonly #options: WhisperCppOptions;
  readonly #language: string;
  readonly #closing = new AbortController();
  readonly #onNative = (level: string, text: string) => this.#logged(level, text);
  /** Recent error and warning lines of whisper.cpp, quoted in load errors. */
  #recent: string[] = [];
  #context: Promise<{ binding: WhisperBinding; context: WhisperContext }> | undefined;
  /** The last queued transcription: the next one starts when it has settled. */
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;

  constructor(options: WhisperCppOptions) {
    if (!options.modelPath) throw new TypeError('WhisperCppStt: modelPath is required');
    this.#options = options;
    this.modelPath = options.modelPath;
    this.label = `whisper-cpp(${options.modelPath})`;
    const english = isEnglishOnlyModel(options.modelPath);
    this.#language = options.language ?? (english ? 'en' : 'auto');
    this.capabilities = { partials: false, wordTimings: options.wordTimings ?? true, sampleRate: WHISPER_SAMPLE_RATE };
    if (english) this.capabilities.languages = ['en'];
  }

  /** Transcriptions queued or running. */
  get pending(): number {
    return this.#queued;
  }

  /** Loads the model now: fails here, with what to do, if it cannot be. */
  async warmup(): Promise<void> {
    await this.#load();
  }

  open(options: SttOpenOptions): SttStream {
    const signal = AbortSignal.any([options.signal, this.#closing.signal]);
    const stream = new BufferedSttStream(signal, WHISPER_SAMPLE_RATE, (pcm, stop) => this.#transcribe(pcm, options, stop));
    if (!supportsLanguage(this.capabilities, options.language)) {
      stream.fail(
        new ParleyError(
          'unsupported_feature',
          `${this.label} is an English-only model; transcription language "${options.language}" needs a multilingual one (ggml-base.bin, ggml-small.bin…).`,
        ),
      );
    }
    return stream;
  }

  /** Aborts the open streams, waits for the native work in flight, and frees the model. */
  async close(): Promise<void> {
    this.#closing.abort(new ParleyError('engine_unavailable', `${this.label} was closed.`));
    await this.#tail;
    const loaded = await this.#context?.catch(() => undefined);
    this.#context = undefined;
    if (!loaded) return;
    await loaded.context.release();
    await nativeLog.release(loaded.binding, this.#onNative);
  }

  #load(): Promise<{ binding: WhisperBinding; context: WhisperContext }> {
    if (this.#closing.signal.aborted) return Promise.reject(this.#closing.signal.reason);
    if (!this.#context) {
      const context = this.#create();
      this.#context = context;
      // A failed load is not remembered: the model may be put in place while the server runs.
      context.catch(() => {
        if (this.#context === context) this.#context = undefined;
      });
    }
    return this.#context;
  }

  async #create(): Promise<{ binding: WhisperBinding; context: WhisperContext }> {
    const path = this.modelPath;
    await checkWhisperModel(path);
    const binding = await loadBinding();
    const variant = this.#options.variant ?? 'default';
    try {
      await binding.loadWhisperModule(variant);
    } catch (err) {
      throw unavailable(`whisper.cpp's native module did not load (${(err as Error).message}). Reinstall ${WHISPER_CPP_PACKAGE} (npm ci).`, err);
    }
    await nativeLog.acquire(binding, this.#onNative);
    this.#recent = [];
    try {
      const context = await binding.initWhisper({ filePath: path, useGpu: this.#options.useGpu ?? false }, variant);
      return { binding, context };
    } catch (err) {
      // The log lines come through the event loop: let them arrive before quoting them.
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      await nativeLog.release(binding, this.#onNative);
      const why = this.#recent.map((line) => line.replace(/^\w+: /, '')).join('; ') || (err as Error).message;
      throw unavailable(
        `whisper.cpp could not load the model ${path}: ${why}. The file is damaged, truncated or of a kind this whisper.cpp build does not read. ${GET_MODEL}`,
        err,
      );
    }
  }

  #logged(level: string, text: string): void {
    this.#options.onLog?.(level, text);
    if (level === 'error' || level === 'warn') {
      this.#recent.push(text.trim());
      if (this.#recent.length > 8) this.#recent.shift();
    }
  }

  async #transcribe(pcm: Int16Array, options: SttOpenOptions, signal: AbortSignal): Promise<UtteranceTranscript> {
    const { context } = await this.#load();
    signal.throwIfAborted();
    if (pcm.length === 0) return this.capabilities.wordTimings ? { text: '', words: [] } : { text: '' };
    this.#queued++;
    const previous = this.#tail;
    const run = (async () => {
      try {
        await previous;
        signal.throwIfAborted();
        return await this.#decode(context, pcm, options, signal);
      } finally {
        this.#queued--;
      }
    })();
    this.#tail = run.catch(() => {});
    return run;
  }

  async #decode(context: WhisperContext, pcm: Int16Array, options: SttOpenOptions, signal: AbortSignal): Promise<UtteranceTranscript> {
    const wordTimings = this.capabilities.wordTimings;
    const audio = pcm.byteOffset === 0 && pcm.byteLength === pcm.buffer.byteLength ? pcm.buffer : pcm.slice().buffer;
    const settings: Record<string, unknown> = {
      language: transcriptionLanguage(options.language) ?? this.#language,
      maxThreads: Math.max(1, this.#options.threads ?? availableParallelism()),
      tokenTimestamps: wordTimings,
      maxLen: wordTimings ? 1 : 0,
      ...this.#options.decodeOptions,
    };
    if (options.prompt?.trim()) settings.prompt = options.prompt;
    const audioMs = (pcm.length * 1000) / WHISPER_SAMPLE_RATE;
    const timeoutMs = (this.#options.decodeTimeout?.baseMs ?? 30_000) + audioMs * (this.#options.decodeTimeout?.perAudioMs ?? 5);
    this.#recent = [];
    // No stop() on abort: the binding would then never settle this promise (see the top of the file).
    const job = context.transcribeData(audio as ArrayBuffer, settings);
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const why = this.#recent.map((line) => line.replace(/^\w+: /, '')).join('; ');
        reject(new ParleyError('engine_stream_error', `${this.label} did not finish transcribing ${Math.round(audioMs)} ms of audio within ${Math.round(timeoutMs)} ms${why ? `: ${why}` : ' (the binding reports a failed run by never answering)'}.`));
      }, timeoutMs);
    });
    let result: NativeResult;
    try {
      result = await Promise.race([job.promise, watchdog]);
    } catch (err) {
      if (err instanceof ParleyError) throw err;
      throw new ParleyError('engine_stream_error', `${this.label} failed to transcribe: ${(err as Error).message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    signal.throwIfAborted();
    const transcript: UtteranceTranscript = { text: stripAnnotations(result.result ?? '') };
    // Whisper's timestamps can run past the audio (to the end of its 30 s window): clamp them.
    if (wordTimings) {
      transcript.words = wordsFromTokens(result.segments ?? []).map((w) => ({
        ...w,
        startMs: Math.min(Math.max(0, w.startMs), audioMs),
        endMs: Math.min(Math.max(0, w.endMs), audioMs),
      }));
    }
    return transcript;
  }
}
