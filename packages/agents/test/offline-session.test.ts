/**
 * RealtimeSession against the scripted server (no network, no model): tools and their
 * arguments, approvals, handoffs, guardrails, interruptions, MCP, history, dialects.
 */
import { RealtimeAgent, RealtimeSession, ScriptedRealtimeServer, tool, type RealtimeOutputGuardrail, type ScriptedOutput } from '@parley/agents';
import type { ClientEvent, Dialect } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventually, record, settle } from './support/recorder.js';

const sessions: RealtimeSession<any>[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

async function start<T>(agent: RealtimeAgent<T>, options: ConstructorParameters<typeof RealtimeSession<T>>[1] = {}, server = new ScriptedRealtimeServer({ delayMs: 2 }), dialect: Dialect = 'ga') {
  const session = new RealtimeSession(agent, options);
  sessions.push(session);
  const rec = record(session);
  await session.connect(server.connectOptions(dialect));
  return { session, rec, server, connection: server.connection! };
}

/** The client events of `type` the server received. */
const sent = <T extends ClientEvent['type']>(server: ScriptedRealtimeServer, type: T) =>
  server.connection!.socket.events.filter((event): event is Extract<ClientEvent, { type: T }> => event.type === type);

const weatherCalls: unknown[] = [];
const getWeather = tool({
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']).default('celsius') }),
  execute: ({ city, unit }) => {
    weatherCalls.push({ city, unit });
    return `21 degrees ${unit} and sunny in ${city}.`;
  },
});

const text = (...pieces: string[]): ScriptedOutput => ({ type: 'text', text: pieces });
const call = (name: string, args: unknown): ScriptedOutput => ({ type: 'function_call', name, arguments: args });

describe('function tools', () => {
  it('runs the tool with the parsed arguments, sends its output and asks the model to go on', async () => {
    weatherCalls.length = 0;
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('get_weather', { city: 'Paris' })], [text('It is sunny in Paris.')]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'Weather', instructions: 'Use the tool.', tools: [getWeather] }), {}, server);

    session.sendMessage('Weather in Paris?');
    await server.responsesEnded(2);
    await settle(20);

    expect(weatherCalls).toEqual([{ city: 'Paris', unit: 'celsius' }]);
    expect(rec.of('agent_tool_end').map(([, agent, t, result]) => [agent.name, t.name, result])).toEqual([['Weather', 'get_weather', '21 degrees celsius and sunny in Paris.']]);
    expect(rec.of('agent_end').map(([, , output]) => output)).toEqual(['', 'It is sunny in Paris.']);
    // The second response saw the call's output.
    expect(server.requests[1]!.conversation.at(-1)).toMatchObject({ type: 'function_call_output', output: '21 degrees celsius and sunny in Paris.' });
    expect(sent(server, 'response.create')).toHaveLength(2);
    expect(session.history.map((item) => item.type)).toEqual(['message', 'function_call', 'message']);
    expect(session.history[1]).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed', output: '21 degrees celsius and sunny in Paris.' });
    expect(rec.of('error')).toEqual([]);
  });

  it('arguments that do not match the schema go back to the model, worded for it, and the tool does not run', async () => {
    weatherCalls.length = 0;
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('get_weather', { city: 42 })], [text('Which city?')]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'Weather', tools: [getWeather] }), {}, server);

    session.sendMessage('Weather?');
    await server.responsesEnded(2);

    expect(weatherCalls).toEqual([]);
    const output = server.requests[1]!.conversation.at(-1) as { type: string; output: string };
    expect(output.type).toBe('function_call_output');
    expect(output.output).toMatch(/^The arguments for get_weather did not match its parameters, so it did not run:/);
    expect(output.output).toMatch(/expected string, received number[\s\S]*city/);
    expect(rec.of('agent_tool_end')[0]![3]).toBe(output.output);
  });

  it('JSON that does not parse is reported to the model too', async () => {
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('get_weather', '{"city": "Par')], [text('Sorry.')]);
    const { session } = await start(new RealtimeAgent({ name: 'Weather', tools: [getWeather] }), {}, server);
    session.sendMessage('Weather?');
    await server.responsesEnded(2);
    expect(server.requests[1]!.conversation.at(-1)).toMatchObject({ output: expect.stringMatching(/^The arguments for get_weather were not valid JSON/) });
  });

  it('a tool that throws: the model hears the error, the session goes on', async () => {
    const broken = tool({ name: 'broken', description: 'Fails.', execute: () => { throw new Error('disk full'); } });
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('broken', {})], [text('It failed.')]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'A', tools: [broken] }), {}, server);
    session.sendMessage('Go.');
    await server.responsesEnded(2);
    expect(server.requests[1]!.conversation.at(-1)).toMatchObject({ output: 'An error occurred while running the tool broken, so it has no result: disk full' });
    expect(rec.of('agent_end').at(-1)![2]).toBe('It failed.');
  });

  it('a call of a tool the agent does not have: an error event, and the model is told', async () => {
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('launch_rockets', {})], [text('I cannot.')]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'A', tools: [getWeather] }), {}, server);
    session.sendMessage('Launch.');
    await server.responsesEnded(2);
    expect(rec.of('error').map(([e]) => (e.error as Error).message)).toEqual(['The model called tool launch_rockets, which agent A does not have.']);
    expect(server.requests[1]!.conversation.at(-1)).toMatchObject({ output: 'There is no tool named launch_rockets; use only the tools you were given.' });
  });

  it('two calls in one response: one follow-up response, after both outputs', async () => {
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('get_weather', { city: 'Paris' }), call('get_weather', { city: 'Rome' })], [text('Both sunny.')]);
    const { session } = await start(new RealtimeAgent({ name: 'W', tools: [getWeather] }), {}, server);
    session.sendMessage('Paris and Rome?');
    await server.responsesEnded(2);
    await settle(20);
    expect(sent(server, 'response.create')).toHaveLength(2);
    expect(server.requests[1]!.conversation.filter((item) => item.type === 'function_call_output')).toHaveLength(2);
  });
});

