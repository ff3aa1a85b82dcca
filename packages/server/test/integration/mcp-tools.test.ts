/**
 * MCP tools end to end: a real Parley, a scripted LLM, a real MCP server (the official SDK's
 * McpServer, over Streamable HTTP and HTTP+SSE) and the protocol test client, which holds
 * every frame to the dialect's server-event schemas.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { startMcpServer, unreachableUrl, type TestMcpServer } from '../support/mcp-server.js';
import { connectRealtime, type RealtimeTestClient, type WireEvent } from '../support/realtime-client.js';

let h: Harness;
let mcp: TestMcpServer;
let client: RealtimeTestClient;

beforeAll(async () => {
  mcp = await startMcpServer();
});
afterAll(async () => {
  await mcp.close();
});
beforeEach(async () => {
  h = await startHarness({ mcp: { connectTimeoutMs: 3_000, callTimeoutMs: 400 } });
});
afterEach(async () => {
  await client?.close();
  await h.stop();
});

const GA_PATH = '/v1/realtime?model=gpt-realtime';
const VL_PATH = '/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime';

type McpToolConfig = { server_url?: string; require_approval?: unknown; allowed_tools?: unknown; authorization?: string; headers?: Record<string, string> };

function calc(extra: McpToolConfig = {}) {
  return { type: 'mcp', server_label: 'calc', server_url: mcp.url, ...extra };
}

async function connect(path = GA_PATH): Promise<RealtimeTestClient> {
  client = await connectRealtime(`${h.server.wsUrl}${path}`, { dialect: path === VL_PATH ? 'voicelive' : 'ga' });
  await client.waitFor('session.created');
  return client;
}

/** Sends a session.update with `tools` and waits for the listing to end; returns the index after the listing events. */
async function configure(c: RealtimeTestClient, tools: unknown[], dialect: 'ga' | 'voicelive' = 'ga'): Promise<number> {
  const from = c.events.length;
  const session = dialect === 'ga' ? { type: 'realtime', output_modalities: ['text'], tools } : { modalities: ['text'], tools };
  c.send({ type: 'session.update', session });
  await c.waitFor('session.updated', undefined, from);
  await Promise.race([c.waitFor('mcp_list_tools.completed', undefined, from), c.waitFor('mcp_list_tools.failed', undefined, from)]);
  return c.events.length;
}

/** Adds a user message and waits until the server has announced it. */
async function say(c: RealtimeTestClient, text: string): Promise<void> {
  const from = c.events.length;
  c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
  const isUser = (e: WireEvent) => (e.item as { role?: string } | undefined)?.role === 'user';
  await Promise.race([c.waitFor('conversation.item.done', isUser, from), c.waitFor('conversation.item.created', isUser, from)]);
}

async function respond(c: RealtimeTestClient, count = 1): Promise<WireEvent> {
  const from = c.events.length;
  c.send({ type: 'response.create' });
  return (await c.waitForCount('response.done', count, from)).at(-1)!;
}

const ofType = (events: WireEvent[], type: string) => events.filter((e) => e.type === type);

