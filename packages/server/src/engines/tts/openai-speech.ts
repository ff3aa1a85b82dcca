/**
 * A TTS engine for any OpenAI-compatible `/v1/audio/speech` server: OpenAI itself,
 * Kokoro-FastAPI, speaches, LocalAI. It asks for raw PCM (`response_format: "pcm"`: 16-bit
 * little-endian mono, 24 kHz at OpenAI; set `sampleRate` for servers that differ) and streams the
 * response body as it arrives, cut into chunks of at most `chunkMs`. A read that splits a sample
 * (an odd number of bytes) keeps the odd byte for the next read. A server that answers with a
 * WAV file instead of raw PCM has its header skipped (its rate must match `sampleRate`).
 *
 * No timing marks: the API gives none (`wordTimings`/`phonemeTimings` are false).
 *
 * Errors are reported like the LLM engine's: `engine_unreachable` (connection refused, DNS),
 * `engine_http_error` (an HTTP error status, with the server's message), `engine_timeout` (no
 * answer within `connectTimeoutMs`, or silence longer than `idleTimeoutMs`), `engine_stream_error`
 * (the body broke off or was not audio). Aborting closes the HTTP request, and so does a
 * consumer that stops iterating early.
 */
import { describeFetchFailure, ERROR_BODY_LIMIT, httpError, type HttpEngineNames } from '../http-errors.js';
import { ParleyError, type Voice } from '@parley/protocol';
import type { TtsCapabilities, TtsChunk, TtsEngine, TtsRequest } from './index.js';

