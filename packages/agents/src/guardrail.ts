/**
 * Output guardrails: checks on what the agent says, run on the transcript (or text) as it
 * streams. A guardrail that trips cuts the answer off where it is, and the model is told why
 * so it can answer again within policy.
 *
 * @example
 * const noSecrets: RealtimeOutputGuardrail = {
 *   name: 'no_secrets',
 *   policyHint: 'Never reveal the launch code.',
 *   execute: ({ agentOutput }) => ({ tripwireTriggered: agentOutput.includes('1234'), outputInfo: { found: '1234' } }),
 * };
 */
import { AgentsError } from './errors.js';
import type { RealtimeAgent } from './realtime-agent.js';
import type { RunContext } from './run-context.js';

export interface GuardrailFunctionOutput {
  /** True stops the answer. */
  tripwireTriggered: boolean;
  /** What the guardrail found; shown to the model (as JSON) when it trips. */
  outputInfo?: unknown;
}

export interface OutputGuardrailFunctionArgs<TContext = unknown> {
  /** The agent that is speaking. */
  agent: RealtimeAgent<any>;
  /** The answer so far: the whole item's text or transcript up to now. */
  agentOutput: string;
  context: RunContext<TContext>;
}

export interface RealtimeOutputGuardrail<TContext = unknown> {
  name: string;
  /** Told to the model when this guardrail trips; default: the guardrail's name. */
  policyHint?: string;
  execute(args: OutputGuardrailFunctionArgs<TContext>): GuardrailFunctionOutput | Promise<GuardrailFunctionOutput>;
}

export interface OutputGuardrailMetadata {
  type: 'output';
  name: string;
}

export interface RealtimeGuardrailMetadata extends OutputGuardrailMetadata {
  policyHint?: string;
}

export interface OutputGuardrailResult<TMeta = OutputGuardrailMetadata> {
  guardrail: TMeta;
  agentOutput: string;
  agent: RealtimeAgent<any>;
  output: GuardrailFunctionOutput;
}

export interface RealtimeOutputGuardrailSettings {
  /**
   * Run the guardrails each time the answer has grown by this many characters (and once more
   * on the whole answer). -1: only on the whole answer. Default 100.
   */
  debounceTextLength: number;
}

export const DEFAULT_GUARDRAIL_SETTINGS: RealtimeOutputGuardrailSettings = { debounceTextLength: 100 };

export class OutputGuardrailTripwireTriggered<TMeta extends OutputGuardrailMetadata = OutputGuardrailMetadata> extends AgentsError {
  readonly result: OutputGuardrailResult<TMeta>;

  constructor(message: string, result: OutputGuardrailResult<TMeta>) {
    super(message);
    this.result = result;
  }
}

export function formatOutputInfo(outputInfo: unknown): string {
  try {
    return JSON.stringify(outputInfo ?? {}) ?? String(outputInfo);
  } catch {
    return String(outputInfo);
  }
}

/** Runs every guardrail on `agentOutput`; the first that trips, or none. */
export async function firstTripped<TContext>(
  guardrails: readonly RealtimeOutputGuardrail<TContext>[],
  args: OutputGuardrailFunctionArgs<TContext>,
): Promise<OutputGuardrailResult<RealtimeGuardrailMetadata> | undefined> {
  const results = await Promise.all(
    guardrails.map(async (guardrail) => ({
      guardrail: { type: 'output' as const, name: guardrail.name, policyHint: guardrail.policyHint ?? guardrail.name },
      agentOutput: args.agentOutput,
      agent: args.agent,
      output: await guardrail.execute(args),
    })),
  );
  return results.find((result) => result.output.tripwireTriggered);
}

/** What the model is told after a trip: the user's side of the conversation, as the OpenAI Agents SDK does it. */
export function guardrailFeedbackMessage(result: OutputGuardrailResult<RealtimeGuardrailMetadata>): string {
  return [
    '⚠️ Your last answer was blocked.',
    `Failed Guardrail Reason: ${result.guardrail.policyHint ?? result.guardrail.name}.`,
    `Failure Details: ${formatOutputInfo(result.output.outputInfo)}.`,
    'Please respond again following policy. Apologize for not being able to answer the question (while avoiding the specific reason) and divert discussion back to an approved topic immediately and not invite more discussion.',
  ].join('\n');
}
