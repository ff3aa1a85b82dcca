/**
 * An agent of a realtime session: what it is told (instructions), what it can do (function
 * tools, MCP servers), who it can hand the conversation to, what it must not say (output
 * guardrails), and the voice it speaks with. Every agent of a session shares its connection;
 * a handoff swaps these on the live session.
 *
 * @example
 * const billing = new RealtimeAgent({ name: 'Billing', instructions: 'Answer billing questions.', tools: [refund] });
 * const triage = new RealtimeAgent({ name: 'Triage', instructions: 'Route the caller.', handoffs: [billing] });
 */
import type { RealtimeOutputGuardrail } from './guardrail.js';
import type { McpServerConfig } from './mcp-server.js';
import type { RealtimeContextData, RunContext } from './run-context.js';
import type { FunctionTool } from './tool.js';

export type AgentInstructions<TContext> =
  | string
  | ((runContext: RunContext<RealtimeContextData<TContext>>, agent: RealtimeAgent<TContext>) => string | Promise<string>);

export interface RealtimeAgentConfiguration<TContext = unknown> {
  name: string;
  /** A string, or a function of the context, resolved each time the agent takes over. */
  instructions?: AgentInstructions<TContext>;
  /** Shown to the agents that can hand off to this one, in their handoff tool's description. */
  handoffDescription?: string;
  tools?: FunctionTool<RealtimeContextData<TContext>>[];
  /** Agents this one can hand the conversation to (`transfer_to_<name>` tools). */
  handoffs?: RealtimeAgent<any>[];
  /** Checked on what this agent says, with the session's own guardrails. */
  outputGuardrails?: RealtimeOutputGuardrail<RealtimeContextData<TContext>>[];
  /** MCP servers whose tools the server runs for this agent. */
  mcpServers?: McpServerConfig[];
  /** The voice to speak with; default: the session's. */
  voice?: string;
}

export class RealtimeAgent<TContext = unknown> {
  readonly name: string;
  readonly instructions: AgentInstructions<TContext>;
  readonly handoffDescription: string;
  readonly tools: FunctionTool<RealtimeContextData<TContext>>[];
  /** Mutable, so that two agents can hand off to each other. */
  readonly handoffs: RealtimeAgent<any>[];
  readonly outputGuardrails: RealtimeOutputGuardrail<RealtimeContextData<TContext>>[];
  readonly mcpServers: McpServerConfig[];
  readonly voice: string | undefined;

  constructor(config: RealtimeAgentConfiguration<TContext>) {
    this.name = config.name;
    this.instructions = config.instructions ?? '';
    this.handoffDescription = config.handoffDescription ?? '';
    this.tools = [...(config.tools ?? [])];
    this.handoffs = [...(config.handoffs ?? [])];
    this.outputGuardrails = [...(config.outputGuardrails ?? [])];
    this.mcpServers = [...(config.mcpServers ?? [])];
    this.voice = config.voice;
  }

  async resolveInstructions(runContext: RunContext<RealtimeContextData<TContext>>): Promise<string> {
    return typeof this.instructions === 'function' ? await this.instructions(runContext, this) : this.instructions;
  }
}
