/**
 * Stands in for a language model that could not be loaded (a model file missing on a machine
 * with no internet, say). The server still starts, and a user who talks to it is never met with
 * silence: every response speaks a short notice saying what is missing, and the client also gets
 * an `error` event with the full reason and the fix.
 */
import type { LlmEngine, LlmEvent, LlmRequest } from './index.js';

export class UnavailableLlm implements LlmEngine {
  readonly label: string;
  readonly capabilities = { tools: false, images: false };
  /** What is missing and how to fix it, for logs and the `error` event. */
  readonly reason: string;
  /** What is said to the user: short, speakable, no paths. */
  readonly spoken: string;

  constructor(label: string, reason: string, spoken = 'Sorry, my language model is not installed on this server yet, so I cannot answer. Please ask the person who runs it to check its log.') {
    this.label = `unavailable(${label})`;
    this.reason = reason;
    this.spoken = spoken;
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    request.onNotice?.({ code: 'engine_unavailable', message: this.reason, level: 'error' });
    yield { type: 'text_delta', delta: this.spoken };
    yield { type: 'finish', reason: 'stop' };
  }
}