export interface OpenAiSpeechOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:8880/v1`; `/audio/speech` is appended. */
  baseUrl: string;
  /** E.g. `tts-1`, `gpt-4o-mini-tts`, `kokoro`, `speaches-ai/Kokoro-82M-v1.0-ONNX`. */
  model: string;
  apiKey?: string;
  /** Rate of the PCM the server sends for `response_format: "pcm"`. Default 24000 (OpenAI, Kokoro-FastAPI). */
  sampleRate?: number;
  /**
   * The server's voices. When given, other voices are refused (`invalid_value` on `voice`);
   * when not, any voice name is passed through and the server judges it.
   */
  voices?: readonly string[];
  /** Protocol voice names to server voices, e.g. `{ alloy: 'af_bella' }`; matched case-insensitively. */
  voiceMap?: Record<string, string>;
  /** Whether the server honours `speed`. Default true (OpenAI, Kokoro-FastAPI, speaches). */
  speed?: boolean;
  /** More fields for the request body, e.g. `{ instructions: '…' }` for gpt-4o-mini-tts. */
  extraBody?: Record<string, unknown>;
  /** Longest chunk yielded, ms. Default 100. */
  chunkMs?: number;
  /** How long to wait for the response headers. Default 30 s. */
  connectTimeoutMs?: number;
  /** How long the body may stay silent between two reads. Default 30 s. */
  idleTimeoutMs?: number;
}

const DEFAULT_SAMPLE_RATE = 24_000;
const DEFAULT_CHUNK_MS = 100;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** A WAV header longer than this is not a header we understand. */
const MAX_WAV_HEADER = 4096;

export function audioSpeechUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/audio/speech') ? trimmed : `${trimmed}/audio/speech`;
}

/**
 * Turns a byte stream of PCM16 little-endian into samples, keeping an odd byte for the next
 * push; skips a WAV header at the start if there is one.
 */
export class Pcm16Decoder {
  #carry: number | undefined;
  #header: Uint8Array | undefined = new Uint8Array(0);
  /** The rate a WAV header declared, if the stream had one. */
  wavRate: number | undefined;

  push(bytes: Uint8Array): Int16Array {
    if (this.#header) {
      // The first bytes: raw PCM, or a WAV header to skip.
      const head = concatBytes(this.#header, bytes);
      if (head.length < 4) {
        this.#header = head;
        return new Int16Array(0);
      }
      if (String.fromCharCode(head[0]!, head[1]!, head[2]!, head[3]!) !== 'RIFF') {
        this.#header = undefined;
        return this.#samples(head);
      }
      const data = wavDataOffset(head);
      if (data === undefined) {
        if (head.length > MAX_WAV_HEADER) throw new Error('the audio starts with a WAV header that could not be read');
        this.#header = head;
        return new Int16Array(0);
      }
      this.wavRate = data.rate;
      this.#header = undefined;
      return this.#samples(head.subarray(data.offset));
    }
    return this.#samples(bytes);
  }

  /** Ends the stream: samples still held (a stream shorter than a WAV tag); an odd last byte is dropped. */
  flush(): Int16Array {
    const head = this.#header;
    this.#header = undefined;
    if (!head || head.length === 0 || String.fromCharCode(...head.subarray(0, 4)) === 'RIFF'.slice(0, head.length)) return new Int16Array(0);
    return this.#samples(head);
  }

  /** Bytes left over at the end of the stream (0 or 1: half a sample). */
  get pending(): number {
    return this.#carry === undefined ? (this.#header?.length ?? 0) : 1;
  }

  #samples(bytes: Uint8Array): Int16Array {
    let at = 0;
    const total = bytes.length + (this.#carry === undefined ? 0 : 1);
    const out = new Int16Array(total >> 1);
    let k = 0;
    if (this.#carry !== undefined && bytes.length > 0) {
      out[k++] = ((bytes[0]! << 8) | this.#carry) << 16 >> 16;
      this.#carry = undefined;
      at = 1;
    }
    for (; at + 1 < bytes.length; at += 2) out[k++] = ((bytes[at + 1]! << 8) | bytes[at]!) << 16 >> 16;
    if (at < bytes.length) this.#carry = bytes[at]!;
    return k === out.length ? out : out.subarray(0, k);
  }
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Where the samples of a WAV file start, and its rate, once the header is complete. */
function wavDataOffset(head: Uint8Array): { offset: number; rate: number } | undefined {
  if (head.length < 12) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let rate = 0;
  for (let at = 12; at + 8 <= head.length; ) {
    const id = String.fromCharCode(head[at]!, head[at + 1]!, head[at + 2]!, head[at + 3]!);
    const size = view.getUint32(at + 4, true);
    if (id === 'data') return { offset: at + 8, rate };
    if (id === 'fmt ') {
      if (at + 8 + 16 > head.length) return undefined;
      const format = view.getUint16(at + 8, true);
      const channels = view.getUint16(at + 10, true);
      const bits = view.getUint16(at + 22, true);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`the audio is a WAV file but not PCM16 mono (${channels} ch, ${bits} bit)`);
      rate = view.getUint32(at + 12, true);
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

export class OpenAiSpeechTts implements TtsEngine {
  readonly label: string;
  readonly capabilities: TtsCapabilities;
  readonly #options: OpenAiSpeechOptions;
  readonly #url: string;
  readonly #names: HttpEngineNames;
  readonly #voiceMap = new Map<string, string>();
  readonly #voices: Map<string, string> | undefined;

  constructor(options: OpenAiSpeechOptions) {
    this.#options = options;
    this.#url = audioSpeechUrl(options.baseUrl);
    this.#names = { server: 'speech server', broken: 'The speech stream from', url: this.#url };
    this.label = `openai-speech(${options.baseUrl}, ${options.model})`;
    const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
    if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 192_000) throw new Error(`sampleRate ${sampleRate} is not a PCM rate`);
    this.capabilities = {
      sampleRate,
      voices: options.voices ?? [],
      wordTimings: false,
      phonemeTimings: false,
      speed: options.speed ?? true,
    };
    for (const [name, voice] of Object.entries(options.voiceMap ?? {})) this.#voiceMap.set(name.toLowerCase(), voice);
    if (options.voices) this.#voices = new Map(options.voices.map((v) => [v.toLowerCase(), v]));
  }

  resolveVoice(voice: Voice): string {
    let name: string | undefined;
    if (typeof voice === 'string') name = voice;
    else if ('id' in voice) name = voice.id;
    else if ('name' in voice && typeof voice.name === 'string') name = voice.name;
    const trimmed = name?.trim();
    if (trimmed) {
      const mapped = this.#voiceMap.get(trimmed.toLowerCase());
      if (mapped !== undefined) return mapped;
      if (!this.#voices) return trimmed;
      const known = this.#voices.get(trimmed.toLowerCase());
      if (known !== undefined) return known;
    }
    const choices = [...new Set([...this.#voiceMap.keys(), ...(this.#options.voices ?? [])])];
    throw new ParleyError(
      'invalid_value',
      `Voice ${JSON.stringify(voice)} is not available with the ${this.label} speech engine.` +
        (choices.length > 0 ? ` Choose one of: ${choices.join(', ')}.` : ' Give a voice name.'),
      { param: 'voice' },
    );
  }

  async *synthesize(request: TtsRequest): AsyncIterable<TtsChunk> {
    request.signal.throwIfAborted();
    const voice = this.resolveVoice(request.voice);
    if (request.text.trim() === '') return;
    const timeout = new AbortController();
    // Aborted in `finally`: a consumer that stops early closes the request too.
    const done = new AbortController();
    const signal = AbortSignal.any([request.signal, timeout.signal, done.signal]);
    let timer: NodeJS.Timeout | undefined;
    let answered = false;
    const arm = (ms: number, what: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => timeout.abort(new ParleyError('engine_timeout', `The speech server at ${this.#url} ${what} within ${ms} ms.`)), ms);
    };
    try {
      arm(this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, 'did not answer');
      const response = await this.#post(request, voice, signal);
      answered = true;
      const idleMs = this.#options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
      arm(idleMs, 'sent nothing');
      const type = response.headers.get('content-type') ?? '';
      if (/json|text\//i.test(type)) {
        const text = (await response.text()).slice(0, ERROR_BODY_LIMIT);
        throw new ParleyError('engine_stream_error', `The speech server at ${this.#url} sent ${type} instead of audio: ${text}`);
      }
      const decoder = new Pcm16Decoder();
      const chunkSamples = Math.max(1, Math.round((this.capabilities.sampleRate * (this.#options.chunkMs ?? DEFAULT_CHUNK_MS)) / 1000));
      for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
        arm(idleMs, 'sent nothing');
        let samples: Int16Array;
        try {
          samples = decoder.push(bytes);
        } catch (error) {
          throw new ParleyError('engine_stream_error', `The speech server at ${this.#url} sent audio that could not be read: ${(error as Error).message}`);
        }
        if (decoder.wavRate !== undefined && decoder.wavRate !== this.capabilities.sampleRate) {
          throw new ParleyError(
            'engine_stream_error',
            `The speech server at ${this.#url} sent ${decoder.wavRate} Hz audio; set the engine's sampleRate to ${decoder.wavRate}.`,
          );
        }
        for (let at = 0; at < samples.length; at += chunkSamples) {
          // One network read can hold many chunks; none may reach a caller that already aborted.
          signal.throwIfAborted();
          yield { audio: samples.slice(at, at + chunkSamples), marks: [] };
        }
      }
      const tail = decoder.flush();
      if (tail.length > 0) {
        signal.throwIfAborted();
        yield { audio: tail, marks: [] };
      }
    } catch (err) {
      if (request.signal.aborted) throw request.signal.reason ?? err;
      if (timeout.signal.aborted) throw timeout.signal.reason;
      throw describeFetchFailure(err, answered, this.#names);
    } finally {
      clearTimeout(timer);
      done.abort(new Error('the synthesis is over'));
    }
  }

  async #post(request: TtsRequest, voice: string, signal: AbortSignal): Promise<Response> {
    const body: Record<string, unknown> = {
      model: this.#options.model,
      input: request.text,
      voice,
      response_format: 'pcm',
      ...this.#options.extraBody,
    };
    if (this.capabilities.speed && request.speed !== undefined && Number.isFinite(request.speed)) body.speed = Math.min(4, Math.max(0.25, request.speed));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#options.apiKey) headers.authorization = `Bearer ${this.#options.apiKey}`;
    const response = await fetch(this.#url, { method: 'POST', headers, body: JSON.stringify(body), signal });
    if (!response.ok) throw await httpError(response, this.#names);
    if (!response.body) throw new ParleyError('engine_stream_error', `The speech server at ${this.#url} sent no body.`);
    return response;
  }

}
