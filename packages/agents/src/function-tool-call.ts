/**
 * One call of a function tool, from the model's JSON to what the model is told: arguments
 * checked against the schema, the user asked first when the tool needs approval, then the
 * tool run — with `agent_tool_start` / `agent_tool_end` around it.
 */
import { DEFAULT_REJECTION_MESSAGE, ToolApprovalItem } from './approval.js';
import type { RealtimeSessionEventTypes } from './events.js';
import type { PendingApprovals, ApprovalDecision } from './pending-approvals.js';
import type { RealtimeAgent } from './realtime-agent.js';
import type { RealtimeContextData, RunContext } from './run-context.js';
import type { FunctionCallDetails, FunctionTool } from './tool.js';

export type SessionEmit<TContext> = <K extends keyof RealtimeSessionEventTypes<TContext>>(type: K, ...args: RealtimeSessionEventTypes<TContext>[K]) => void;

export interface ToolCallHost<TContext> {
  context: RunContext<RealtimeContextData<TContext>>;
  emit: SessionEmit<TContext>;
  approvals: PendingApprovals;
}

type Tool<TContext> = FunctionTool<RealtimeContextData<TContext>>;

/** What the model is told when the tool threw. */
export function toolErrorMessage(name: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `An error occurred while running the tool ${name}, so it has no result: ${reason}`;
}

async function decide<TContext>(host: ToolCallHost<TContext>, agent: RealtimeAgent<TContext>, tool: Tool<TContext>, call: FunctionCallDetails, input: unknown): Promise<ApprovalDecision> {
  if (!(await tool.needsApproval(host.context, input, call.callId))) return { approved: true };
  const approvalItem = new ToolApprovalItem(call, agent);
  const standing = host.approvals.standing(approvalItem);
  if (standing) return standing;
  const decision = host.approvals.wait(approvalItem);
  host.emit('tool_approval_requested', host.context, agent, { type: 'function_approval', tool, approvalItem });
  return decision;
}

export async function runFunctionToolCall<TContext>(host: ToolCallHost<TContext>, agent: RealtimeAgent<TContext>, tool: Tool<TContext>, call: FunctionCallDetails): Promise<string> {
  const details = { toolCall: call };
  const parsed = tool.parseArguments(call.arguments);
  if (!parsed.ok) {
    host.emit('agent_tool_start', host.context, agent, tool, details);
    host.emit('agent_tool_end', host.context, agent, tool, parsed.message, details);
    return parsed.message;
  }
  const decision = await decide(host, agent, tool, call, parsed.input);
  if (!decision.approved) return decision.message ?? DEFAULT_REJECTION_MESSAGE;
  host.emit('agent_tool_start', host.context, agent, tool, details);
  let result: string;
  try {
    result = await tool.invoke(host.context, parsed.input, details);
  } catch (error) {
    result = toolErrorMessage(tool.name, error);
  }
  host.emit('agent_tool_end', host.context, agent, tool, result, details);
  return result;
}
