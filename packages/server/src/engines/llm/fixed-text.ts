/**
 * An engine that says a given text instead of asking a model: used for Voice Live's
 * `pre_generated_assistant_message`, whose text must be delivered as a normal response.
 */
import type { LlmEngine, LlmEvent, LlmRequest } from './index.js';

export class FixedTextLlm implements LlmEngine {
  readonly label = 'fixed-text';
  readonly capabilities = { tools: false, images: false };

  constructor(readonly text: string) {}

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    if (request.signal.aborted) return;
    if (this.text) yield { type: 'text_delta', delta: this.text };
    yield { type: 'finish', reason: 'stop', usage: { input_tokens: 0, output_tokens: 0 } };
  }
}
