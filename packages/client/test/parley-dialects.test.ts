/**
 * The client against a real Parley server on a socket (scripted LLM), in each dialect: what an
 * application sees through `on` is the same canonical stream whichever dialect is on the wire.
 */
import {
  base64ToBytes,
  chunkPcm16,
  parleyEndpoint,
  RealtimeClient,
  type ConnectionStatus,
  type Dialect,
  type RealtimeClientOptions,
  type ServerEvent,
} from '@parley/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../server/test/support/harness.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { tonePcm16 } from './support/tone.js';

let h: Harness;
let proxy: TcpProxy | undefined;
const clients: RealtimeClient[] = [];

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await proxy?.close();
  proxy = undefined;
  await h.stop();
});

interface Recorded {
  client: RealtimeClient;
  /** Canonical types, in the order `on('*')` saw them. */
  types: string[];
  /** Wire types, in order. */
  wire: string[];
  events: ServerEvent[];
  statuses: ConnectionStatus[];
}

/** A client with every listener on before it connects, connected, with its session.created in. */
async function connected(dialect: Dialect, options: Partial<RealtimeClientOptions> = {}, baseUrl = h.server.wsUrl): Promise<Recorded> {
  const client = new RealtimeClient({ ...parleyEndpoint({ baseUrl, dialect }), auth: { type: 'bearer', token: 'sk-test' }, ...options });
  clients.push(client);
  const recorded: Recorded = { client, types: [], wire: [], events: [], statuses: [] };
  client.on('*', (event, frame) => {
    recorded.types.push(event.type);
    recorded.wire.push(frame.type);
    recorded.events.push(event);
  });
  client.on('state', (state) => recorded.statuses.push(state.status));
  const created = client.waitFor('session.created', { timeoutMs: 5000 });
  await client.connect();
  await created;
  return recorded;
}

const userText = (text: string) => ({ type: 'message' as const, role: 'user' as const, content: [{ type: 'input_text' as const, text }] });

/** From the assistant message's first part to its item's end: the same in every dialect. */
const TEXT_STREAM = [
  'response.content_part.added',
  'response.output_text.delta',
  'response.output_text.delta',
  'response.output_text.delta',
  'response.output_text.done',
  'response.content_part.done',
  'response.output_item.done',
];

/** GA announces and finishes each item; beta and Voice Live have one `conversation.item.created` (canonical `.added`). */
const TEXT_TURN: Record<Dialect, string[]> = {
  ga: [
    ...['session.created', 'session.updated', 'conversation.item.added', 'conversation.item.done'],
    ...['response.created', 'response.output_item.added', 'conversation.item.added', ...TEXT_STREAM, 'conversation.item.done', 'response.done'],
  ],
  beta: [
    ...['session.created', 'conversation.created', 'session.updated', 'conversation.item.added'],
    ...['response.created', 'response.output_item.added', 'conversation.item.added', ...TEXT_STREAM, 'response.done'],
  ],
  voicelive: [
    ...['session.created', 'session.updated', 'conversation.item.added'],
    ...['response.created', 'response.output_item.added', 'conversation.item.added', ...TEXT_STREAM, 'response.done'],
  ],
};