describe('approval', () => {
  const refund = (runs: unknown[]) =>
    tool({
      name: 'refund',
      description: 'Refunds an order.',
      parameters: z.object({ order: z.string() }),
      needsApproval: async (_ctx, { order }) => order !== 'free',
      execute: ({ order }) => {
        runs.push(order);
        return `Refunded ${order}.`;
      },
    });

  it('approve: the tool runs after the user says yes', async () => {
    const runs: unknown[] = [];
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('refund', { order: 'A1' })], [text('Done.')]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'Billing', tools: [refund(runs)] }), {}, server);
    session.on('tool_approval_requested', (_ctx, _agent, request) => {
      expect(runs).toEqual([]);
      void session.approve(request.approvalItem);
    });
    session.sendMessage('Refund A1.');
    await server.responsesEnded(2);
    expect(runs).toEqual(['A1']);
    const [[, agent, request]] = rec.of('tool_approval_requested') as [[unknown, RealtimeAgent, { type: string; approvalItem: { name: string; arguments: string; rawItem: { type: string } } }]];
    expect(agent.name).toBe('Billing');
    expect(request.type).toBe('function_approval');
    expect(request.approvalItem).toMatchObject({ name: 'refund', arguments: '{"order":"A1"}', rawItem: { type: 'function_call' } });
  });

  it('reject: the tool never runs and the model gets the message', async () => {
    const runs: unknown[] = [];
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('refund', { order: 'A1' })], [text('Okay, no refund.')]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'Billing', tools: [refund(runs)] }), {}, server);
    session.on('tool_approval_requested', (_ctx, _agent, request) => void session.reject(request.approvalItem, { message: 'The manager said no.' }));
    session.sendMessage('Refund A1.');
    await server.responsesEnded(2);
    expect(runs).toEqual([]);
    expect(rec.of('agent_tool_start')).toEqual([]);
    expect(server.requests[1]!.conversation.at(-1)).toMatchObject({ type: 'function_call_output', output: 'The manager said no.' });
  });

  it('needsApproval per call, and alwaysApprove answers later calls without asking', async () => {
    const runs: unknown[] = [];
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('refund', { order: 'free' })], [call('refund', { order: 'B2' })], [call('refund', { order: 'C3' })], [text('All done.')]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'Billing', tools: [refund(runs)] }), {}, server);
    session.on('tool_approval_requested', (_ctx, _agent, request) => void session.approve(request.approvalItem, { alwaysApprove: true }));
    session.sendMessage('Refund everything.');
    await server.responsesEnded(4);
    expect(runs).toEqual(['free', 'B2', 'C3']);
    // 'free' needs none; B2 asked; C3 approved by the standing answer.
    expect(rec.of('tool_approval_requested').map(([, , r]) => r.approvalItem.arguments)).toEqual(['{"order":"B2"}']);
  });

  it('approving twice is a mistake the session names', async () => {
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('refund', { order: 'A1' })], [text('Done.')]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'Billing', tools: [refund([])] }), {}, server);
    session.sendMessage('Refund A1.');
    const [[, , request]] = await eventually('the approval request', () => rec.of('tool_approval_requested').length > 0 && rec.of('tool_approval_requested'));
    await session.approve(request.approvalItem);
    await expect(session.approve(request.approvalItem)).rejects.toThrow(/not waiting for approval/);
  });
});

