/**
 * The real `@openai/agents-realtime` client with a hosted MCP tool (`hostedMcpTool`, the tool
 * the SDK sends as `{type: "mcp"}`) against a running Parley and a real MCP server. The SDK
 * reads the tool list from the `mcp_list_tools` item, raises `tool_approval_requested` for an
 * `mcp_approval_request`, and reports `mcp_tool_call_completed` when the `mcp_call` is done.
 */
import { hostedMcpTool } from '@openai/agents-core';
import { RealtimeAgent, RealtimeSession, type RealtimeItem, type TransportEvent } from '@openai/agents-realtime';
import { wireServerEventNames } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { startMcpServer, type TestMcpServer } from '../support/mcp-server.js';
import { eventually, foreignNames, settle } from './helpers.js';

let h: Harness;
let mcp: TestMcpServer;
let session: RealtimeSession | undefined;

beforeAll(async () => {
  mcp = await startMcpServer();
});
afterAll(async () => {
  await mcp.close();
});
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  session?.close();
  session = undefined;
  await h.stop();
});

interface Recording {
  errors: unknown[];
  agentEnds: string[];
  mcpTools: string[][];
  approvals: unknown[];
  completed: { name: string; arguments: string; output: string | null }[];
  transportEvents: TransportEvent[];
}

async function connect(agent: RealtimeAgent): Promise<{ s: RealtimeSession; rec: Recording }> {
  const s = new RealtimeSession(agent, { transport: 'websocket', model: 'gpt-realtime', config: { outputModalities: ['text'] } });
  session = s;
  const rec: Recording = { errors: [], agentEnds: [], mcpTools: [], approvals: [], completed: [], transportEvents: [] };
  s.on('error', (e) => rec.errors.push(e.error));
  s.on('agent_end', (_ctx, _agent, output) => rec.agentEnds.push(output));
  s.on('mcp_tools_changed', (tools) => rec.mcpTools.push(tools.map((t) => t.name)));
  s.on('mcp_tool_call_completed', (_ctx, _agent, call) => {
    const item = call as { name: string; arguments: string; output: string | null };
    rec.completed.push({ name: item.name, arguments: item.arguments, output: item.output });
  });
  s.on('transport_event', (event) => rec.transportEvents.push(event));
  await s.connect({ apiKey: 'sk-test', url: `${h.server.wsUrl}/v1/realtime?model=gpt-realtime` });
  return { s, rec };
}

const calculator = () =>
  new RealtimeAgent({
    name: 'Calculator',
    instructions: 'Use the calculator.',
    tools: [hostedMcpTool({ serverLabel: 'calc', serverUrl: mcp.url, requireApproval: 'always', allowedTools: ['add'] })],
  });

const count = (rec: Recording, type: string) => rec.transportEvents.filter((e) => e.type === type).length;
const mcpCalls = (history: RealtimeItem[]) => history.filter((item) => item.type === 'mcp_call');

describe('@openai/agents-realtime with a hosted MCP tool against Parley', () => {
  it('lists the tools, asks for approval, runs the approved call and speaks the answer once', async () => {
    const { s, rec } = await connect(calculator());
    s.on('tool_approval_requested', (_ctx, _agent, request) => {
      rec.approvals.push(request.approvalItem.rawItem);
      void s.approve(request.approvalItem);
    });
    await eventually('mcp_tools_changed', () => rec.mcpTools.at(-1)?.includes('add'));
    expect(rec.mcpTools.at(-1)).toEqual(['add']);
    expect(s.availableMcpTools.map((t) => t.name)).toEqual(['add']);

    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":2,', '"b":3}'] }] }, { text: ['The sum is 5.'] });
    const before = mcp.calls.length;
    s.sendMessage('What is 2 plus 3?');
    await eventually('mcp_tool_call_completed', () => rec.completed.length > 0);
    await eventually('the answer', () => rec.agentEnds.includes('The sum is 5.'));
    await settle(300);

    expect(rec.errors).toEqual([]);
    expect(rec.approvals).toHaveLength(1);
    expect(rec.approvals[0]).toMatchObject({ type: 'hosted_tool_call', name: 'add', arguments: '{"a":2,"b":3}' });
    expect(rec.completed).toEqual([{ name: 'add', arguments: '{"a":2,"b":3}', output: '5' }]);
    expect(mcp.calls.slice(before)).toEqual([{ tool: 'add', args: { a: 2, b: 3 }, transport: 'streamable-http' }]);
    expect(mcpCalls(s.history)).toMatchObject([{ name: 'add', output: '5', status: 'completed' }]);

    // The LLM was asked twice: for the call, then with its result. The SDK's own response.create
    // after the finished mcp_call got an empty response, not a second answer.
    expect(h.llm.requests).toHaveLength(2);
    expect(h.llm.requests[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: '5' });
    expect(rec.agentEnds.filter((text) => text === 'The sum is 5.')).toHaveLength(1);
    // The approval request, the call with the answer, and the SDK's follow-up (empty).
    expect(count(rec, 'response.created')).toBe(3);
    expect(count(rec, 'response.done')).toBe(3);
    expect(rec.agentEnds).toEqual(['', 'The sum is 5.', '']);
    expect(foreignNames(rec.transportEvents.map((e) => e.type), wireServerEventNames('ga'))).toEqual([]);
  });

  it('a rejection: the call never runs, and the LLM is told it was rejected', async () => {
    const { s, rec } = await connect(calculator());
    s.on('tool_approval_requested', (_ctx, _agent, request) => {
      rec.approvals.push(request.approvalItem.rawItem);
      void s.reject(request.approvalItem, { message: 'The user said no.' });
    });
    await eventually('mcp_tools_changed', () => rec.mcpTools.at(-1)?.includes('add'));

    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":2,"b":3}'] }] }, { text: ['Okay, I will not add them.'] });
    const before = mcp.calls.length;
    s.sendMessage('What is 2 plus 3?');
    await eventually('the answer', () => rec.agentEnds.includes('Okay, I will not add them.'));
    await settle(300);

    expect(rec.errors).toEqual([]);
    expect(rec.approvals).toHaveLength(1);
    expect(rec.completed).toEqual([]);
    expect(mcp.calls.length).toBe(before);
    expect(h.llm.requests).toHaveLength(2);
    expect(h.llm.requests[1]!.body.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: 'The user denied this call, so it did not run. Reason: The user said no.',
    });
    expect(count(rec, 'response.created')).toBe(count(rec, 'response.done'));
  });

  it('runs a call that needs no approval inside the response', async () => {
    const agent = new RealtimeAgent({
      name: 'Calculator',
      instructions: 'Use the calculator.',
      tools: [hostedMcpTool({ serverLabel: 'calc', serverUrl: mcp.url, requireApproval: 'never' })],
    });
    const { s, rec } = await connect(agent);
    await eventually('mcp_tools_changed', () => rec.mcpTools.at(-1)?.includes('add'));
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__fail', arguments: ['{}'] }] }, { text: ['That tool is broken.'] });
    s.sendMessage('Try the failing tool.');
    await eventually('the answer', () => rec.agentEnds.includes('That tool is broken.'));
    await settle(300);

    expect(rec.errors).toEqual([]);
    // response.mcp_call.failed is not in the SDK's event union: it arrives as a plain transport event.
    expect(count(rec, 'response.mcp_call.failed')).toBe(1);
    expect(rec.completed).toEqual([{ name: 'fail', arguments: '{}', output: null }]);
    expect(h.llm.requests).toHaveLength(2);
    expect(count(rec, 'response.created')).toBe(count(rec, 'response.done'));
  });
});
