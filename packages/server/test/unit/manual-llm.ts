/**
 * An LLM engine the test drives by hand: each `stream()` call opens a stream the test feeds
 * (`push`, `finish`, `fail`). Aborting the request's signal fails the stream with the abort
 * reason, as a real HTTP engine does, and is recorded.
 */
import type { LlmEngine, LlmEvent, LlmFinishReason, LlmRequest, LlmUsage } from '../../src/engines/llm/index.js';

export class ManualStream implements AsyncIterable<LlmEvent> {
  readonly #queue: LlmEvent[] = [];
  #wake: (() => void) | null = null;
  #ended = false;
  #error: unknown = undefined;
  aborted = false;

  constructor(readonly request: LlmRequest) {
    request.signal.addEventListener(
      'abort',
      () => {
        this.aborted = true;
        this.fail(request.signal.reason ?? new Error('aborted'));
      },
      { once: true },
    );
  }

  push(...events: LlmEvent[]): this {
    this.#queue.push(...events);
    this.#notify();
    return this;
  }

  text(...deltas: string[]): this {
    return this.push(...deltas.map((delta) => ({ type: 'text_delta' as const, delta })));
  }

  finish(reason: LlmFinishReason = 'stop', usage?: LlmUsage): void {
    this.push({ type: 'finish', reason, usage });
    this.#ended = true;
    this.#notify();
  }

  fail(error: unknown): void {
    if (this.#error === undefined) this.#error = error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<LlmEvent> {
    return {
      next: async () => {
        for (;;) {
          const event = this.#queue.shift();
          if (event) return { value: event, done: false };
          if (this.#error !== undefined) throw this.#error;
          if (this.#ended) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (this.#wake = resolve));
        }
      },
    };
  }
}

export class ManualLlm implements LlmEngine {
  readonly label = 'manual';
  readonly capabilities = { tools: true, images: false };
  readonly streams: ManualStream[] = [];

  stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    const stream = new ManualStream(request);
    this.streams.push(stream);
    return stream;
  }

  /** The `n`th stream opened (0-based). */
  at(n: number): ManualStream {
    const stream = this.streams[n];
    if (!stream) throw new Error(`no stream ${n} yet (${this.streams.length} opened)`);
    return stream;
  }
}

/** Lets queued microtasks and I/O callbacks run, so a fed stream reaches the events. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
