/**
 * Speech recognition through any OpenAI-compatible `/v1/audio/transcriptions` server: OpenAI
 * itself (`whisper-1`, `gpt-4o-transcribe`), speaches / faster-whisper-server, whisper.cpp's
 * `whisper-server`, LocalAI.
 *
 * The API takes a whole file, so a stream buffers the utterance's PCM and, at `end()`, posts it
 * as one WAV file (PCM16 mono at `sampleRate`) in a `multipart/form-data` body: `file`, `model`,
 * `language` and `prompt` when the client gave them, and `response_format` — `json`, or
 * `verbose_json` with `timestamp_granularities[]=word` when `wordTimings` is on. No partials.
 * An utterance with no audio at all gives an empty final without asking the server.
 *
 * Errors are reported like the other HTTP engines': `engine_unreachable` (connection refused,
 * DNS), `engine_http_error` (an HTTP error status, with the server's message), `engine_timeout`
 * (no complete answer within `timeoutMs` of `end()`), `engine_stream_error` (the connection
 * broke, or the answer is not a transcription). Aborting closes the HTTP request.
 */
import { describeFetchFailure, httpError, type HttpEngineNames } from '../http-errors.js';
import { ParleyError } from '@parley/protocol';
import { encodeWav } from '../../audio/wav.js';
import { BufferedSttStream, type UtteranceTranscript } from './buffered.js';
import { supportsLanguage, type SttCapabilities, type SttEngine, type SttOpenOptions, type SttStream, type SttWord } from './index.js';

export interface OpenAiTranscriptionsOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:8000/v1`; `/audio/transcriptions` is appended. */
  baseUrl: string;
  /** E.g. `whisper-1`, `gpt-4o-mini-transcribe`, `Systran/faster-whisper-small`. */
  model: string;
  apiKey?: string;
  /** How long one transcription may take, from `end()` to the parsed answer. Default 30 s. */
  timeoutMs?: number;
  /** The rate `write()` takes and the WAV is sent at, in Hz. Default 16000. */
  sampleRate?: number;
  /**
   * Ask for word times (`response_format: verbose_json`, `timestamp_granularities[]=word`).
   * Default false: `gpt-4o-transcribe` and some servers refuse `verbose_json`; `whisper-1`,
   * speaches and whisper.cpp's server accept it.
   */
  wordTimings?: boolean;
  /** The languages the model knows, as BCP-47 primary tags; default: any. */
  languages?: readonly string[];
  /** More form fields, e.g. `{ temperature: '0' }`. */
  extraFields?: Record<string, string>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_SAMPLE_RATE = 16_000;

export function audioTranscriptionsUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/audio/transcriptions') ? trimmed : `${trimmed}/audio/transcriptions`;
}

/** The one ISO-639-1 code to send for a client's language (`en-US` → `en`); undefined for none or several. */
export function transcriptionLanguage(language: string | undefined): string | undefined {
  const tags = (language ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
  if (tags.length !== 1) return undefined;
  const primary = tags[0]!.split(/[-_]/)[0]!.toLowerCase();
  return /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

interface WireWord {
  word?: unknown;
  start?: unknown;
  end?: unknown;
  probability?: unknown;
}
interface WireTranscription {
  text?: unknown;
  words?: WireWord[];
  segments?: { words?: WireWord[] }[];
}

/** Words of a `verbose_json` answer (top-level `words`, or inside the segments as some servers put them). */
function wordsOf(answer: WireTranscription): SttWord[] | undefined {
  const wire = Array.isArray(answer.words) ? answer.words : Array.isArray(answer.segments) ? answer.segments.flatMap((s) => (Array.isArray(s?.words) ? s.words : [])) : [];
  if (wire.length === 0) return undefined;
  const words: SttWord[] = [];
  for (const w of wire) {
    const text = typeof w.word === 'string' ? w.word.trim() : '';
    if (!text || typeof w.start !== 'number' || typeof w.end !== 'number') continue;
    const word: SttWord = { text, startMs: Math.round(w.start * 1000), endMs: Math.round(w.end * 1000) };
    if (typeof w.probability === 'number' && w.probability >= 0 && w.probability <= 1) word.confidence = w.probability;
    words.push(word);
  }
  return words;
}

export class OpenAiTranscriptionsStt implements SttEngine {
  readonly label: string;
  readonly capabilities: SttCapabilities;
  readonly #options: OpenAiTranscriptionsOptions;
  readonly #url: string;
  readonly #names: HttpEngineNames;
  readonly #closing = new AbortController();

  constructor(options: OpenAiTranscriptionsOptions) {
    this.#options = options;
    this.#url = audioTranscriptionsUrl(options.baseUrl);
    this.#names = { server: 'transcription server', broken: 'The transcription request to', url: this.#url };
    this.label = `openai-transcriptions(${options.baseUrl}, ${options.model})`;
    const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
    if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 48_000) throw new RangeError(`sampleRate ${sampleRate} is not a rate to send speech at (8000–48000)`);
    this.capabilities = { partials: false, wordTimings: options.wordTimings ?? false, sampleRate };
    if (options.languages) this.capabilities.languages = options.languages;
  }

  open(options: SttOpenOptions): SttStream {
    const signal = AbortSignal.any([options.signal, this.#closing.signal]);
    const stream = new BufferedSttStream(signal, this.capabilities.sampleRate, (pcm, stop) => this.#transcribe(pcm, options, stop));
    if (!supportsLanguage(this.capabilities, options.language)) {
      stream.fail(
        new ParleyError('unsupported_feature', `${this.label} recognises ${this.capabilities.languages!.join(', ')} only; transcription language "${options.language}" is not available.`),
      );
    }
    return stream;
  }

  /** Aborts the transcriptions in progress (their requests are closed). */
  async close(): Promise<void> {
    this.#closing.abort(new ParleyError('engine_unavailable', `${this.label} was closed.`));
  }

  async #transcribe(pcm: Int16Array, options: SttOpenOptions, stop: AbortSignal): Promise<UtteranceTranscript> {
    stop.throwIfAborted();
    if (pcm.length === 0) return this.capabilities.wordTimings ? { text: '', words: [] } : { text: '' };
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([stop, timeout]);
    let answered = false;
    try {
      const response = await fetch(this.#url, { method: 'POST', headers: this.#headers(), body: this.#form(pcm, options), signal });
      answered = true;
      if (!response.ok) throw await httpError(response, this.#names);
      const raw = await response.text();
      let answer: WireTranscription;
      try {
        answer = JSON.parse(raw) as WireTranscription;
      } catch {
        // `response_format: json` was asked for; a plain-text body is a server that ignored it.
        if ((response.headers.get('content-type') ?? '').startsWith('text/plain')) {
          return this.capabilities.wordTimings ? { text: raw.trim(), words: [] } : { text: raw.trim() };
        }
        throw new ParleyError('engine_stream_error', `The transcription server at ${this.#url} answered with something that is not JSON: ${raw.slice(0, 120)}`);
      }
      if (!answer || typeof answer !== 'object' || typeof answer.text !== 'string') {
        throw new ParleyError('engine_stream_error', `The transcription server at ${this.#url} answered without a text field: ${raw.slice(0, 120)}`);
      }
      const result: UtteranceTranscript = { text: answer.text.trim() };
      // With word timings declared, `words` is always there (empty when the server sent none).
      const words = wordsOf(answer);
      if (words || this.capabilities.wordTimings) result.words = words ?? [];
      return result;
    } catch (err) {
      if (stop.aborted) throw stop.reason;
      if (timeout.aborted) throw new ParleyError('engine_timeout', `The transcription server at ${this.#url} did not answer within ${timeoutMs} ms.`);
      throw describeFetchFailure(err, answered, this.#names);
    }
  }

  #headers(): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#options.apiKey) headers.authorization = `Bearer ${this.#options.apiKey}`;
    return headers;
  }

  #form(pcm: Int16Array, options: SttOpenOptions): FormData {
    const form = new FormData();
    form.append('file', new Blob([encodeWav(pcm, this.capabilities.sampleRate)], { type: 'audio/wav' }), 'audio.wav');
    form.append('model', this.#options.model);
    const language = transcriptionLanguage(options.language);
    if (language) form.append('language', language);
    if (options.prompt?.trim()) form.append('prompt', options.prompt);
    if (this.capabilities.wordTimings) {
      form.append('response_format', 'verbose_json');
      form.append('timestamp_granularities[]', 'word');
    } else {
      form.append('response_format', 'json');
    }
    for (const [name, value] of Object.entries(this.#options.extraFields ?? {})) form.append(name, value);
    return form;
  }


}
