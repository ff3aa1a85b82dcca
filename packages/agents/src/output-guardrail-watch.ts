/**
 * The output guardrails watching each answer: run on the text (or transcript) as it streams,
 * every `debounceTextLength` characters, and once more on the whole answer unless the last run
 * saw it whole. A run that trips reports once per response; runs still going when the server
 * session is replaced (a reconnect) report nothing.
 */
import { firstTripped, type OutputGuardrailResult, type RealtimeGuardrailMetadata, type RealtimeOutputGuardrail } from './guardrail.js';
import { GuardrailText } from './guardrail-text.js';
import type { ResponseTurn } from './response-turn.js';
import type { RealtimeContextData, RunContext } from './run-context.js';

export interface GuardrailWatchOptions<TContext> {
  /** The session's own guardrails; each agent's are added to them. */
  guardrails: readonly RealtimeOutputGuardrail<RealtimeContextData<TContext>>[];
  debounceTextLength: number;
  context: RunContext<RealtimeContextData<TContext>>;
  tripped(turn: ResponseTurn<TContext>, itemId: string, result: OutputGuardrailResult<RealtimeGuardrailMetadata>, audio: boolean): void;
  failed(error: unknown): void;
}

export class OutputGuardrailWatch<TContext> {
  readonly #options: GuardrailWatchOptions<TContext>;
  readonly #text: GuardrailText;
  #generation = 0;

  constructor(options: GuardrailWatchOptions<TContext>) {
    this.#options = options;
    this.#text = new GuardrailText(options.debounceTextLength);
  }

  /** The answer's item `itemId` grew by `delta`. */
  grew(turn: ResponseTurn<TContext>, itemId: string, delta: string, audio: boolean): void {
    const text = this.#text.add(turn.id, itemId, delta);
    if (text !== undefined) this.#check(turn, itemId, text, audio);
  }

  /** The response ended; `text` is its last message's whole text. */
  ended(turn: ResponseTurn<TContext>, itemId: string, text: string, audio: boolean): void {
    if (text && this.#text.needsFinalCheck(itemId, text)) this.#check(turn, itemId, text, audio);
    this.#text.forget(turn.id);
  }

  reset(): void {
    this.#generation++;
    this.#text.clear();
  }

  #check(turn: ResponseTurn<TContext>, itemId: string, text: string, audio: boolean): void {
    const guardrails = [...this.#options.guardrails, ...turn.agent.outputGuardrails];
    if (guardrails.length === 0 || turn.guardrailTripped) return;
    const generation = this.#generation;
    firstTripped(guardrails, { agent: turn.agent, agentOutput: text, context: this.#options.context }).then(
      (result) => {
        if (!result || generation !== this.#generation || turn.guardrailTripped) return;
        turn.guardrailTripped = true;
        this.#options.tripped(turn, itemId, result, audio);
      },
      (error: unknown) => this.#options.failed(error),
    );
  }
}