describe('handoffs', () => {
  it('swaps instructions, tools and voice on the live session, with agent_handoff between agent_end and agent_start', async () => {
    const billing = new RealtimeAgent({ name: 'Billing Agent', instructions: 'You handle billing.', tools: [getWeather], voice: 'verse', handoffDescription: 'Billing questions.' });
    const triage = new RealtimeAgent({ name: 'Triage', instructions: (ctx) => `Route ${(ctx.context as { caller: string }).caller}.`, handoffs: [billing] });
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('transfer_to_billing_agent', {})], [text('Billing here.')]);
    const { session, rec } = await start(triage, { context: { caller: 'Ada' } }, server);

    expect(server.connection!.session.instructions).toBe('Route Ada.');
    expect(server.connection!.session.tools).toEqual([
      expect.objectContaining({ type: 'function', name: 'transfer_to_billing_agent', description: 'Handoff to the Billing Agent agent to handle the request. Billing questions.' }),
    ]);
    session.sendMessage('I was charged twice.');
    await server.responsesEnded(2);

    expect(rec.story()).toEqual(['agent_start', 'agent_handoff', 'agent_end', 'agent_start', 'agent_end']);
    const [[, from, to]] = rec.of('agent_handoff');
    expect([from.name, to.name]).toEqual(['Triage', 'Billing Agent']);
    expect(rec.of('agent_end').map(([, agent, output]) => [agent.name, output])).toEqual([
      ['Triage', ''],
      ['Billing Agent', 'Billing here.'],
    ]);
    expect(session.currentAgent).toBe(billing);
    const second = server.requests[1]!;
    expect(second.session.instructions).toBe('You handle billing.');
    expect(second.session.tools.map((t) => t.type === 'function' && t.name)).toEqual(['get_weather']);
    expect(second.session.audio.output.voice).toBe('verse');
    expect(second.conversation.at(-1)).toMatchObject({ type: 'function_call_output', output: '{"assistant":"Billing Agent"}' });
  });
});

