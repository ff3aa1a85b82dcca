/**
 * One utterance's transcription: read once from the STT engine as it runs, and replayed to the
 * session when the user item exists. Turn detection reads `text` (the current hypothesis) while
 * the user is still speaking; the session follows the events after the commit.
 */
import type { SttEvent, SttStream } from '../engines/stt/index.js';

export interface TranscriptionListener {
  event(event: SttEvent): void;
  error(error: unknown): void;
}

export class Transcription {
  /** The latest hypothesis, partial or final. */
  text = '';
  readonly #events: SttEvent[] = [];
  #error: { value: unknown } | null = null;
  #listener: TranscriptionListener | null = null;
  readonly #stream: SttStream;
  readonly #abort: AbortController;

  constructor(stream: SttStream, abort: AbortController) {
    this.#stream = stream;
    this.#abort = abort;
    void this.#pump();
  }

  write(pcm: Int16Array): void {
    this.#stream.write(pcm);
  }

  /** No more audio: the final transcript follows. */
  end(): void {
    this.#stream.end();
  }

  /** Stops the engine; nothing more reaches the listener. */
  abort(): void {
    this.#listener = null;
    this.#abort.abort(new Error('transcription abandoned'));
  }

  /** Replays the events so far to `listener`, then forwards the rest. One listener. */
  follow(listener: TranscriptionListener): void {
    this.#listener = listener;
    for (const event of this.#events) listener.event(event);
    if (this.#error) listener.error(this.#error.value);
  }

  async #pump(): Promise<void> {
    try {
      for await (const event of this.#stream) {
        this.text = event.text;
        this.#events.push(event);
        this.#listener?.event(event);
      }
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      this.#error = { value: error };
      this.#listener?.error(error);
    }
  }
}
