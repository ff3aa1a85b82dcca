/**
 * Builds conversation items from what a client sent. The server owns `id` (unless the client
 * chose one), `object` and `status`; user audio parts always get a `transcript` key.
 */
import { newId, ParleyError, type ContentPart, type ContentPartInput, type Item, type ItemInput } from '@parley/protocol';

function part(input: ContentPartInput): ContentPart {
  switch (input.type) {
    case 'input_audio':
      return { type: 'input_audio', audio: input.audio ?? null, transcript: input.transcript ?? null };
    case 'output_audio':
      return { type: 'output_audio', audio: input.audio ?? null, transcript: input.transcript ?? null };
    default:
      return { ...input };
  }
}

function hasFunctionCall(items: readonly Item[], callId: string): boolean {
  return items.some((item) => item.type === 'function_call' && item.call_id === callId);
}

/**
 * The item for `input`. `context` holds the items it may refer to (a call's output needs its
 * call, an approval its request); `param` is where the item sits in the client's event.
 */
export function itemFromInput(input: ItemInput, context: readonly Item[], param = 'item'): Item {
  const base = { id: input.id ?? newId('item'), object: 'realtime.item' as const, status: 'completed' as const };
  switch (input.type) {
    case 'message':
      return { ...base, type: 'message', role: input.role, content: input.content.map(part) };
    case 'function_call':
      return { ...base, type: 'function_call', call_id: input.call_id, name: input.name, arguments: input.arguments };
    case 'function_call_output':
      if (!hasFunctionCall(context, input.call_id)) {
        throw new ParleyError('invalid_item', `No function call with call_id '${input.call_id}' exists in the conversation.`, {
          param: `${param}.call_id`,
        });
      }
      return { ...base, type: 'function_call_output', call_id: input.call_id, output: input.output };
    case 'mcp_approval_response':
      if (!context.some((item) => item.type === 'mcp_approval_request' && item.id === input.approval_request_id)) {
        throw new ParleyError('invalid_item', `No MCP approval request with id '${input.approval_request_id}' exists in the conversation.`, {
          param: `${param}.approval_request_id`,
        });
      }
      if (context.some((item) => item.type === 'mcp_approval_response' && item.approval_request_id === input.approval_request_id)) {
        throw new ParleyError('invalid_item', `MCP approval request '${input.approval_request_id}' has already been answered.`, {
          param: `${param}.approval_request_id`,
        });
      }
      return {
        ...base,
        type: 'mcp_approval_response',
        approval_request_id: input.approval_request_id,
        approve: input.approve,
        reason: input.reason ?? null,
      };
  }
}