describe('MCP tool listing', () => {
  it('lists the tools when the session gets the tool: in_progress, the mcp_list_tools item, completed', async () => {
    const c = await connect();
    const from = c.events.length;
    c.send({ type: 'session.update', session: { type: 'realtime', tools: [calc({ allowed_tools: ['add', 'fail'] })] } });
    const inProgress = await c.waitFor('mcp_list_tools.in_progress', undefined, from);
    // agents-realtime retrieves the item at once: it is found while the listing runs.
    c.send({ type: 'conversation.item.retrieve', item_id: inProgress.item_id });
    await c.waitFor('mcp_list_tools.completed', undefined, from);
    await c.waitFor('conversation.item.retrieved', undefined, from);
    const types = c.types(from).filter((t) => t !== 'conversation.item.retrieved');
    expect(types).toEqual(['session.updated', 'mcp_list_tools.in_progress', 'conversation.item.added', 'conversation.item.done', 'mcp_list_tools.completed']);
    const done = ofType(c.events.slice(from), 'conversation.item.done')[0]!;
    expect(done.item).toMatchObject({ id: inProgress.item_id, type: 'mcp_list_tools', server_label: 'calc', status: 'completed' });
    const tools = (done.item as { tools: { name: string; description: string; input_schema: unknown }[] }).tools;
    expect(tools.map((t) => t.name)).toEqual(['add', 'fail']);
    expect(tools[0]).toMatchObject({ description: 'Adds two numbers.', input_schema: { type: 'object', required: ['a', 'b'] } });
    const retrieved = ofType(c.events.slice(from), 'conversation.item.retrieved')[0]!;
    expect(retrieved.item).toMatchObject({ id: inProgress.item_id, type: 'mcp_list_tools', tools: expect.any(Array) });
    expect((ofType(c.events.slice(from), 'session.updated')[0]!.session as { tools: unknown[] }).tools).toEqual([calc({ allowed_tools: ['add', 'fail'] })]);

    // The same tool again is not listed again.
    const again = c.events.length;
    c.send({ type: 'session.update', session: { type: 'realtime', tools: [calc({ allowed_tools: ['add', 'fail'] })], instructions: 'x' } });
    await c.waitFor('session.updated', undefined, again);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(c.types(again)).toEqual(['session.updated']);
    expect(c.invalid).toEqual([]);
  });

  it('an unreachable server: the listing fails with a clear error, and the conversation goes on without its tools', async () => {
    const c = await connect();
    const url = await unreachableUrl();
    const from = c.events.length;
    await configure(c, [calc({ server_url: url, require_approval: 'never' })]);
    await c.waitFor('error', undefined, from);
    expect(c.types(from)).toEqual([
      'session.updated',
      'mcp_list_tools.in_progress',
      'conversation.item.added',
      'conversation.item.done',
      'mcp_list_tools.failed',
      'error',
    ]);
    const item = ofType(c.events.slice(from), 'conversation.item.done')[0]!.item as Record<string, unknown>;
    expect(item).toMatchObject({ type: 'mcp_list_tools', server_label: 'calc', status: 'incomplete', tools: [] });
    const error = ofType(c.events.slice(from), 'error')[0]!.error as Record<string, unknown>;
    expect(error).toMatchObject({ type: 'server_error', code: 'mcp_server_error', event_id: null });
    expect(error.message).toContain(`Could not connect to MCP server 'calc' at ${url}`);
    expect(error.message).toContain('ECONNREFUSED');

    h.llm.enqueue({ text: ['Still here.'] });
    await say(c, 'Hello?');
    const done = await respond(c);
    expect(done.response).toMatchObject({ status: 'completed' });
    expect(h.llm.requests[0]!.body.tools).toBeUndefined();
    expect(c.invalid).toEqual([]);
  
    // Naming the tool again in a session.update retries the listing.
    const retry = c.events.length;
    c.send({ type: 'session.update', session: { type: 'realtime', tools: [calc({ server_url: url, require_approval: 'never' })] } });
    await c.waitFor('mcp_list_tools.failed', undefined, retry);
    expect(c.types(retry).slice(0, 2)).toEqual(['session.updated', 'mcp_list_tools.in_progress']);
  });

  it('a response created while the listing runs waits for it, and offers the tools', async () => {
    const c = await connect();
    h.llm.enqueue({ text: ['Ready.'] });
    const from = c.events.length;
    c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'], tools: [calc({ allowed_tools: ['add'] })] } });
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] } });
    c.send({ type: 'response.create' });
    await c.waitFor('response.done', undefined, from);
    const types = c.types(from);
    expect(types.indexOf('mcp_list_tools.completed')).toBeGreaterThan(types.indexOf('response.created'));
    expect(h.llm.requests[0]!.body.tools?.map((t) => t.function.name)).toEqual(['mcp__calc__add']);
  });
});

