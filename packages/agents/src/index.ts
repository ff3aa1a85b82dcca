/**
 * @parley/agents — voice agents over a realtime connection (Parley, the OpenAI Realtime API,
 * Azure Voice Live): `RealtimeAgent`s with function tools, handoffs, output guardrails and MCP
 * servers, run by a `RealtimeSession` that emits the event set of the OpenAI Agents SDK's
 * realtime session; and a scripted server for testing agents offline.
 */
export { RealtimeAgent, type AgentInstructions, type RealtimeAgentConfiguration } from './realtime-agent.js';
export {
  RealtimeSession,
  type InterruptOptions,
  type RealtimeSessionConnectOptions,
  type RealtimeSessionOptions,
} from './realtime-session.js';
export type { RealtimeSessionEventName, RealtimeSessionEventTypes, RealtimeSessionError, TransportEvent, TransportLayerAudio } from './events.js';
export { tool, type FunctionCallDetails, type FunctionTool, type ParsedArguments, type ToolCallDetails, type ToolOptions, type ToolParameters } from './tool.js';
export { handoffToolName } from './handoff.js';
export { mcpToolConfig, type McpServerConfig, type RealtimeMcpToolInfo } from './mcp-server.js';
export {
  DEFAULT_GUARDRAIL_SETTINGS,
  guardrailFeedbackMessage,
  OutputGuardrailTripwireTriggered,
  type GuardrailFunctionOutput,
  type OutputGuardrailFunctionArgs,
  type OutputGuardrailMetadata,
  type OutputGuardrailResult,
  type RealtimeGuardrailMetadata,
  type RealtimeOutputGuardrail,
  type RealtimeOutputGuardrailSettings,
} from './guardrail.js';
export {
  DEFAULT_REJECTION_MESSAGE,
  ToolApprovalItem,
  type ApproveOptions,
  type HostedToolCallDetails,
  type RealtimeMcpApprovalRequest,
  type RealtimeToolApprovalRequest,
  type RejectOptions,
} from './approval.js';
export type {
  InputAudioContent,
  InputImageContent,
  InputTextContent,
  ItemStatus,
  OutputAudioContent,
  OutputTextContent,
  RealtimeAssistantMessageItem,
  RealtimeItem,
  RealtimeMcpCallApprovalRequestItem,
  RealtimeMcpCallItem,
  RealtimeMessageItem,
  RealtimeSystemMessageItem,
  RealtimeToolCallItem,
  RealtimeUserMessageItem,
} from './items.js';
export { RunContext, type RealtimeContextData, type Usage } from './run-context.js';
export { AgentsError, ModelBehaviorError, UserError } from './errors.js';
export { ScriptedRealtimeServer, type ScriptedMcpTool, type ScriptedServerOptions } from './testing/scripted-server.js';
export type { ScriptedConnection, ScriptedRequest } from './testing/scripted-connection.js';
export type { ScriptedOutput } from './testing/scripted-outputs.js';
