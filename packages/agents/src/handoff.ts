/**
 * Handoffs: each agent an agent can hand the conversation to is a function tool the model can
 * call, `transfer_to_<agent name>`. The session answers such a call itself, by switching agents.
 */
import type { FunctionTool as WireFunctionTool } from '@parley/protocol';
import type { RealtimeAgent } from './realtime-agent.js';

const MAX_TOOL_NAME = 64;

/** `Billing Agent` → `transfer_to_billing_agent`. */
export function handoffToolName(agent: RealtimeAgent<any>): string {
  const snake = agent.name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return `transfer_to_${snake || 'agent'}`.slice(0, MAX_TOOL_NAME);
}

export function handoffToolDefinition(agent: RealtimeAgent<any>): WireFunctionTool {
  const about = agent.handoffDescription ? ` ${agent.handoffDescription}` : '';
  return {
    type: 'function',
    name: handoffToolName(agent),
    description: `Handoff to the ${agent.name} agent to handle the request.${about}`,
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  };
}

/** The output of the handoff call: who answers from now on. */
export function transferMessage(agent: RealtimeAgent<any>): string {
  return JSON.stringify({ assistant: agent.name });
}
