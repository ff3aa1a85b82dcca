/** What the live session is set to while an agent is speaking: its instructions, tools and voice. */
import type { SessionPatch, Tool } from '@parley/protocol';
import { handoffToolDefinition } from './handoff.js';
import { mcpToolConfig } from './mcp-server.js';
import type { RealtimeAgent } from './realtime-agent.js';
import type { RealtimeContextData, RunContext } from './run-context.js';

export function agentTools(agent: RealtimeAgent<any>): Tool[] {
  return [
    ...agent.tools.map((tool): Tool => ({ type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters })),
    ...agent.handoffs.map(handoffToolDefinition),
    ...agent.mcpServers.map(mcpToolConfig),
  ];
}

export async function agentSessionPatch<TContext>(agent: RealtimeAgent<TContext>, runContext: RunContext<RealtimeContextData<TContext>>): Promise<SessionPatch> {
  return {
    instructions: await agent.resolveInstructions(runContext),
    tools: agentTools(agent),
    ...(agent.voice !== undefined ? { audio: { output: { voice: agent.voice } } } : {}),
  };
}