describe('MCP tool calls', () => {
  it('runs a call without approval inside the response, then the LLM answers with its result', async () => {
    const c = await connect();
    await configure(c, [calc({ require_approval: 'never' })]);
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":2,', '"b":3}'] }] }, { text: ['The sum is 5.'] });
    await say(c, 'What is 2 plus 3?');
    const from = c.events.length;
    const done = await respond(c);

    const events = c.events.slice(from);
    expect(c.types(from)).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.mcp_call_arguments.delta',
      'response.mcp_call_arguments.delta',
      'response.mcp_call_arguments.done',
      'response.mcp_call.in_progress',
      'response.mcp_call.completed',
      'response.output_item.done',
      'conversation.item.done',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const added = events[1]!;
    const callId = (added.item as { id: string }).id;
    expect(added).toMatchObject({
      output_index: 0,
      item: { type: 'mcp_call', status: 'in_progress', server_label: 'calc', name: 'add', arguments: '', output: null, error: null, approval_request_id: null },
    });
    expect(ofType(events, 'response.mcp_call_arguments.delta').map((e) => e.delta)).toEqual(['{"a":2,', '"b":3}']);
    for (const e of ofType(events, 'response.mcp_call_arguments.delta')) expect(e).toMatchObject({ item_id: callId, output_index: 0, obfuscation: '' });
    expect(ofType(events, 'response.mcp_call_arguments.done')[0]).toMatchObject({ item_id: callId, output_index: 0, arguments: '{"a":2,"b":3}' });
    expect(ofType(events, 'response.mcp_call.in_progress')[0]).toMatchObject({ item_id: callId, output_index: 0 });
    expect(ofType(events, 'response.mcp_call.completed')[0]).toMatchObject({ item_id: callId, output_index: 0 });
    expect(ofType(events, 'response.output_item.done')[0]!.item).toMatchObject({ id: callId, status: 'completed', output: '5', error: null });
    expect(done.response).toMatchObject({
      status: 'completed',
      output: [
        { id: callId, type: 'mcp_call', output: '5' },
        { type: 'message', content: [{ type: 'output_text', text: 'The sum is 5.' }] },
      ],
    });
    expect(mcp.calls.at(-1)).toEqual({ tool: 'add', args: { a: 2, b: 3 }, transport: 'streamable-http' });

    // The LLM was offered the tool under its namespaced name, and asked again with the result.
    const first = h.llm.requests[0]!.body;
    expect(first.tools?.map((t) => t.function.name)).toEqual(['mcp__calc__add', 'mcp__calc__fail', 'mcp__calc__slow', 'mcp__calc__whoami', 'mcp__calc__lookup']);
    expect(first.tools?.[0]?.function).toMatchObject({ description: 'Adds two numbers.', parameters: { type: 'object', properties: { a: { type: 'number' } } } });
    const second = h.llm.requests[1]!.body.messages;
    expect(second.slice(-3)).toEqual([
      { role: 'user', content: 'What is 2 plus 3?' },
      { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'mcp__calc__add', arguments: '{"a":2,"b":3}' } }] },
      { role: 'tool', tool_call_id: callId, content: '5' },
    ]);

    // A bare response.create right after (agents-realtime sends one per finished mcp_call) has
    // nothing left to answer: an empty response. The next one is a normal response.
    const empty = await respond(c);
    expect(empty.response).toMatchObject({ status: 'completed', output: [] });
    expect(h.llm.requests).toHaveLength(2);
    h.llm.enqueue({ text: ['Anything else?'] });
    const normal = await respond(c);
    expect(normal.response).toMatchObject({ status: 'completed', output: [{ type: 'message' }] });
    expect(h.llm.requests).toHaveLength(3);
    expect(c.invalid).toEqual([]);
  });

  it('a bare response.create after a user item that came in during the MCP response is a real response', async () => {
    const c = await connect();
    await configure(c, [calc({ require_approval: 'never' })]);
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__slow', arguments: ['{"ms":150}'] }] }, { text: ['Done waiting.'] }, { text: ['About your new question…'] });
    await say(c, 'Wait a bit.');
    const from = c.events.length;
    c.send({ type: 'response.create' });
    await c.waitFor('response.mcp_call.in_progress', undefined, from);
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Another question.' }] } });
    await c.waitFor('response.done', undefined, from);
    const next = await respond(c);
    expect(next.response).toMatchObject({ status: 'completed', output: [{ type: 'message', content: [{ text: 'About your new question…' }] }] });
    expect(h.llm.requests).toHaveLength(3);
  });

  it('keeps the text said before the call, and names MCP tools apart from function tools', async () => {
    const c = await connect();
    const fn = { type: 'function', name: 'mcp__calc__add', description: 'A function that happens to look namespaced.', parameters: { type: 'object' } };
    await configure(c, [fn, calc({ require_approval: 'never', allowed_tools: ['add'] })]);
    h.llm.enqueue({ text: ['Let me add.'], toolCalls: [{ name: 'mcp__calc__add_2', arguments: ['{"a":1,"b":1}'] }] }, { text: ['Two.'] });
    await say(c, '1+1?');
    const done = await respond(c);
    expect(h.llm.requests[0]!.body.tools?.map((t) => t.function.name)).toEqual(['mcp__calc__add', 'mcp__calc__add_2']);
    expect(done.response).toMatchObject({
      output: [{ type: 'message' }, { type: 'mcp_call', name: 'add', output: '2' }, { type: 'message', content: [{ text: 'Two.' }] }],
    });
  });

  it('a tool that fails: response.mcp_call.failed, the error on the item, and the LLM answers knowing it failed', async () => {
    const c = await connect();
    await configure(c, [calc({ require_approval: 'never' })]);
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__fail', arguments: ['{}'] }] }, { text: ['Sorry, that failed.'] });
    await say(c, 'Try the failing tool.');
    const from = c.events.length;
    const done = await respond(c);
    const types = c.types(from);
    expect(types.slice(0, 9)).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.mcp_call_arguments.delta',
      'response.mcp_call_arguments.done',
      'response.mcp_call.in_progress',
      'response.mcp_call.failed',
      'response.output_item.done',
      'conversation.item.done',
    ]);
    const call = (done.response as { output: Record<string, unknown>[] }).output[0]!;
    expect(call).toMatchObject({ type: 'mcp_call', status: 'incomplete', output: null, error: { type: 'tool_execution_error' } });
    expect((call.error as { message: string }).message).toContain('The fail tool always fails.');
    expect(done.response).toMatchObject({ status: 'completed', output: [{}, { type: 'message', content: [{ text: 'Sorry, that failed.' }] }] });
    const tool = h.llm.requests[1]!.body.messages.at(-1)!;
    expect(tool).toMatchObject({ role: 'tool', tool_call_id: call.id });
    expect(tool.content).toMatch(/^The tool call failed: .*The fail tool always fails\./);
    expect(c.invalid).toEqual([]);
  });

  it('a call that outlives the call timeout fails with a message saying so', async () => {
    const c = await connect();
    await configure(c, [calc({ require_approval: 'never' })]);
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__slow', arguments: ['{"ms":3000}'] }] }, { text: ['It took too long.'] });
    await say(c, 'Be slow.');
    const done = await respond(c);
    const call = (done.response as { output: Record<string, unknown>[] }).output[0]!;
    expect(call).toMatchObject({ status: 'incomplete', error: { type: 'protocol_error', code: -32001, message: "MCP tool 'slow' on server 'calc' did not answer within 400 ms." } });
    expect(done.response).toMatchObject({ status: 'completed', output: [{}, { type: 'message' }] });
  });

  it('response.cancel during a call ends the response cancelled with the call incomplete', async () => {
    const c = await connect();
    await configure(c, [calc({ require_approval: 'never' })]);
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__slow', arguments: ['{"ms":300}'] }] });
    await say(c, 'Be slow.');
    const from = c.events.length;
    c.send({ type: 'response.create' });
    await c.waitFor('response.mcp_call.in_progress', undefined, from);
    c.send({ type: 'response.cancel' });
    const done = await c.waitFor('response.done', undefined, from);
    expect(done.response).toMatchObject({ status: 'cancelled', output: [{ type: 'mcp_call', status: 'incomplete', output: null }] });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(c.types(from).filter((t) => t === 'response.done')).toHaveLength(1);
    expect(c.types(from)).not.toContain('response.mcp_call.completed');
    expect(h.llm.requests).toHaveLength(1);
  });

  it('starts a new MCP session when the server has forgotten the old one (a restart), and the call goes through', async () => {
    const c = await connect();
    await configure(c, [calc({ require_approval: 'never' })]);
    mcp.forgetSessions();
    const before = mcp.requests.length;
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":5,"b":5}'] }] }, { text: ['Ten.'] });
    await say(c, '5+5?');
    const done = await respond(c);
    expect((done.response as { output: Record<string, unknown>[] }).output[0]).toMatchObject({ type: 'mcp_call', output: '10', error: null });
    // The call in the old session, then a new initialize without a session id.
    const posts = mcp.requests.slice(before).filter((r) => r.method === 'POST' && r.path === '/mcp');
    expect(posts[0]!.headers['mcp-session-id']).toBeDefined();
    expect(posts.filter((r) => r.headers['mcp-session-id'] === undefined)).toHaveLength(1);
  });

  it('speaks to an SSE-only server, and sends the configured credentials', async () => {
    const c = await connect();
    await configure(c, [{ type: 'mcp', server_label: 'legacy', server_url: mcp.sseUrl, require_approval: 'never', authorization: 'tok-9', headers: { 'X-Team': 'red' } }]);
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__legacy__whoami', arguments: ['{}'] }] }, { text: ['Done.'] });
    await say(c, 'Who am I?');
    const done = await respond(c);
    expect((done.response as { output: Record<string, unknown>[] }).output[0]).toMatchObject({ server_label: 'legacy', name: 'whoami', output: 'authorization=Bearer tok-9; x-team=red' });
    expect(mcp.calls.at(-1)).toMatchObject({ tool: 'whoami', transport: 'sse' });
  });

  it('takes an mcp tool given to one response only: lists it, then calls it', async () => {
    const c = await connect();
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":1,"b":2}'] }] }, { text: ['Three.'] });
    await say(c, '1+2?');
    const from = c.events.length;
    c.send({ type: 'response.create', response: { output_modalities: ['text'], tools: [calc({ require_approval: 'never', allowed_tools: ['add'] })] } });
    const done = await c.waitFor('response.done', undefined, from);
    expect(c.types(from).slice(0, 2)).toEqual(['mcp_list_tools.in_progress', 'response.created']);
    expect(c.types(from)).toContain('mcp_list_tools.completed');
    expect(done.response).toMatchObject({ status: 'completed', output: [{ type: 'mcp_call', output: '3' }, { type: 'message' }] });
    expect(h.llm.requests[0]!.body.tools?.map((t) => t.function.name)).toEqual(['mcp__calc__add']);
  });
});

