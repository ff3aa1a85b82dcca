/**
 * Conversation items → the chat messages an LLM engine reads. The chat format requires each
 * tool result to follow the assistant message that called the tool, so outputs are placed
 * right after their calls wherever they sit in the conversation; a call the client never
 * answered gets a stated placeholder rather than vanishing.
 *
 * MCP calls are tool calls too, under the name the LLM was offered them by: an `mcp_call`
 * with its output (or error), and an approval request that never became a call (denied, or
 * still waiting) with what became of it. Tool listings and approval answers are not shown.
 * Searches are tool calls with what the LLM read as their result (search-output.ts).
 */
import type { Item, McpCallItem, MessageItem } from '@parley/protocol';
import type { ChatContentPart, ChatMessage, ChatToolCall } from '../engines/llm/index.js';
import { mcpChatToolName } from '../tools/mcp-policy.js';
import { isSearchCallItem, searchRecordOf } from './search-output.js';

export const UNANSWERED_CALL_OUTPUT = 'No result was returned for this call.';
/** Stands for user audio with no transcript (nothing recognised, no STT engine, or an idle timeout). */
export const INAUDIBLE = '[inaudible]';

export const AWAITING_APPROVAL_OUTPUT = "This call is waiting for the user's approval and has not run.";

/** What the LLM reads as an MCP call's result. */
function mcpCallResult(item: McpCallItem): string {
  if (item.error) return `The tool call failed: ${item.error.message}`;
  return item.output ?? UNANSWERED_CALL_OUTPUT;
}

function deniedResult(reason: string | null): string {
  return `The user denied this call, so it did not run.${reason ? ` Reason: ${reason}` : ''}`;
}

function userContent(item: MessageItem, images: boolean): string | ChatContentPart[] {
  const parts: ChatContentPart[] = [];
  for (const part of item.content) {
    if (part.type === 'input_text') parts.push({ type: 'text', text: part.text });
    else if (part.type === 'input_audio') parts.push({ type: 'text', text: part.transcript || INAUDIBLE });
    else if (part.type === 'input_image') {
      parts.push(images ? { type: 'image_url', image_url: { url: part.image_url } } : { type: 'text', text: '[image omitted]' });
    }
  }
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('\n');
  return parts;
}

/** What the assistant said: its text, or the transcript of what was heard of its audio. */
export function assistantText(item: MessageItem): string {
  return item.content
    .map((part) => (part.type === 'output_text' ? part.text : part.type === 'output_audio' ? (part.transcript ?? '') : ''))
    .join('');
}

function systemText(item: MessageItem): string {
  return item.content.map((part) => (part.type === 'input_text' ? part.text : '')).join('\n');
}

export interface ContextOptions {
  instructions: string;
  /** Whether the engine reads images; if not they are replaced by a note. */
  images: boolean;
}

export function buildChatMessages(items: readonly Item[], options: ContextOptions): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (options.instructions) messages.push({ role: 'system', content: options.instructions });
  const outputs = new Map<string, string>();
  /** Approval requests that became calls: the call stands for them. */
  const called = new Set<string>();
  const answers = new Map<string, { approve: boolean; reason: string | null }>();
  for (const item of items) {
    if (item.type === 'function_call_output') outputs.set(item.call_id, item.output);
    else if (item.type === 'mcp_call') {
      outputs.set(item.id, mcpCallResult(item));
      if (item.approval_request_id) called.add(item.approval_request_id);
    } else if (item.type === 'mcp_approval_response' && !answers.has(item.approval_request_id)) {
      answers.set(item.approval_request_id, { approve: item.approve, reason: item.reason });
    }
  }

  let pendingCalls: ChatToolCall[] = [];
  const flushCalls = () => {
    if (pendingCalls.length === 0) return;
    const last = messages.at(-1);
    // Text the assistant said just before calling belongs to the same assistant turn.
    if (last?.role === 'assistant' && !last.tool_calls) last.tool_calls = pendingCalls;
    else messages.push({ role: 'assistant', content: null, tool_calls: pendingCalls });
    for (const call of pendingCalls) {
      messages.push({ role: 'tool', tool_call_id: call.id, content: outputs.get(call.id) ?? UNANSWERED_CALL_OUTPUT });
    }
    pendingCalls = [];
  };

  for (const item of items) {
    if (isSearchCallItem(item)) {
      const record = searchRecordOf(item);
      // A search the response was cancelled before running was never a call the LLM saw answered.
      if (record) {
        outputs.set(item.id, record.result);
        pendingCalls.push({ id: item.id, type: 'function', function: { name: record.kind, arguments: record.arguments || '{}' } });
      }
      continue;
    }
    if (item.type === 'function_call') {
      pendingCalls.push({ id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments || '{}' } });
      continue;
    }
    if (item.type === 'mcp_call' || (item.type === 'mcp_approval_request' && !called.has(item.id))) {
      if (item.type === 'mcp_approval_request') {
        const answer = answers.get(item.id);
        // Approved but not run (yet): the next response runs it; until then it is as good as waiting.
        outputs.set(item.id, answer && !answer.approve ? deniedResult(answer.reason) : AWAITING_APPROVAL_OUTPUT);
      }
      const name = mcpChatToolName(item.server_label, item.name);
      pendingCalls.push({ id: item.id, type: 'function', function: { name, arguments: item.arguments || '{}' } });
      continue;
    }
    if (item.type === 'function_call_output' || item.type.startsWith('mcp_')) continue;
    flushCalls();
    if (item.type !== 'message') continue;
    if (item.role === 'system') messages.push({ role: 'system', content: systemText(item) });
    else if (item.role === 'user') {
      const content = userContent(item, options.images);
      if (content.length > 0) messages.push({ role: 'user', content });
    } else {
      const text = assistantText(item);
      if (text) messages.push({ role: 'assistant', content: text });
    }
  }
  flushCalls();
  return messages;
}
