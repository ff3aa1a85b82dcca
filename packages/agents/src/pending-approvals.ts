/**
 * Tool calls waiting for the user's answer, and the answers given for good (`alwaysApprove`,
 * `alwaysReject`). A function call's wait is a promise the tool runner awaits; an MCP call's
 * answer goes to the server instead, so it is only recorded here.
 */
import { UserError } from './errors.js';
import type { ToolApprovalItem } from './approval.js';

export type ApprovalDecision = { approved: true } | { approved: false; message?: string };

/** A tool, as standing answers name it: a function tool by name, an MCP tool by server and name. */
export function approvalKey(item: ToolApprovalItem): string {
  const raw = item.rawItem;
  return raw.type === 'hosted_tool_call' ? `mcp:${raw.serverLabel}:${raw.name}` : `function:${raw.name}`;
}

function callKey(item: ToolApprovalItem): string {
  return item.rawItem.type === 'hosted_tool_call' ? item.rawItem.itemId : item.rawItem.callId;
}

export class PendingApprovals {
  readonly #waiting = new Map<string, (decision: ApprovalDecision) => void>();
  readonly #standing = new Map<string, ApprovalDecision>();

  /** A standing answer for calls of this item's tool, if one was given. */
  standing(item: ToolApprovalItem): ApprovalDecision | undefined {
    return this.#standing.get(approvalKey(item));
  }

  /** Waits for `answer(item, …)`. */
  wait(item: ToolApprovalItem): Promise<ApprovalDecision> {
    return new Promise((resolve) => this.#waiting.set(callKey(item), resolve));
  }

  /** Marks an MCP request as waiting, so that `answer` accepts it once. */
  expect(item: ToolApprovalItem): void {
    this.#waiting.set(callKey(item), () => {});
  }

  answer(item: ToolApprovalItem, decision: ApprovalDecision, always: boolean): void {
    const key = callKey(item);
    const resolve = this.#waiting.get(key);
    if (!resolve) throw new UserError(`The call of ${item.name} is not waiting for approval (answered already, or from another session).`);
    this.#waiting.delete(key);
    if (always) this.#standing.set(approvalKey(item), decision);
    resolve(decision);
  }

  /** The connection's server session ended: no answer can reach the calls still waiting. */
  abandon(message: string): void {
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const resolve of waiting) resolve({ approved: false, message });
  }
}
