/** Records every event a session emits, in order, for tests to read. */
import type { RealtimeSession, RealtimeSessionEventTypes } from '@parley/agents';

export const SEED_EVENTS = [
  'agent_start',
  'agent_end',
  'agent_handoff',
  'agent_tool_start',
  'agent_tool_end',
  'audio',
  'audio_interrupted',
  'audio_start',
  'audio_stopped',
  'error',
  'guardrail_tripped',
  'history_added',
  'history_updated',
  'mcp_tool_call_completed',
  'mcp_tools_changed',
  'tool_approval_requested',
  'transport_event',
] as const satisfies readonly (keyof RealtimeSessionEventTypes)[];

export type SeedEvent = (typeof SEED_EVENTS)[number];

export interface Recorded {
  type: SeedEvent;
  args: unknown[];
}

export interface Recording {
  all: Recorded[];
  /** The arguments of every `type` event, in order. */
  of<K extends SeedEvent>(type: K): RealtimeSessionEventTypes<any>[K][];
  /** The event names in order, without the chatty ones (audio, history, transport). */
  story(): string[];
}

const CHATTY = new Set<SeedEvent>(['audio', 'history_added', 'history_updated', 'transport_event']);

export function record(session: RealtimeSession<any>): Recording {
  const all: Recorded[] = [];
  for (const type of SEED_EVENTS) session.on(type, (...args: unknown[]) => all.push({ type, args }));
  return {
    all,
    of: (type) => all.filter((event) => event.type === type).map((event) => event.args as never),
    story: () => all.filter((event) => !CHATTY.has(event.type)).map((event) => event.type),
  };
}

export { eventually, settle } from '../../../server/test/clients/helpers.js';
