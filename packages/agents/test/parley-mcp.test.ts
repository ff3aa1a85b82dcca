/**
 * An agent's MCP server, run by a real Parley against a real MCP server (the official SDK's
 * `McpServer`, both on 127.0.0.1:0): the listing reaches `mcp_tools_changed`, a call behind
 * approval reaches `tool_approval_requested`, and the call the server ran reaches
 * `mcp_tool_call_completed`. Also: a server that cannot be reached, and a handoff between
 * agents with different MCP servers.
 */
import { RealtimeAgent, RealtimeSession, type McpServerConfig } from '@parley/agents';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../server/test/support/harness.js';
import { startMcpServer, unreachableUrl, type TestMcpServer } from '../../server/test/support/mcp-server.js';
import { eventually, record, settle, type Recording } from './support/recorder.js';

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
  await session?.close();
  session = undefined;
  await h.stop();
});

async function connect(agent: RealtimeAgent): Promise<{ s: RealtimeSession; rec: Recording }> {
  const s = new RealtimeSession(agent, { config: { output_modalities: ['text'] } });
  session = s;
  const rec = record(s);
  await s.connect({ url: `${h.server.wsUrl}/v1/realtime?model=gpt-realtime`, apiKey: 'sk-test' });
  return { s, rec };
}

const calc = (): McpServerConfig => ({ serverLabel: 'calc', serverUrl: mcp.url, requireApproval: 'always', allowedTools: ['add'] });
const answers = (rec: Recording) => rec.of('agent_end').map(([, , output]) => output);
const toolNames = (rec: Recording) => rec.of('mcp_tools_changed').map(([tools]) => tools.map((t) => `${t.server_label}.${t.name}`));

describe('an MCP tool behind approval', () => {
  it('approved: the server runs the call, and the model answers with its result', async () => {
    const { s, rec } = await connect(new RealtimeAgent({ name: 'Calculator', instructions: 'Use the calculator.', mcpServers: [calc()] }));
    s.on('tool_approval_requested', (_ctx, _agent, request) => void s.approve(request.approvalItem));
    await eventually('the tool listing', () => rec.of('mcp_tools_changed').length > 0);
    expect(toolNames(rec)).toEqual([['calc.add']]);
    expect(s.availableMcpTools).toMatchObject([{ name: 'add', description: 'Adds two numbers.', server_label: 'calc', input_schema: { type: 'object' } }]);

    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":2,', '"b":3}'] }] }, { text: ['2 plus 3 is 5.'] });
    const before = mcp.calls.length;
    s.sendMessage('What is 2 plus 3?');
    await eventually('the answer', () => answers(rec).includes('2 plus 3 is 5.'));
    await settle(300);

    expect(rec.of('error')).toEqual([]);
    const [[, agent, request]] = rec.of('tool_approval_requested');
    expect(agent.name).toBe('Calculator');
    expect(request).toMatchObject({ type: 'mcp_approval_request', approvalItem: { name: 'add', arguments: '{"a":2,"b":3}', rawItem: { type: 'hosted_tool_call', serverLabel: 'calc' } } });
    expect(mcp.calls.slice(before)).toEqual([{ tool: 'add', args: { a: 2, b: 3 }, transport: 'streamable-http' }]);
    const completed = rec.of('mcp_tool_call_completed').map(([, , call]) => call);
    expect(completed).toMatchObject([{ type: 'mcp_call', name: 'add', serverLabel: 'calc', arguments: '{"a":2,"b":3}', output: '5', error: null, status: 'completed' }]);
    // The server answered the approval with a response of its own: the session asked for one response only.
    expect(h.llm.requests).toHaveLength(2);
    expect(h.llm.requests[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: '5' });
    expect(answers(rec)).toEqual(['', '2 plus 3 is 5.']);
    expect(s.history.map((item) => item.type)).toEqual(['message', 'mcp_approval_request', 'mcp_call', 'message']);
    expect(s.history[1]).toMatchObject({ serverLabel: 'calc', name: 'add', arguments: { a: 2, b: 3 }, approved: true });
  });

  it('rejected: the call never runs, and the model hears the reason', async () => {
    const { s, rec } = await connect(new RealtimeAgent({ name: 'Calculator', mcpServers: [calc()] }));
    s.on('tool_approval_requested', (_ctx, _agent, request) => void s.reject(request.approvalItem, { message: 'No maths today.' }));
    await eventually('the tool listing', () => rec.of('mcp_tools_changed').length > 0);

    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":2,"b":3}'] }] }, { text: ['Fine, no maths.'] });
    const before = mcp.calls.length;
    s.sendMessage('What is 2 plus 3?');
    await eventually('the answer', () => answers(rec).includes('Fine, no maths.'));
    await settle(300);

    expect(rec.of('error')).toEqual([]);
    expect(mcp.calls.length).toBe(before);
    expect(rec.of('mcp_tool_call_completed')).toEqual([]);
    expect(h.llm.requests[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: expect.stringContaining('No maths today.') });
    expect(s.history.find((item) => item.type === 'mcp_approval_request')).toMatchObject({ approved: false });
  });
});

describe('MCP servers and agents', () => {
  it('a server that cannot be reached is an error event; the session goes on', async () => {
    const down: McpServerConfig = { serverLabel: 'down', serverUrl: await unreachableUrl(), requireApproval: 'never' };
    const { s, rec } = await connect(new RealtimeAgent({ name: 'A', mcpServers: [down] }));
    await eventually('the error', () => rec.of('error').length > 0);
    expect(rec.of('error')[0]![0].error).toMatchObject({ code: 'mcp_server_error' });
    h.llm.enqueue({ text: ['Still here.'] });
    s.sendMessage('Hello?');
    await eventually('the answer', () => answers(rec).includes('Still here.'));
    expect(s.availableMcpTools).toEqual([]);
  });

  it('a handoff to an agent with another MCP server changes the tools available', async () => {
    const lookup: McpServerConfig = { serverLabel: 'kb', serverUrl: mcp.url, requireApproval: 'never', allowedTools: ['lookup'] };
    const researcher = new RealtimeAgent({ name: 'Researcher', instructions: 'Look things up.', mcpServers: [lookup] });
    const calculator = new RealtimeAgent({ name: 'Calculator', mcpServers: [calc()], handoffs: [researcher] });
    const { s, rec } = await connect(calculator);
    await eventually('the calc listing', () => rec.of('mcp_tools_changed').length > 0);

    h.llm.enqueue(
      { toolCalls: [{ name: 'transfer_to_researcher', arguments: ['{}'] }] },
      { toolCalls: [{ name: 'mcp__kb__lookup', arguments: ['{"key":"tea"}'] }] },
      { text: ['Tea is a drink.'] },
    );
    s.sendMessage('Tell me about tea.');
    await eventually('the answer', () => answers(rec).includes('Tea is a drink.'));
    await settle(200);

    expect(rec.of('error')).toEqual([]);
    expect(toolNames(rec)).toEqual([['calc.add'], [], ['kb.lookup']]);
    expect(s.availableMcpTools.map((t) => t.name)).toEqual(['lookup']);
    expect(rec.of('mcp_tool_call_completed').map(([, agent, call]) => [agent.name, call.name, call.output])).toEqual([['Researcher', 'lookup', 'value of tea']]);
    expect(rec.of('tool_approval_requested')).toEqual([]);
  });
});
