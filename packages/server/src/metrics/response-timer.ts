/**
 * The latency figures of one response, taken as it runs: each goes to the session's latency
 * histograms when it happens, and all of them into the "response done" log line at the end.
 * Every method is a clock read and a comparison or two: they sit on the response's path.
 */

/** Where a response's latencies go (the session's histograms). */
export interface LatencyObserver {
  llmFirstToken(ms: number): void;
  ttsFirstByte(ms: number): void;
  speechEndToFirstAudio(ms: number): void;
}

export class ResponseTimer {
  readonly #observer: LatencyObserver | null;
  readonly #startedAt = performance.now();
  /** performance.now() of the speech_stopped that caused this response, if one did. */
  readonly #speechEndedAt: number | null;
  /** When the LLM request in flight was made; null once its first token came. */
  #llmAskedAt: number | null = null;
  #firstTokenMs: number | null = null;
  #firstAudioMs: number | null = null;
  #speechToAudioMs: number | null = null;
  #ttsFirstByteMs: number | null = null;

  constructor(observer: LatencyObserver | null, speechEndedAt: number | null = null) {
    this.#observer = observer;
    this.#speechEndedAt = speechEndedAt;
  }

  /** A request to the LLM is made now (one per round of a response with tool calls). */
  llmAsked(): void {
    this.#llmAskedAt = performance.now();
  }

  /** A text or tool-call token came from the LLM. */
  llmToken(): void {
    if (this.#llmAskedAt === null) return;
    const ms = performance.now() - this.#llmAskedAt;
    this.#llmAskedAt = null;
    this.#firstTokenMs ??= ms;
    this.#observer?.llmFirstToken(ms);
  }

  /** The TTS engine's first audio for a clause came `ms` after the clause was given to it. */
  ttsFirstByte(ms: number): void {
    this.#ttsFirstByteMs ??= ms;
    this.#observer?.ttsFirstByte(ms);
  }

  /** An audio delta of this response is being sent. */
  audioSent(): void {
    if (this.#firstAudioMs !== null) return;
    const now = performance.now();
    this.#firstAudioMs = now - this.#startedAt;
    if (this.#speechEndedAt === null) return;
    this.#speechToAudioMs = now - this.#speechEndedAt;
    this.#observer?.speechEndToFirstAudio(this.#speechToAudioMs);
  }

  /** The figures for the log, in whole ms; those that did not happen are left out. */
  figures(): Record<string, number> {
    const figures: Record<string, number> = { duration_ms: Math.round(performance.now() - this.#startedAt) };
    const add = (name: string, ms: number | null) => {
      if (ms !== null) figures[name] = Math.round(ms);
    };
    add('llm_first_token_ms', this.#firstTokenMs);
    add('tts_first_byte_ms', this.#ttsFirstByteMs);
    add('first_audio_ms', this.#firstAudioMs);
    add('speech_end_to_first_audio_ms', this.#speechToAudioMs);
    return figures;
  }
}