describe('MCP approval', () => {
  async function requestApproval(c: RealtimeTestClient): Promise<{ requestId: string; from: number }> {
    await configure(c, [calc()]); // require_approval defaults to "always"
    const callsBefore = mcp.calls.length;
    h.llm.enqueue({ text: ['I will add them.'], toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":20,', '"b":22}'] }] });
    await say(c, 'Add 20 and 22.');
    const from = c.events.length;
    const done = await respond(c);
    const types = c.types(from);
    expect(types.slice(-5)).toEqual(['response.output_item.added', 'conversation.item.added', 'response.output_item.done', 'conversation.item.done', 'response.done']);
    const request = (done.response as { output: Record<string, unknown>[] }).output[1]!;
    expect(request).toMatchObject({ type: 'mcp_approval_request', server_label: 'calc', name: 'add', arguments: '{"a":20,"b":22}', status: 'completed' });
    expect(done.response).toMatchObject({ status: 'completed', output: [{ type: 'message' }, { id: request.id }] });
    expect(types).not.toContain('response.mcp_call.in_progress');
    expect(mcp.calls.length).toBe(callsBefore);
    return { requestId: request.id as string, from: c.events.length };
  }

  it('approved: the call runs in a response the server starts, and the LLM answers with the result', async () => {
    const c = await connect();
    const { requestId, from } = await requestApproval(c);
    h.llm.enqueue({ text: ['It is 42.'] });
    c.send({ type: 'conversation.item.create', previous_item_id: requestId, item: { type: 'mcp_approval_response', approval_request_id: requestId, approve: true } });
    const done = await c.waitFor('response.done', undefined, from);
    expect(c.types(from)).toEqual([
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.mcp_call_arguments.done',
      'response.mcp_call.in_progress',
      'response.mcp_call.completed',
      'response.output_item.done',
      'conversation.item.done',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const answer = c.events[from]!;
    expect(answer.item).toMatchObject({ type: 'mcp_approval_response', approval_request_id: requestId, approve: true });
    expect(answer.previous_item_id).toBe(requestId);
    const call = (done.response as { output: Record<string, unknown>[] }).output[0]!;
    expect(call).toMatchObject({ type: 'mcp_call', name: 'add', arguments: '{"a":20,"b":22}', approval_request_id: requestId, output: '42', status: 'completed' });
    expect(mcp.calls.at(-1)).toMatchObject({ tool: 'add', args: { a: 20, b: 22 } });
    const messages = h.llm.requests[1]!.body.messages;
    expect(messages.slice(-2)).toEqual([
      { role: 'assistant', content: 'I will add them.', tool_calls: [{ id: call.id, type: 'function', function: { name: 'mcp__calc__add', arguments: '{"a":20,"b":22}' } }] },
      { role: 'tool', tool_call_id: call.id, content: '42' },
    ]);

    // A second answer to the same request is refused.
    c.send({ type: 'conversation.item.create', event_id: 'again', item: { type: 'mcp_approval_response', approval_request_id: requestId, approve: false } });
    const error = await c.waitFor('error', (e) => (e.error as { event_id?: string }).event_id === 'again', from);
    expect(error.error).toMatchObject({ code: 'invalid_item', message: `MCP approval request '${requestId}' has already been answered.` });
    expect(c.invalid).toEqual([]);
  });

  it('denied: the call does not run, and the LLM is told it was denied and why', async () => {
    const c = await connect();
    const { requestId, from } = await requestApproval(c);
    const before = mcp.calls.length;
    h.llm.enqueue({ text: ['Alright, I will not.'] });
    c.send({ type: 'conversation.item.create', item: { type: 'mcp_approval_response', approval_request_id: requestId, approve: false, reason: 'Not now.' } });
    const done = await c.waitFor('response.done', undefined, from);
    expect(done.response).toMatchObject({ status: 'completed', output: [{ type: 'message', content: [{ text: 'Alright, I will not.' }] }] });
    expect(c.types(from)).not.toContain('response.mcp_call.in_progress');
    expect(mcp.calls.length).toBe(before);
    const messages = h.llm.requests[1]!.body.messages;
    expect(messages.slice(-2)).toEqual([
      { role: 'assistant', content: 'I will add them.', tool_calls: [{ id: requestId, type: 'function', function: { name: 'mcp__calc__add', arguments: '{"a":20,"b":22}' } }] },
      { role: 'tool', tool_call_id: requestId, content: 'The user denied this call, so it did not run. Reason: Not now.' },
    ]);
  });

  it('per-tool require_approval: read-only lookups run at once, the rest ask', async () => {
    const c = await connect();
    await configure(c, [calc({ require_approval: { never: { read_only: true } } })]);
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__lookup', arguments: ['{"key":"k"}'] }, { name: 'mcp__calc__add', arguments: ['{"a":1,"b":1}'] }] });
    await say(c, 'Look up k and add 1 and 1.');
    const done = await respond(c);
    // The lookup ran; the add waits for approval, so the response stops there.
    expect(done.response).toMatchObject({
      status: 'completed',
      output: [{ type: 'mcp_call', name: 'lookup', output: 'value of k' }, { type: 'mcp_approval_request', name: 'add' }],
    });
    expect(h.llm.requests).toHaveLength(1);
  });
});

describe('MCP on a Voice Live connection', () => {
  it('a bare response.create sent after response.mcp_call.completed (the hosted pattern) does not cut the answer off', async () => {
    const c = await connect(VL_PATH);
    await configure(c, [calc({ require_approval: 'never' })], 'voicelive');
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":1,"b":1}'] }] }, { text: ['Two', ' it', ' is.'], delayMs: 60 });
    await say(c, '1+1?');
    const from = c.events.length;
    c.send({ type: 'response.create' });
    await c.waitFor('response.mcp_call.completed', undefined, from);
    c.send({ type: 'response.create' }); // Voice Live's cancel_previous defaults to true
    const done = await c.waitFor('response.done', undefined, from);
    expect(done.response).toMatchObject({ status: 'completed', output: [{ type: 'mcp_call' }, { type: 'message', content: [{ text: 'Two it is.' }] }] });
    expect(ofType(c.events.slice(from), 'warning')[0]!.warning).toMatchObject({ code: 'response_create_ignored' });
    expect(c.types(from).filter((t) => t === 'response.created')).toHaveLength(1);
    // That ask was the one for this call: a later one is a real response.
    h.llm.enqueue({ text: ['More.'] });
    const next = await respond(c);
    expect(next.response).toMatchObject({ output: [{ type: 'message' }] });
    expect(c.invalid).toEqual([]);
  });

  it('lists and calls with Voice Live event names, every frame valid for the Voice Live client', async () => {
    const c = await connect(VL_PATH);
    const start = c.events.length;
    await configure(c, [calc({ require_approval: 'never' })], 'voicelive');
    expect(c.types(start)).toEqual(['session.updated', 'mcp_list_tools.in_progress', 'conversation.item.created', 'mcp_list_tools.completed']);
    expect(ofType(c.events.slice(start), 'conversation.item.created')[0]!.item).toMatchObject({ type: 'mcp_list_tools', tools: expect.any(Array) });
    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":2,"b":2}'] }] }, { text: ['Four.'] });
    await say(c, '2+2?');
    const from = c.events.length;
    const done = await respond(c);
    expect(c.types(from).slice(0, 8)).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.created',
      'response.mcp_call_arguments.delta',
      'response.mcp_call_arguments.done',
      'response.mcp_call.in_progress',
      'response.mcp_call.completed',
      'response.output_item.done',
    ]);
    expect(done.response).toMatchObject({ status: 'completed', output: [{ type: 'mcp_call', output: '4' }, { type: 'message', content: [{ type: 'text', text: 'Four.' }] }] });
    expect(c.invalid).toEqual([]);
  });
});
