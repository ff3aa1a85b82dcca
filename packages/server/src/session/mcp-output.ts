/**
 * The MCP output items of a response. An `mcp_call` streams its arguments
 * (`response.mcp_call_arguments.delta` / `.done`), runs (`response.mcp_call.in_progress`, then
 * `.completed` or `.failed`) and closes with its `output` or `error`. A call that needs the
 * user's approval is an `mcp_approval_request` item instead, sent whole once its arguments
 * are known; the call itself runs later, in the response that follows the approval.
 */
import { newId, type Item, type McpApprovalRequestItem, type McpCallItem } from '@parley/protocol';
import type { McpCallResult } from '../tools/mcp-client.js';
import type { McpToolRef } from '../tools/mcp-registry.js';
import { Output, type OutputContext, type OutputStatus } from './response-outputs.js';

/** Approval requests the user approved whose call has not run yet (no `mcp_call` names them), in conversation order. */
export function approvedCallsToRun(items: readonly Item[]): McpApprovalRequestItem[] {
  const approved = new Set<string>();
  const answered = new Set<string>();
  const ran = new Set<string>();
  for (const item of items) {
    if (item.type === 'mcp_approval_response' && !answered.has(item.approval_request_id)) {
      answered.add(item.approval_request_id); // the first answer counts
      if (item.approve) approved.add(item.approval_request_id);
    } else if (item.type === 'mcp_call' && item.approval_request_id) {
      ran.add(item.approval_request_id);
    }
  }
  return items.filter((item): item is McpApprovalRequestItem => item.type === 'mcp_approval_request' && approved.has(item.id) && !ran.has(item.id));
}

/** Runs tool `name` of server `label` through `ref`; without one (the server or tool is gone), fails saying so. */
export function mcpExecutor(ref: McpToolRef | undefined, label: string, name: string, signal: AbortSignal): (args: string) => Promise<McpCallResult> {
  if (!ref) {
    return async () => ({
      ok: false,
      error: { type: 'tool_execution_error', message: `MCP tool '${name}' of server '${label}' is not among this response's tools any more, so it was not run.` },
    });
  }
  return (args) => ref.server.call(ref.tool.name, args, signal);
}

export class McpCallOutput extends Output<McpCallItem> {
  #argumentsDone = false;
  #ran = false;

  constructor(ctx: OutputContext, outputIndex: number, serverLabel: string, name: string, approvalRequestId: string | null = null, args = '') {
    super(ctx, outputIndex, {
      id: newId('item'),
      object: 'realtime.item',
      type: 'mcp_call',
      status: 'in_progress',
      server_label: serverLabel,
      name,
      arguments: args,
      approval_request_id: approvalRequestId,
      output: null,
      error: null,
    });
  }

  #ref() {
    return { response_id: this.ctx.responseId, item_id: this.item.id, output_index: this.outputIndex };
  }

  open(): void {
    this.addItem();
  }

  appendArguments(delta: string): void {
    this.item.arguments += delta;
    // `obfuscation` pads the hosted service's deltas against length side channels; agents-realtime requires the field.
    this.ctx.emit({ type: 'response.mcp_call_arguments.delta', ...this.#ref(), delta, obfuscation: '' });
  }

  finishArguments(): void {
    if (this.#argumentsDone) return;
    this.#argumentsDone = true;
    this.ctx.emit({ type: 'response.mcp_call_arguments.done', ...this.#ref(), arguments: this.item.arguments });
  }

  /** Runs the call through `execute` and closes the item with what came back. */
  async run(execute: (args: string) => Promise<McpCallResult>): Promise<McpCallResult> {
    this.finishArguments();
    this.#ran = true;
    const ref = { item_id: this.item.id, output_index: this.outputIndex };
    this.ctx.emit({ type: 'response.mcp_call.in_progress', ...ref });
    const result = await execute(this.item.arguments);
    if (this.closed) return result; // the response ended while the call ran
    if (result.ok) {
      this.item.output = result.output;
      this.ctx.emit({ type: 'response.mcp_call.completed', ...ref });
      this.close('completed');
    } else {
      this.item.error = result.error;
      this.ctx.emit({ type: 'response.mcp_call.failed', ...ref });
      this.close('incomplete');
    }
    return result;
  }

  /** Whether the call was started (its result, if any, is on the item). */
  get ran(): boolean {
    return this.#ran;
  }

  close(status: OutputStatus): void {
    if (this.closed) return;
    this.closed = true;
    this.finishItem(status);
  }
}

/** A call that waits for the user's approval: sent complete, with its final arguments. */
export class McpApprovalRequestOutput extends Output<McpApprovalRequestItem> {
  constructor(ctx: OutputContext, outputIndex: number, serverLabel: string, name: string, args: string) {
    super(ctx, outputIndex, {
      id: newId('item'),
      object: 'realtime.item',
      type: 'mcp_approval_request',
      status: 'in_progress',
      server_label: serverLabel,
      name,
      // agents-realtime parses these with JSON.parse: never send an empty string.
      arguments: args.trim() ? args : '{}',
    });
  }

  open(): void {
    this.addItem();
  }

  close(status: OutputStatus): void {
    if (this.closed) return;
    this.closed = true;
    this.finishItem(status);
  }
}
