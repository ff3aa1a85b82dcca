/**
 * What every hook, tool and guardrail of a session is given: the application's own context
 * object — with the session's history put on it as `history` — and the tokens used so far.
 */
import type { RealtimeItem } from './items.js';

/** The application's context with the session's current history on it. */
export type RealtimeContextData<TContext = unknown> = TContext & { history: RealtimeItem[] };

export interface Usage {
  /** Responses that reported usage. */
  requests: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export class RunContext<TContext = unknown> {
  context: TContext;
  readonly usage: Usage = { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 };

  constructor(context: TContext) {
    this.context = context;
  }
}
