/**
 * MCP items in what the LLM reads: each call (or approval request that never became one) is a
 * tool call under the name the LLM was offered, followed by its result — the output, the
 * error, the denial and its reason, or that it still waits for approval. Listings and the
 * approval answers themselves are not shown. And which approved calls a response must run.
 */
import type { Item } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { AWAITING_APPROVAL_OUTPUT, buildChatMessages } from '../../src/session/llm-context.js';
import { approvedCallsToRun } from '../../src/session/mcp-output.js';

const base = { object: 'realtime.item', status: 'completed' } as const;
const user = (id: string, text: string): Item => ({ ...base, id, type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const assistant = (id: string, text: string): Item => ({ ...base, id, type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
const listing: Item = { ...base, id: 'list', type: 'mcp_list_tools', server_label: 'calc', tools: [] };
const request = (id: string, args = '{"a":1,"b":2}'): Item => ({ ...base, id, type: 'mcp_approval_request', server_label: 'calc', name: 'add', arguments: args });
const answer = (id: string, requestId: string, approve: boolean, reason: string | null = null): Item => ({
  ...base,
  id,
  type: 'mcp_approval_response',
  approval_request_id: requestId,
  approve,
  reason,
});
const mcpCall = (id: string, extra: Partial<Extract<Item, { type: 'mcp_call' }>> = {}): Item => ({
  ...base,
  id,
  type: 'mcp_call',
  server_label: 'calc',
  name: 'add',
  arguments: '{"a":1,"b":2}',
  approval_request_id: null,
  output: '3',
  error: null,
  ...extra,
});
const opts = { instructions: '', images: false };
const toolCall = (id: string, args = '{"a":1,"b":2}') => ({ id, type: 'function', function: { name: 'mcp__calc__add', arguments: args } });

describe('MCP items in the LLM context', () => {
  it('a call is a tool call with its output; the listing is not shown', () => {
    expect(buildChatMessages([listing, user('u', '1+2?'), mcpCall('m'), assistant('a', 'Three.')], opts)).toEqual([
      { role: 'user', content: '1+2?' },
      { role: 'assistant', content: null, tool_calls: [toolCall('m')] },
      { role: 'tool', tool_call_id: 'm', content: '3' },
      { role: 'assistant', content: 'Three.' },
    ]);
  });

  it('a failed call reads as the failure with its message', () => {
    const failed = mcpCall('m', { output: null, error: { type: 'tool_execution_error', message: 'Division by zero.' } });
    expect(buildChatMessages([user('u', 'x'), failed], opts).at(-1)).toEqual({ role: 'tool', tool_call_id: 'm', content: 'The tool call failed: Division by zero.' });
  });

  it('an approved call stands for its request: one tool call, attached to what the assistant said before it', () => {
    const items = [user('u', '1+2?'), assistant('a', 'Let me add.'), request('r'), answer('ok', 'r', true), mcpCall('m', { approval_request_id: 'r' })];
    expect(buildChatMessages(items, opts)).toEqual([
      { role: 'user', content: '1+2?' },
      { role: 'assistant', content: 'Let me add.', tool_calls: [toolCall('m')] },
      { role: 'tool', tool_call_id: 'm', content: '3' },
    ]);
  });

  it('a denied request reads as denied, with the reason; an unanswered one as waiting', () => {
    expect(buildChatMessages([user('u', 'x'), request('r'), answer('no', 'r', false, 'Not now.')], opts).slice(-2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [toolCall('r')] },
      { role: 'tool', tool_call_id: 'r', content: 'The user denied this call, so it did not run. Reason: Not now.' },
    ]);
    expect(buildChatMessages([user('u', 'x'), request('r')], opts).at(-1)).toEqual({ role: 'tool', tool_call_id: 'r', content: AWAITING_APPROVAL_OUTPUT });
  });
});

describe('approvedCallsToRun', () => {
  it('is the approved requests without a call yet, in order; the first answer to a request counts', () => {
    const items = [
      request('r1'),
      answer('a1', 'r1', true),
      request('r2'),
      answer('a2', 'r2', false),
      request('r3'),
      answer('a3', 'r3', true),
      mcpCall('m3', { approval_request_id: 'r3' }),
      request('r4'),
      answer('a4', 'r4', true),
      answer('a4b', 'r4', false),
      request('r5'),
    ];
    expect(approvedCallsToRun(items).map((item) => item.id)).toEqual(['r1', 'r4']);
  });
});
