/**
 * Type assertions on the public API, checked by ../types.test.ts with the TypeScript compiler
 * (a type error here fails the test; so does an `@ts-expect-error` that no longer errs). The
 * event map is checked against the seed's argument tuples, one by one.
 */
import type { RealtimeSessionEventTypes as OpenAiSessionEventTypes } from '@openai/agents-realtime';
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import {
  RealtimeAgent,
  RealtimeSession,
  tool,
  type FunctionTool,
  type OutputGuardrailTripwireTriggered,
  type RealtimeContextData,
  type RealtimeGuardrailMetadata,
  type RealtimeItem,
  type RealtimeMcpApprovalRequest,
  type RealtimeMcpCallItem,
  type RealtimeMcpToolInfo,
  type RealtimeSessionError,
  type RealtimeSessionEventTypes,
  type RealtimeToolApprovalRequest,
  type RunContext,
  type TransportEvent,
  type TransportLayerAudio,
} from '../../src/index.js';

interface AppContext {
  userId: string;
}
type Events = RealtimeSessionEventTypes<AppContext>;
type Context = RunContext<RealtimeContextData<AppContext>>;
type Agent = RealtimeAgent<AppContext>;
type Tool = FunctionTool<RealtimeContextData<AppContext>>;

// Exactly the seed's seventeen events — and the same names as the OpenAI Agents SDK's session.
expectTypeOf<keyof Events>().toEqualTypeOf<
  | 'agent_start'
  | 'agent_end'
  | 'agent_handoff'
  | 'agent_tool_start'
  | 'agent_tool_end'
  | 'audio'
  | 'audio_interrupted'
  | 'audio_start'
  | 'audio_stopped'
  | 'error'
  | 'guardrail_tripped'
  | 'history_added'
  | 'history_updated'
  | 'mcp_tool_call_completed'
  | 'mcp_tools_changed'
  | 'tool_approval_requested'
  | 'transport_event'
>();
expectTypeOf<keyof Events>().toEqualTypeOf<keyof OpenAiSessionEventTypes>();

// The seed's argument tuples.
expectTypeOf<Events['agent_start']>().toEqualTypeOf<[Context, Agent]>();
expectTypeOf<Events['agent_end']>().toEqualTypeOf<[Context, Agent, string]>();
expectTypeOf<Events['agent_handoff']>().toEqualTypeOf<[Context, Agent, Agent]>();
expectTypeOf<Events['agent_tool_start']['length']>().toEqualTypeOf<4>();
expectTypeOf<Events['agent_tool_start'][0]>().toEqualTypeOf<Context>();
expectTypeOf<Events['agent_tool_start'][1]>().toEqualTypeOf<Agent>();
expectTypeOf<Events['agent_tool_start'][2]>().toEqualTypeOf<Tool>();
expectTypeOf<Events['agent_tool_start'][3]>().toExtend<object>();
expectTypeOf<Events['agent_tool_end']['length']>().toEqualTypeOf<5>();
expectTypeOf<Events['agent_tool_end'][2]>().toEqualTypeOf<Tool>();
expectTypeOf<Events['agent_tool_end'][3]>().toEqualTypeOf<string>();
expectTypeOf<Events['agent_tool_end'][4]>().toExtend<object>();
expectTypeOf<Events['audio']>().toEqualTypeOf<[TransportLayerAudio]>();
expectTypeOf<Events['audio_interrupted']>().toEqualTypeOf<[Context, Agent]>();
expectTypeOf<Events['audio_start']>().toEqualTypeOf<[Context, Agent]>();
expectTypeOf<Events['audio_stopped']>().toEqualTypeOf<[Context, Agent]>();
expectTypeOf<Events['error']>().toEqualTypeOf<[RealtimeSessionError]>();
expectTypeOf<Events['guardrail_tripped']['length']>().toEqualTypeOf<4>();
expectTypeOf<Events['guardrail_tripped'][2]>().toEqualTypeOf<OutputGuardrailTripwireTriggered<RealtimeGuardrailMetadata>>();
expectTypeOf<Events['guardrail_tripped'][3]>().toExtend<object>();
expectTypeOf<Events['history_added']>().toEqualTypeOf<[RealtimeItem]>();
expectTypeOf<Events['history_updated']>().toEqualTypeOf<[RealtimeItem[]]>();
expectTypeOf<Events['mcp_tool_call_completed']>().toEqualTypeOf<[Context, Agent, RealtimeMcpCallItem]>();
expectTypeOf<Events['mcp_tools_changed']>().toEqualTypeOf<[RealtimeMcpToolInfo[]]>();
expectTypeOf<Events['tool_approval_requested']>().toEqualTypeOf<[Context, Agent, RealtimeToolApprovalRequest<AppContext> | RealtimeMcpApprovalRequest]>();
expectTypeOf<Events['transport_event']>().toEqualTypeOf<[TransportEvent]>();

// The shapes listeners rely on.
expectTypeOf<TransportLayerAudio['data']>().toEqualTypeOf<ArrayBuffer>();
expectTypeOf<RealtimeSessionError['type']>().toEqualTypeOf<'error'>();
expectTypeOf<Events['guardrail_tripped'][3]>().toEqualTypeOf<{ itemId: string }>();
expectTypeOf<RealtimeMcpCallItem['output']>().toEqualTypeOf<string | null>();

declare const session: RealtimeSession<AppContext>;

session.on('agent_end', (context, agent, output) => {
  expectTypeOf(context.context.userId).toEqualTypeOf<string>();
  expectTypeOf(context.context.history).toEqualTypeOf<RealtimeItem[]>();
  expectTypeOf(agent.name).toEqualTypeOf<string>();
  expectTypeOf(output).toEqualTypeOf<string>();
});
session.on('tool_approval_requested', (_context, _agent, request) => {
  if (request.type === 'function_approval') expectTypeOf(request.tool).toEqualTypeOf<Tool>();
  void session.approve(request.approvalItem);
});
session.on('transport_event', (event) => {
  if (event.type === 'response.output_audio_transcript.delta') expectTypeOf(event.delta).toEqualTypeOf<string>();
});
session.on('history_updated', (history) => {
  const item = history[0];
  if (item?.type === 'function_call') expectTypeOf(item.output).toEqualTypeOf<string | null>();
});
expectTypeOf(session.on('audio', () => {})).toEqualTypeOf<() => void>();
expectTypeOf(session.history).toEqualTypeOf<RealtimeItem[]>();

// Tools: execute gets the schema's output type.
tool({
  name: 'get_weather',
  description: 'Weather.',
  parameters: z.object({ city: z.string(), days: z.number().default(1) }),
  execute: (input) => {
    expectTypeOf(input).toEqualTypeOf<{ city: string; days: number }>();
    return input.city;
  },
});

// @ts-expect-error — not an event of the session (a transport event name)
session.on('response.done', () => {});
// @ts-expect-error — agent_start has two arguments, not three
session.on('agent_start', (_context, _agent, _turn: string) => {});
// @ts-expect-error — history_added gives one item, not the history
session.on('history_added', (item: RealtimeItem[]) => void item);
tool({
  name: 'typed',
  description: 'Typed.',
  parameters: z.object({ city: z.string() }),
  // @ts-expect-error — the input is the schema's type; `city` is a string
  execute: (input: { city: number }) => input.city,
});
