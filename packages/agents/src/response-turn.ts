/** One response of the model, as the session follows it: whose it is, its audio, its tool calls. */
import type { ResponseStatus } from '@parley/protocol';
import type { RealtimeAgent } from './realtime-agent.js';

export class ResponseTurn<TContext> {
  readonly id: string;
  /** The agent that was current when the response began: it answers for the whole response. */
  readonly agent: RealtimeAgent<TContext>;
  audioStarted = false;
  audioStopped = false;
  guardrailTripped = false;
  cancelRequested = false;
  status: ResponseStatus | null = null;
  /** Function calls of this response whose output has not been sent yet. */
  readonly pendingCalls = new Set<string>();
  /** The response called a function tool: the model must be asked to go on with the outputs. */
  callsToAnswer = false;

  constructor(id: string, agent: RealtimeAgent<TContext>) {
    this.id = id;
    this.agent = agent;
  }

  get done(): boolean {
    return this.status !== null;
  }

  /**
   * Every output is sent and the response ended normally: time for the response that answers
   * them. A cut-off response (the user spoke, a guardrail tripped) gets none; the turn moved on.
   */
  get followUpDue(): boolean {
    return this.callsToAnswer && this.status === 'completed' && this.pendingCalls.size === 0 && !this.guardrailTripped;
  }
}
