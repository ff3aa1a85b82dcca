/**
 * Tool calls that wait for the user. A `tool_approval_requested` event carries one of these;
 * the application answers with `session.approve(request.approvalItem)` or
 * `session.reject(request.approvalItem, { message })`.
 */
import type { RealtimeAgent } from './realtime-agent.js';
import type { RealtimeContextData } from './run-context.js';
import type { FunctionCallDetails, FunctionTool } from './tool.js';

/** An MCP call the server asks to run (an `mcp_approval_request` item). */
export interface HostedToolCallDetails {
  type: 'hosted_tool_call';
  /** The `mcp_approval_request` item. */
  itemId: string;
  serverLabel: string;
  name: string;
  /** JSON text. */
  arguments: string;
}

export class ToolApprovalItem {
  readonly type = 'tool_approval_item' as const;
  readonly rawItem: FunctionCallDetails | HostedToolCallDetails;
  /** The agent whose tool it is. */
  readonly agent: RealtimeAgent<any>;

  constructor(rawItem: FunctionCallDetails | HostedToolCallDetails, agent: RealtimeAgent<any>) {
    this.rawItem = rawItem;
    this.agent = agent;
  }

  get name(): string {
    return this.rawItem.name;
  }

  get arguments(): string {
    return this.rawItem.arguments;
  }
}

export interface RealtimeToolApprovalRequest<TContext = unknown> {
  type: 'function_approval';
  tool: FunctionTool<RealtimeContextData<TContext>>;
  approvalItem: ToolApprovalItem;
}

export interface RealtimeMcpApprovalRequest {
  type: 'mcp_approval_request';
  approvalItem: ToolApprovalItem;
}

export interface ApproveOptions {
  /** Approve every later call of this tool in the session without asking. */
  alwaysApprove?: boolean;
}

export interface RejectOptions {
  /** Reject every later call of this tool in the session without asking. */
  alwaysReject?: boolean;
  /** What the model is told; default: that the user did not approve the call. */
  message?: string;
}

export const DEFAULT_REJECTION_MESSAGE = 'The user did not approve this tool call, so it did not run.';
