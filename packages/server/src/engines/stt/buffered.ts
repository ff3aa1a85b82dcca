/**
 * The `SttStream` of engines that transcribe a whole utterance at once (an HTTP transcription
 * API, whisper.cpp): `write()` only buffers; `end()` hands the utterance to the engine's
 * `decode`, whose result becomes the stream's one event, the `final`. No partials.
 *
 * Aborting the stream's signal makes the iteration throw the signal's reason at once and aborts
 * the signal `decode` was given; so does a reader that leaves the iteration early (with its own
 * reason), so an HTTP request is closed either way.
 */
import { concatInt16 } from '../../audio/pcm.js';
import { listenForAbort } from '../abort-listener.js';
import type { SttEvent, SttFinal, SttStream, SttWord } from './index.js';

export interface UtteranceTranscript {
  text: string;
  words?: SttWord[];
  confidence?: number;
}

/** Transcribes one whole utterance (PCM16 mono at the engine's rate; may be empty). */
export type DecodeUtterance = (pcm: Int16Array, signal: AbortSignal) => Promise<UtteranceTranscript>;

export class BufferedSttStream implements SttStream {
  readonly #sampleRate: number;
  readonly #decode: DecodeUtterance;
  /** Aborted when the stream stops for any reason: the caller's signal, a failure, an early leave. */
  readonly #stop = new AbortController();
  #parts: Int16Array[] = [];
  #written = 0;
  #ended = false;
  #final: SttFinal | null = null;
  #failure: { reason: unknown } | null = null;
  #closed = false;
  #notify: (() => void) | null = null;
  #iterated = false;
  /** A no-op until the constructor listens: a signal already aborted fails the stream before that. */
  #unlisten: () => void = () => {};

  /** `signal` aborts the stream: the iteration throws its reason, and `decode`'s signal aborts. */
  constructor(signal: AbortSignal, sampleRate: number, decode: DecodeUtterance) {
    this.#sampleRate = sampleRate;
    this.#decode = decode;
    this.#unlisten = listenForAbort(signal, () => this.fail(signal.reason));
  }

  write(pcm: Int16Array): void {
    if (this.#ended) throw new Error('SttStream.write() after end()');
    if (this.#closed || pcm.length === 0) return;
    this.#parts.push(pcm.slice());
    this.#written += pcm.length;
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#closed) return;
    const pcm = concatInt16(this.#parts);
    this.#parts = [];
    void this.#run(pcm);
  }

  /** Ends the iteration with an error (the first one wins) and stops the decoding. */
  fail(reason: unknown): void {
    if (this.#closed) return;
    this.#failure = { reason };
    this.#parts = [];
    this.#close();
    this.#stop.abort(reason);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SttEvent> {
    if (this.#iterated) throw new Error('An SttStream can be iterated only once.');
    this.#iterated = true;
    try {
      while (!this.#closed) await new Promise<void>((resolve) => (this.#notify = resolve));
      if (this.#failure) throw this.#failure.reason;
      if (this.#final) yield this.#final;
    } finally {
      // The reader left early (break, return, throw): nobody wants the transcript, so stop.
      if (!this.#closed) this.fail(new Error('The SttStream was left before it finished.'));
    }
  }

  async #run(pcm: Int16Array): Promise<void> {
    const signal = this.#stop.signal;
    try {
      const result = await this.#decode(pcm, signal);
      if (this.#closed) return;
      const text = result.text;
      const final: SttFinal = { type: 'final', text, delta: text, audioMs: (this.#written * 1000) / this.#sampleRate };
      if (result.words) final.words = result.words;
      if (result.confidence !== undefined) final.confidence = result.confidence;
      this.#final = final;
      this.#close();
    } catch (err) {
      this.fail(signal.aborted ? signal.reason : err);
    }
  }

  #close(): void {
    this.#closed = true;
    this.#unlisten();
    const notify = this.#notify;
    this.#notify = null;
    notify?.();
  }
}
