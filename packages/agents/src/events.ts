/**
 * What a `RealtimeSession` emits: event name → listener arguments. Exactly the event set of the
 * OpenAI Agents SDK's realtime session, with its argument tuples, so listeners written for it
 * read the same here.
 */
import type { ServerEvent } from '@parley/protocol';
import type { RealtimeMcpApprovalRequest, RealtimeToolApprovalRequest } from './approval.js';
import type { OutputGuardrailTripwireTriggered, RealtimeGuardrailMetadata } from './guardrail.js';
import type { RealtimeItem, RealtimeMcpCallItem } from './items.js';
import type { RealtimeMcpToolInfo } from './mcp-server.js';
import type { RealtimeAgent } from './realtime-agent.js';
import type { RealtimeContextData, RunContext } from './run-context.js';
import type { FunctionCallDetails, FunctionTool } from './tool.js';

/** A server event as the client decoded it: canonical (GA) name and shape in every dialect. */
export type TransportEvent = ServerEvent;

/** A piece of the answer's audio, for playback: PCM16 (or G.711) in the session's output format. */
export interface TransportLayerAudio {
  type: 'audio';
  data: ArrayBuffer;
  responseId: string;
  /** The assistant item it belongs to: what `session.interrupt()` truncates. */
  itemId: string;
  contentIndex: number;
}

export interface RealtimeSessionError {
  type: 'error';
  /** A server's `error` event detail (`{ type, code, message, param, event_id }`), or an Error. */
  error: unknown;
}

type Context<TContext> = RunContext<RealtimeContextData<TContext>>;

export type RealtimeSessionEventTypes<TContext = unknown> = {
  /** A response of `agent` began. */
  agent_start: [context: Context<TContext>, agent: RealtimeAgent<TContext>];
  /** A response of `agent` ended; `output` is its last message's text or transcript. */
  agent_end: [context: Context<TContext>, agent: RealtimeAgent<TContext>, output: string];
  /** The conversation passed from one agent to another. */
  agent_handoff: [context: Context<TContext>, fromAgent: RealtimeAgent<TContext>, toAgent: RealtimeAgent<TContext>];
  /** A function tool is about to run (or refused the model's arguments, see `agent_tool_end`). */
  agent_tool_start: [context: Context<TContext>, agent: RealtimeAgent<TContext>, tool: FunctionTool<RealtimeContextData<TContext>>, details: { toolCall: FunctionCallDetails }];
  /** A function tool finished; `result` is what the model is told. */
  agent_tool_end: [
    context: Context<TContext>,
    agent: RealtimeAgent<TContext>,
    tool: FunctionTool<RealtimeContextData<TContext>>,
    result: string,
    details: { toolCall: FunctionCallDetails },
  ];
  /** Audio to play. */
  audio: [event: TransportLayerAudio];
  /** The answer was cut off (the user spoke, `interrupt()`, or a guardrail): stop playback now. */
  audio_interrupted: [context: Context<TContext>, agent: RealtimeAgent<TContext>];
  /** The first audio of a response. */
  audio_start: [context: Context<TContext>, agent: RealtimeAgent<TContext>];
  /** A response's audio ended (generated, not necessarily played). */
  audio_stopped: [context: Context<TContext>, agent: RealtimeAgent<TContext>];
  error: [error: RealtimeSessionError];
  /** An output guardrail tripped on the item `details.itemId`. */
  guardrail_tripped: [
    context: Context<TContext>,
    agent: RealtimeAgent<TContext>,
    error: OutputGuardrailTripwireTriggered<RealtimeGuardrailMetadata>,
    details: { itemId: string },
  ];
  /** A new history item; its transcript or output may still be on the way. */
  history_added: [item: RealtimeItem];
  /** The whole history, after any change. */
  history_updated: [history: RealtimeItem[]];
  /** An MCP call ran on the server (`output`, or `error` when it failed). */
  mcp_tool_call_completed: [context: Context<TContext>, agent: RealtimeAgent<TContext>, toolCall: RealtimeMcpCallItem];
  /** The MCP tools the current agent can use changed (a listing arrived, or a handoff). */
  mcp_tools_changed: [tools: RealtimeMcpToolInfo[]];
  /** A call waits for `session.approve(request.approvalItem)` or `session.reject(…)`. */
  tool_approval_requested: [context: Context<TContext>, agent: RealtimeAgent<TContext>, approvalRequest: RealtimeToolApprovalRequest<TContext> | RealtimeMcpApprovalRequest];
  /** Every server event, before the session acts on it. */
  transport_event: [event: TransportEvent];
};

export type RealtimeSessionEventName = keyof RealtimeSessionEventTypes;
