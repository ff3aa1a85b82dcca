/**
 * An LLM engine that tries engines in order: when one fails before it has produced anything (it
 * is unreachable, answers with an error, times out), the next takes the same request, and the
 * user is told through `onNotice`. Once an engine has streamed output, its failure is the
 * response's failure: switching then would repeat or contradict what was already said.
 */
import { isParleyError } from '@parley/protocol';
import type { LlmEngine, LlmEvent, LlmRequest } from './index.js';

export class FallbackLlm implements LlmEngine {
  readonly label: string;
  readonly capabilities;
  readonly #engines: readonly LlmEngine[];

  /** The smallest window of the chain: whichever engine answers, the context must fit it. */
  get contextTokens(): number | undefined {
    const known = this.#engines.map((e) => e.contextTokens).filter((n): n is number => n !== undefined);
    return known.length > 0 ? Math.min(...known) : undefined;
  }

  constructor(engines: readonly LlmEngine[]) {
    if (engines.length === 0) throw new TypeError('FallbackLlm needs at least one engine');
    this.#engines = engines;
    this.label = engines.map((e) => e.label).join(' → ');
    // Offer what every engine can do: a tool the fallback cannot call must not be offered by the first.
    this.capabilities = {
      tools: engines.every((e) => e.capabilities.tools),
      images: engines.every((e) => e.capabilities.images),
    };
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    for (const [i, engine] of this.#engines.entries()) {
      const next = this.#engines[i + 1];
      let produced = false;
      try {
        for await (const event of engine.stream(request)) {
          produced = true;
          yield event;
        }
        return;
      } catch (err) {
        if (produced || !next || request.signal.aborted || !isParleyError(err)) throw err;
        request.onNotice?.({
          code: 'llm_fallback',
          message: `The language model ${engine.label} failed (${err.code}: ${err.message}); ${next.label} answers instead.`,
        });
      }
    }
  }
}