describe('output guardrails', () => {
  const noCodes: RealtimeOutputGuardrail = {
    name: 'no_codes',
    policyHint: 'Never say a launch code',
    execute: ({ agentOutput }) => ({ tripwireTriggered: /\d{4}/.test(agentOutput), outputInfo: { found: agentOutput.match(/\d{4}/)?.[0] } }),
  };

  it('cuts the answer as it streams, emits guardrail_tripped once, and the model is told why', async () => {
    const server = new ScriptedRealtimeServer({ delayMs: 5 });
    server.enqueue([text('The code ', 'is 4242', ' and also', ' 1234 and', ' more', ' more', ' more.')], [text('Sorry, I cannot share that.')]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'Keeper', outputGuardrails: [noCodes] }), { outputGuardrailSettings: { debounceTextLength: 5 } }, server);
    session.sendMessage('The code?');
    await server.responsesEnded(2);
    await settle(20);

    const trips = rec.of('guardrail_tripped');
    expect(trips).toHaveLength(1);
    const [, agent, error, details] = trips[0]!;
    expect(agent.name).toBe('Keeper');
    expect(error.result.guardrail).toEqual({ type: 'output', name: 'no_codes', policyHint: 'Never say a launch code' });
    expect(error.message).toBe('Output guardrail triggered: {"found":"4242"}');
    expect(details.itemId).toBe(server.responses[0]!.output[0]!.id);
    expect(server.responses[0]!.status).toBe('cancelled');
    expect(sent(server, 'response.cancel')).toHaveLength(1);
    const said = session.history.find((item) => item.type === 'message' && item.role === 'assistant');
    expect(said).toMatchObject({ status: 'incomplete' });
    expect(JSON.stringify(said)).not.toContain('more');
    const feedback = server.requests[1]!.conversation.at(-1) as { role: string; content: { text: string }[] };
    expect(feedback.role).toBe('user');
    expect(feedback.content[0]!.text).toContain('Failed Guardrail Reason: Never say a launch code.');
    expect(rec.of('agent_end').at(-1)![2]).toBe('Sorry, I cannot share that.');
  });

  it('debounceTextLength -1: checked once, on the whole answer', async () => {
    const seen: string[] = [];
    const watcher: RealtimeOutputGuardrail = { name: 'watch', execute: ({ agentOutput }) => (seen.push(agentOutput), { tripwireTriggered: false }) };
    const server = new ScriptedRealtimeServer();
    server.enqueue([text('One ', 'two ', 'three.')]);
    const { session } = await start(new RealtimeAgent({ name: 'A' }), { outputGuardrails: [watcher], outputGuardrailSettings: { debounceTextLength: -1 } }, server);
    session.sendMessage('Count.');
    await server.responsesEnded(1);
    await settle(10);
    expect(seen).toEqual(['One two three.']);
  });

  it('an answer the last streamed check saw whole is not checked again at its end', async () => {
    const seen: string[] = [];
    const watcher: RealtimeOutputGuardrail = { name: 'watch', execute: ({ agentOutput }) => (seen.push(agentOutput), { tripwireTriggered: false }) };
    const server = new ScriptedRealtimeServer();
    server.enqueue([text('12345', '67890')]);
    const { session } = await start(new RealtimeAgent({ name: 'A', outputGuardrails: [watcher] }), { outputGuardrailSettings: { debounceTextLength: 5 } }, server);
    session.sendMessage('Count.');
    await server.responsesEnded(1);
    await settle(10);
    expect(seen).toEqual(['12345', '1234567890']);
  });
});