const WEATHER_TOOL = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe.each(['ga', 'beta', 'voicelive'] as const)('%s', (dialect) => {
  it('session.update round trip: the server’s session.updated, folded to the canonical shape, holds what was asked', async () => {
    const { client } = await connected(dialect);
    const updated = client.waitFor('session.updated', { timeoutMs: 5000 });
    client.updateSession({
      instructions: 'Answer in one sentence.',
      output_modalities: ['text'],
      audio: { input: { turn_detection: null } },
      tools: [WEATHER_TOOL],
      tool_choice: 'required',
      max_output_tokens: 200,
    });
    const { session } = await updated;
    expect(session.instructions).toBe('Answer in one sentence.');
    expect(session.output_modalities).toEqual(['text']);
    expect(session.audio.input.turn_detection).toBeNull();
    expect(session.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(session.tools).toEqual([WEATHER_TOOL]);
    expect(session.tool_choice).toBe('required');
    expect(session.max_output_tokens).toBe(200);
    expect(client.session).toBe(session);
  });

  it('a text turn: on() sees the canonical events in the server’s exact order', async () => {
    h.llm.enqueue({ text: ['Hello', ' there', '!'] });
    const r = await connected(dialect);
    const deltas: string[] = [];
    r.client.on('response.output_text.delta', (event) => deltas.push(event.delta));
    r.client.updateSession({ output_modalities: ['text'] });
    r.client.createItem(userText('Hi!'));
    r.client.createResponse();
    const done = await r.client.waitFor('response.done', { timeoutMs: 5000 });
    expect(r.types).toEqual(TEXT_TURN[dialect]);
    expect(deltas).toEqual(['Hello', ' there', '!']);
    expect(done.response.status).toBe('completed');
    expect(done.response.output[0]).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello there!' }] });
    // The frames kept their dialect's names.
    const textDelta = r.types.indexOf('response.output_text.delta');
    expect(r.wire[textDelta]).toBe(dialect === 'ga' ? 'response.output_text.delta' : 'response.text.delta');
    expect(h.llm.requests[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: 'Hi!' });
  });

  it('a function-call turn: the call streams, completes with its name, and its output feeds the next response', async () => {
    h.llm.enqueue({ toolCalls: [{ name: 'get_weather', arguments: ['{"city":', '"Paris"}'] }] }, { text: ['It is 21 degrees in Paris.'] });
    const r = await connected(dialect);
    r.client.updateSession({ output_modalities: ['text'], tools: [WEATHER_TOOL] });
    r.client.createItem(userText('Weather in Paris?'));
    r.client.createResponse();
    const first = await r.client.waitFor('response.done', { timeoutMs: 5000 });
    const turn = r.types.slice(r.types.indexOf('response.created'));
    expect(turn).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      ...(dialect === 'ga' ? ['conversation.item.done'] : []),
      'response.done',
    ]);
    const added = r.events.find((e): e is ServerEvent<'response.output_item.added'> => e.type === 'response.output_item.added')!;
    expect(added.item).toMatchObject({ type: 'function_call', status: 'in_progress', name: 'get_weather' });
    const argsDone = r.events.find((e): e is ServerEvent<'response.function_call_arguments.done'> => e.type === 'response.function_call_arguments.done')!;
    // Beta's wire event has no name; the client fills it in from the call's item.
    expect(argsDone).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    const call = first.response.output[0]!;
    expect(call).toMatchObject({ type: 'function_call', status: 'completed', name: 'get_weather', arguments: '{"city":"Paris"}' });
    if (call.type !== 'function_call') throw new Error('expected a function call');

    r.client.sendFunctionCallOutput(call.call_id, '{"temp_c":21}');
    r.client.createResponse();
    const second = await r.client.waitFor('response.done', { predicate: (e) => e.response.id !== first.response.id, timeoutMs: 5000 });
    expect(second.response.output[0]).toMatchObject({ content: [{ type: 'output_text', text: 'It is 21 degrees in Paris.' }] });
    const toolMessage = (await h.llm.request(1)).body.messages.find((m) => m.role === 'tool');
    expect(toolMessage).toMatchObject({ content: '{"temp_c":21}' });
  });

  it('audio append and manual commit: the committed item holds exactly the PCM sent', async () => {
    const r = await connected(dialect);
    r.client.updateSession({ output_modalities: ['text'], audio: { input: { turn_detection: null } } });
    const audio = tonePcm16(300);
    for (const chunk of chunkPcm16(audio, { sampleRate: 24000, chunkMs: 20 })) r.client.appendInputAudio(chunk);
    // Both waits start before the commit: the two events can arrive in one read from the socket.
    const committing = r.client.waitFor('input_audio_buffer.committed', { timeoutMs: 5000 });
    const adding = r.client.waitFor('conversation.item.added', { predicate: (e) => e.item.type === 'message' && e.item.role === 'user', timeoutMs: 5000 });
    r.client.commitInputAudio();
    const [committed, added] = await Promise.all([committing, adding]);
    expect(added.item.id).toBe(committed.item_id);
    expect(added.item).toMatchObject({ type: 'message', role: 'user', content: [{ type: 'input_audio', transcript: null }] });
    r.client.retrieveItem(committed.item_id);
    const { item } = await r.client.waitFor('conversation.item.retrieved', { timeoutMs: 5000 });
    if (item.type !== 'message' || item.content[0]?.type !== 'input_audio') throw new Error(`unexpected item ${JSON.stringify(item)}`);
    expect(Buffer.from(base64ToBytes(item.content[0].audio ?? '')).equals(Buffer.from(audio))).toBe(true);
    expect(r.types).not.toContain('response.created');
  });

  it('errors arrive as error events naming the client event that caused them; the session stays open', async () => {
    const r = await connected(dialect);
    const errors: ServerEvent<'error'>[] = [];
    r.client.on('error', (event) => errors.push(event));
    const cancelId = r.client.cancelResponse();
    const commitId = r.client.commitInputAudio();
    r.client.sendRaw({ type: 'no.such.event', event_id: 'raw_1' });
    await r.client.waitFor('error', { predicate: (e) => e.error.event_id === 'raw_1', timeoutMs: 5000 });
    expect(errors.map((e) => [e.error.code, e.error.event_id])).toEqual([
      ['response_cancel_not_active', cancelId],
      ['input_audio_buffer_commit_empty', commitId],
      ['unknown_event_type', 'raw_1'],
    ]);
    expect(errors[0]!.error.type).toBe('invalid_request_error');
    h.llm.enqueue({ text: ['Still here.'] });
    r.client.createItem(userText('Are you there?'));
    r.client.createResponse({ output_modalities: ['text'] });
    const done = await r.client.waitFor('response.done', { timeoutMs: 5000 });
    expect(done.response.status).toBe('completed');
    expect(r.client.state).toBe('connected');
  });

  it('reconnects after the connection drops: a new session, configured as the old one was', async () => {
    proxy = await startTcpProxy(h.server.port);
    const r = await connected(dialect, { reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 5 } }, proxy.wsUrl);
    const firstId = r.client.session!.id;
    const configured = r.client.waitFor('session.updated', { timeoutMs: 5000 });
    r.client.updateSession({ instructions: 'Talk like a pirate.', output_modalities: ['text'] });
    await configured;

    const reconfigured = r.client.waitFor('session.updated', { predicate: (e) => e.session.id !== firstId, timeoutMs: 5000 });
    proxy.dropAll();
    const { session } = await reconfigured;
    expect(r.statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(session.instructions).toBe('Talk like a pirate.');
    expect(session.output_modalities).toEqual(['text']);
    expect(proxy.connections).toBe(2);

    h.llm.enqueue({ text: ['Arr.'] });
    r.client.createItem(userText('Hello?'));
    r.client.createResponse();
    await r.client.waitFor('response.done', { timeoutMs: 5000 });
    expect(h.llm.requests.at(-1)!.body.messages[0]).toEqual({ role: 'system', content: 'Talk like a pirate.' });
  });
});