describe('interruptions and audio', () => {
  const speech: ScriptedOutput = { type: 'audio', transcript: ['Once ', 'upon ', 'a ', 'time ', 'there ', 'was ', 'a ', 'cat.'] };

  it('interrupt(): cancels, emits audio_interrupted and truncates to the ms heard; history keeps what was heard', async () => {
    const server = new ScriptedRealtimeServer({ delayMs: 20 });
    server.enqueue([speech]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'Teller' }), {}, server);
    session.sendMessage('A story.');
    await eventually('four audio deltas', () => rec.of('audio').length >= 4);
    session.interrupt({ playedMs: 250 });
    await server.responsesEnded(1);
    await eventually('the retrieved item', () => sent(server, 'conversation.item.retrieve').length > 0 && rec.of('history_updated').length);
    await settle(30);

    expect(rec.story()).toEqual(['agent_start', 'audio_start', 'audio_interrupted', 'audio_stopped', 'agent_end']);
    const [truncate] = sent(server, 'conversation.item.truncate');
    const itemId = rec.of('audio')[0]![0].itemId;
    expect(truncate).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: 250 });
    expect(sent(server, 'response.cancel')).toHaveLength(1);
    expect(session.history.find((item) => item.itemId === itemId)).toMatchObject({ content: [{ type: 'output_audio', transcript: 'Once upon' }] });
    expect(rec.of('audio')[0]![0]).toMatchObject({ type: 'audio', responseId: server.responses[0]!.id, contentIndex: 0 });
    expect(rec.of('audio')[0]![0].data.byteLength).toBe(4800);
  });

  it('the user speaking over the agent: truncated at the position the player reported', async () => {
    const server = new ScriptedRealtimeServer({ delayMs: 20 });
    server.enqueue([speech]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'Teller' }), {}, server);
    session.sendMessage('A story.');
    await eventually('three audio deltas', () => rec.of('audio').length >= 3);
    session.reportPlayback(120);
    server.connection!.userStartsSpeaking();
    await server.responsesEnded(1);
    await eventually('the truncation', () => sent(server, 'conversation.item.truncate').length > 0);
    expect(rec.of('audio_interrupted')).toHaveLength(1);
    expect(sent(server, 'conversation.item.truncate')[0]!.audio_end_ms).toBe(120);
    // The server cancelled the response itself; the session does not cancel it again.
    expect(sent(server, 'response.cancel')).toEqual([]);
    expect(server.responses[0]!.status_details).toEqual({ type: 'cancelled', reason: 'turn_detected' });
  });

  it('speech after the answer was fully heard interrupts nothing', async () => {
    const server = new ScriptedRealtimeServer();
    server.enqueue([{ type: 'audio', transcript: ['Hi.'] }]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'A' }), {}, server);
    session.sendMessage('Hello.');
    await server.responsesEnded(1);
    session.reportPlayback(100);
    server.connection!.userStartsSpeaking();
    await settle(20);
    expect(rec.of('audio_interrupted')).toEqual([]);
    expect(sent(server, 'conversation.item.truncate')).toEqual([]);
  });

  it('mute: audio is not sent while muted', async () => {
    const { session, server } = await start(new RealtimeAgent({ name: 'A' }));
    session.mute(true);
    session.sendAudio(new Int16Array(480));
    expect(session.muted).toBe(true);
    session.mute(false);
    session.sendAudio(new Int16Array(240));
    await settle(10);
    expect(sent(server, 'input_audio_buffer.append').map((e) => e.audio.length)).toEqual([480]);
  });
});

describe('MCP servers', () => {
  it('lists tools, asks for approval, answers the server, and reports the finished call', async () => {
    const server = new ScriptedRealtimeServer({ mcpServers: { calc: [{ name: 'add', description: 'Adds.' }], other: [{ name: 'nope' }] } });
    const agent = new RealtimeAgent({ name: 'Calc', mcpServers: [{ serverLabel: 'calc', serverUrl: 'http://mcp.test/mcp', requireApproval: 'always' }] });
    server.enqueue(
      [{ type: 'mcp_approval_request', serverLabel: 'calc', name: 'add', arguments: { a: 2, b: 3 } }],
      [{ type: 'mcp_call', serverLabel: 'calc', name: 'add', arguments: { a: 2, b: 3 }, output: '5' }, text('It is 5.')],
    );
    const { session, rec } = await start(agent, {}, server);
    session.on('tool_approval_requested', (_ctx, _agent, request) => void session.approve(request.approvalItem));
    await eventually('mcp_tools_changed', () => rec.of('mcp_tools_changed').length > 0);
    expect(session.availableMcpTools.map((t) => [t.server_label, t.name])).toEqual([['calc', 'add']]);
    expect(server.connection!.session.tools).toEqual([{ type: 'mcp', server_label: 'calc', server_url: 'http://mcp.test/mcp', require_approval: 'always' }]);

    session.sendMessage('2 + 3?');
    await server.responsesEnded(2);
    await settle(10);
    expect(sent(server, 'conversation.item.create').at(-1)!.item).toMatchObject({ type: 'mcp_approval_response', approve: true });
    // The server answers the approval with its own response: the session asks for none.
    expect(sent(server, 'response.create')).toHaveLength(1);
    expect(rec.of('mcp_tool_call_completed').map(([, , item]) => [item.name, item.output])).toEqual([['add', '5']]);
    expect(session.history.find((item) => item.type === 'mcp_approval_request')).toMatchObject({ name: 'add', arguments: { a: 2, b: 3 }, approved: true });
  });
});

describe('history and the server', () => {
  it('follows deletions and inserts items where the server put them', async () => {
    const { session, rec, server } = await start(new RealtimeAgent({ name: 'A' }));
    session.transport.createItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'second' }] });
    await eventually('one item', () => session.history.length === 1);
    session.transport.createItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'first' }] }, 'root');
    await eventually('two items', () => session.history.length === 2);
    expect(session.history.map((item) => item.type === 'message' && item.content[0]!.type === 'input_text' && item.content[0]!.text)).toEqual(['first', 'second']);
    session.transport.deleteItem(session.history[1]!.itemId);
    await eventually('the deletion', () => session.history.length === 1);
    expect(rec.of('history_added')).toHaveLength(2);
    expect(rec.of('history_updated').at(-1)![0]).toBe(session.history);
    expect(session.context.context.history).toBe(session.history);
    expect(server.connection!.conversation).toHaveLength(1);
  });

  it('a response the server starts itself (a detected turn) is followed like any other', async () => {
    const server = new ScriptedRealtimeServer();
    server.enqueue([text('You said something?')]);
    const { rec } = await start(new RealtimeAgent({ name: 'A' }), {}, server);
    await server.connection!.respond();
    await settle(10);
    expect(rec.story()).toEqual(['agent_start', 'agent_end']);
    expect(rec.of('agent_end')[0]![2]).toBe('You said something?');
    expect(sent(server, 'response.create')).toEqual([]);
  });

  it('a server error reaches error; a cancel with nothing to cancel (a race) does not', async () => {
    const { session, rec } = await start(new RealtimeAgent({ name: 'A' }));
    session.interrupt();
    session.transport.retrieveItem('item_missing');
    await eventually('the error', () => rec.of('error').length > 0);
    await settle(20);
    expect(rec.of('error').map(([e]) => (e.error as { code: string }).code)).toEqual(['item_not_found']);
  });

  it('a reconnect is a new server session: the history starts again, the agent is set up again, waiting approvals are dropped', async () => {
    const runs: unknown[] = [];
    const guarded = tool({ name: 'guarded', description: 'Needs approval.', needsApproval: true, execute: () => void runs.push('ran') });
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('guarded', {})]);
    const session = new RealtimeSession(new RealtimeAgent({ name: 'A', instructions: 'Be A.', tools: [guarded] }));
    sessions.push(session);
    const rec = record(session);
    await session.connect({ ...server.connectOptions(), reconnect: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 } });
    session.sendMessage('Go.');
    const [[, , request]] = await eventually('the approval request', () => rec.of('tool_approval_requested').length > 0 && rec.of('tool_approval_requested'));
    expect(session.history.length).toBeGreaterThan(0);

    server.connection!.socket.drop();
    await eventually('the second connection', () => server.connections.length === 2 && sent(server, 'session.update').length > 0);
    await eventually('the emptied history', () => session.history.length === 0);
    expect(rec.of('history_updated').at(-1)![0]).toEqual([]);
    expect(sent(server, 'session.update')[0]!.session).toMatchObject({ instructions: 'Be A.', tools: [expect.objectContaining({ name: 'guarded' })] });
    await expect(session.approve(request.approvalItem)).rejects.toThrow(/not waiting for approval/);
    await settle(20);
    expect(runs).toEqual([]);
    expect(sent(server, 'conversation.item.create')).toEqual([]);
  });

  it.each(['voicelive', 'beta'] as const)('works the same in the %s dialect', async (dialect) => {
    weatherCalls.length = 0;
    const server = new ScriptedRealtimeServer();
    server.enqueue([call('get_weather', { city: 'Oslo' })], [text('Cold in Oslo.')]);
    const { session, rec } = await start(new RealtimeAgent({ name: 'W', tools: [getWeather] }), {}, server, dialect);
    session.sendMessage('Oslo?');
    await server.responsesEnded(2);
    await settle(10);
    expect(server.connection!.socket.refused).toEqual([]);
    expect(weatherCalls).toEqual([{ city: 'Oslo', unit: 'celsius' }]);
    expect(rec.of('agent_end').map(([, , output]) => output)).toEqual(['', 'Cold in Oslo.']);
    expect(session.history.at(-1)).toMatchObject({ role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Cold in Oslo.' }] });
  });
});
