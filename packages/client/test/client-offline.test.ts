/**
 * The client against the in-memory server: decoding per dialect, what the helpers send (checked
 * by Parley's own strict decoder), queueing, the reconnect state machine, and `close()`.
 */
import {
  InMemoryRealtimeServer,
  RealtimeClient,
  type ConnectionState,
  type Dialect,
  type RealtimeClientOptions,
  type ServerEvent,
  type WireFrame,
} from '@parley/client';
import { afterEach, describe, expect, it } from 'vitest';

const URLS: Record<Dialect, string> = {
  ga: 'ws://parley.test/v1/realtime?model=gpt-realtime',
  beta: 'ws://parley.test/openai/realtime?api-version=2024-10-01-preview&deployment=gpt-realtime',
  voicelive: 'ws://parley.test/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime',
};

const clients: RealtimeClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function setup(dialect: Dialect = 'ga', options: Partial<RealtimeClientOptions> = {}) {
  const server = new InMemoryRealtimeServer();
  const client = new RealtimeClient({
    url: URLS[dialect],
    createSocket: server.createSocket,
    reconnect: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 },
    ...options,
  });
  clients.push(client);
  const states: ConnectionState[] = [];
  client.on('state', (state) => states.push(state));
  return { server, client, states, statuses: () => states.map((s) => s.status) };
}

const part = { response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0 };

describe('server events, one vocabulary for every dialect', () => {
  it.each([
    ['ga', 'response.output_text.delta'],
    ['beta', 'response.text.delta'],
    ['voicelive', 'response.text.delta'],
  ] as const)('%s: the wire’s %s reaches on("response.output_text.delta"), with the frame as sent', async (dialect, wireName) => {
    const { server, client } = setup(dialect);
    const seen: [ServerEvent<'response.output_text.delta'>, WireFrame][] = [];
    client.on('response.output_text.delta', (event, frame) => seen.push([event, frame]));
    await client.connect();
    server.connection!.push({ type: 'response.output_text.delta', ...part, delta: 'Hi' });
    const event = await client.waitFor('response.output_text.delta');
    expect(event).toMatchObject({ type: 'response.output_text.delta', delta: 'Hi', item_id: 'item_1' });
    expect(seen).toHaveLength(1);
    expect(seen[0]![1].type).toBe(wireName);
  });

  it('"*" sees every decoded event; "raw" every frame, unknown types included; invalid_frame what is not a frame', async () => {
    const { server, client } = setup('beta');
    const star: string[] = [];
    const raw: string[] = [];
    const invalid: string[] = [];
    client.on('*', (event) => star.push(event.type));
    client.on('raw', (frame) => raw.push(frame.type));
    client.on('invalid_frame', (_data, reason) => invalid.push(reason));
    await client.connect();
    const connection = server.connection!;
    connection.pushFrame({ type: 'conversation.item.created', event_id: 'e1', previous_item_id: null, item: { id: 'i', type: 'message', role: 'user', status: 'completed', content: [] } });
    connection.pushFrame({ type: 'vendor.extension', event_id: 'e2' });
    connection.pushFrame('not json');
    connection.pushFrame('[1,2]');
    connection.push({ type: 'input_audio_buffer.cleared' });
    await client.waitFor('input_audio_buffer.cleared');
    expect(star).toEqual(['session.created', 'conversation.item.added', 'input_audio_buffer.cleared']);
    expect(raw).toEqual(['session.created', 'conversation.item.created', 'vendor.extension', 'input_audio_buffer.cleared']);
    expect(invalid).toEqual([expect.stringMatching(/^not JSON: /), 'not a JSON object with a string "type"']);
  });

  it('keeps the session from session.created / session.updated in canonical (nested) shape, also in flat dialects', async () => {
    const { server, client } = setup('voicelive');
    // Listeners go on before connect(): session.created can arrive in the same tick as the open.
    const sessionCreated = client.waitFor('session.created');
    await client.connect();
    const created = await sessionCreated;
    expect(client.session).toBe(created.session);
    expect(client.session?.audio.output.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(server.connection!.dialect).toBe('voicelive');
  });

  it('a listener that throws does not keep the others from the event; the error goes to onListenerError', async () => {
    const errors: unknown[] = [];
    const { server, client } = setup('ga', { onListenerError: (error) => errors.push(error) });
    const reached: string[] = [];
    client.on('input_audio_buffer.cleared', () => {
      throw new Error('listener bug');
    });
    client.on('input_audio_buffer.cleared', () => reached.push('second'));
    client.on('*', (e) => reached.push(`* ${e.type}`));
    await client.connect();
    server.connection!.push({ type: 'input_audio_buffer.cleared' });
    await client.waitFor('input_audio_buffer.cleared');
    expect(reached).toContain('second');
    expect(reached).toContain('* input_audio_buffer.cleared');
    expect(errors).toEqual([new Error('listener bug')]);
  });

  it('once fires once; the function on returns removes the listener', async () => {
    const { server, client } = setup();
    let once = 0;
    let on = 0;
    client.once('input_audio_buffer.cleared', () => once++);
    const off = client.on('input_audio_buffer.cleared', () => on++);
    await client.connect();
    server.connection!.push({ type: 'input_audio_buffer.cleared' });
    await client.waitFor('input_audio_buffer.cleared');
    off();
    server.connection!.push({ type: 'input_audio_buffer.cleared' });
    await client.waitFor('input_audio_buffer.cleared');
    expect([once, on]).toEqual([1, 1]);
  });
});

describe('client events', () => {
  it.each(['ga', 'beta', 'voicelive'] as const)('%s: every helper sends a frame Parley’s decoder accepts, meaning what was asked', async (dialect) => {
    const { server, client } = setup(dialect);
    await client.connect();
    const connection = server.connection!;
    const ids = [
      client.updateSession({ instructions: 'Be brief.', output_modalities: ['text'], audio: { input: { turn_detection: null } } }),
      client.appendInputAudio(new Int16Array([1, -1, 256])),
      client.commitInputAudio(),
      client.clearInputAudio(),
      client.createItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }, 'root'),
      client.retrieveItem('item_1'),
      client.truncateItem('item_1', 0, 1234.4),
      client.deleteItem('item_1'),
      client.createResponse({ output_modalities: ['text'], instructions: 'Short.' }),
      client.cancelResponse('resp_1'),
      client.sendFunctionCallOutput('call_1', '{"ok":true}'),
      client.sendMcpApprovalResponse('mcpr_1', true),
      client.clearOutputAudio(),
    ];
    await connection.nextEvent('output_audio_buffer.clear');
    expect(connection.refused).toEqual([]);
    expect(connection.events.map((e) => e.event_id)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const [update, append, , , create, , truncate, , response, , output, approval] = connection.events;
    expect(update).toMatchObject({ session: { instructions: 'Be brief.', output_modalities: ['text'], audio: { input: { turn_detection: null } } } });
    expect(append).toMatchObject({ audio: Buffer.from([1, 0, 255, 255, 0, 1]) });
    expect(create).toMatchObject({ previous_item_id: 'root', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] } });
    expect(truncate).toMatchObject({ item_id: 'item_1', content_index: 0, audio_end_ms: 1234 });
    expect(response).toMatchObject({ response: { output_modalities: ['text'], instructions: 'Short.' } });
    expect(output).toMatchObject({ item: { type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' } });
    expect(approval).toMatchObject({ item: { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: true } });
  });

  it('events sent before the socket opens wait; the session config goes first, merged into one update', async () => {
    const { server, client } = setup();
    client.updateSession({ instructions: 'One.', audio: { output: { voice: 'ash' } } });
    client.createItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] });
    const secondId = client.updateSession({ audio: { output: { speed: 1.2 } } });
    await client.connect();
    const connection = server.connection!;
    await connection.nextEvent('conversation.item.create');
    expect(connection.events.map((e) => e.type)).toEqual(['session.update', 'conversation.item.create']);
    expect(connection.events[0]).toEqual({
      type: 'session.update',
      event_id: secondId,
      session: { type: 'realtime', instructions: 'One.', audio: { output: { voice: 'ash', speed: 1.2 } } },
    });
  });

  it('refuses a Voice Live-only event on a GA connection, at the call', async () => {
    const { client } = setup('ga');
    await client.connect();
    expect(() => client.send({ type: 'input_audio.turn.start', turn_id: 't' })).toThrow("'input_audio.turn.start' is not a client event of the ga dialect.");
  });
});

describe('the connection state machine', () => {
  it('an abnormal drop reconnects: a new session, asked for the same configuration first; queued events follow', async () => {
    const { server, client, statuses, states } = setup();
    const firstCreated = client.waitFor('session.created');
    await client.connect();
    const firstSession = (await firstCreated).session;
    client.updateSession({ instructions: 'Remember me.', output_modalities: ['text'] });
    const first = server.connection!;
    await first.nextEvent('session.update');
    const secondCreated = client.waitFor('session.created', { timeoutMs: 2000 });
    first.drop();
    const secondSession = (await secondCreated).session;
    const second = server.connection!;
    expect(second).not.toBe(first);
    expect(secondSession.id).not.toBe(firstSession.id);
    expect(client.session?.id).toBe(secondSession.id);
    expect(statuses()).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(states[2]).toMatchObject({ status: 'reconnecting', attempt: 1, closeCode: 1006 });
    const update = await second.nextEvent('session.update');
    expect(update.session).toEqual({ type: 'realtime', instructions: 'Remember me.', output_modalities: ['text'] });
  });

  it('sends events made while reconnecting after the session config, in order', async () => {
    const { server, client } = setup('ga', { reconnect: { initialDelayMs: 20, maxDelayMs: 20, maxAttempts: 2 } });
    await client.connect();
    client.updateSession({ instructions: 'Config.' });
    const reconnecting = new Promise<void>((resolve) => client.on('state', (s) => s.status === 'reconnecting' && resolve()));
    server.connection!.drop();
    await reconnecting;
    client.createResponse();
    client.cancelResponse();
    const second = await server.waitForConnection(1);
    await second.nextEvent('response.cancel');
    expect(second.events.map((e) => e.type)).toEqual(['session.update', 'response.create', 'response.cancel']);
  });

  it.each([
    [1000, 'a normal close'],
    [1008, 'a policy refusal'],
  ])('does not reconnect after %i (%s)', async (code) => {
    const { server, client, statuses, states } = setup();
    await client.connect();
    server.connection!.close(code, 'bye');
    await new Promise<void>((resolve) => client.on('state', (s) => s.status === 'closed' && resolve()));
    expect(statuses()).toEqual(['connecting', 'connected', 'closed']);
    expect(states.at(-1)).toEqual({ status: 'closed', closeCode: code, closeReason: 'bye' });
    expect(server.connections).toHaveLength(1);
  });

  it('gives up after maxAttempts failed attempts: reconnecting 1…n, then closed with the last error', async () => {
    const { server, client, statuses, states } = setup('ga', { reconnect: { initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 3 } });
    await client.connect();
    const waiting = client.waitFor('response.done');
    server.accepting = false;
    server.connection!.drop();
    await expect(waiting).rejects.toThrow('The client closed while waiting for response.done.');
    expect(statuses()).toEqual(['connecting', 'connected', 'reconnecting', 'reconnecting', 'reconnecting', 'closed']);
    expect(states.slice(2, 5).map((s) => (s.status === 'reconnecting' ? s.attempt : 0))).toEqual([1, 2, 3]);
    expect(states.at(-1)).toMatchObject({ status: 'closed', closeCode: 1006, error: new Error('connect ECONNREFUSED (in-memory server not accepting)') });
    expect(() => client.createResponse()).toThrow('The client is closed');
  });

  it('with reconnect: false, a drop closes the client', async () => {
    const { server, client, statuses } = setup('ga', { reconnect: false });
    await client.connect();
    server.connection!.drop();
    await new Promise<void>((resolve) => client.on('state', (s) => s.status === 'closed' && resolve()));
    expect(statuses()).toEqual(['connecting', 'connected', 'closed']);
  });

  it('a first connection that fails rejects connect() and closes the client, without retrying', async () => {
    const { server, client, statuses } = setup();
    server.accepting = false;
    await expect(client.connect()).rejects.toThrow('connect ECONNREFUSED');
    expect(statuses()).toEqual(['connecting', 'closed']);
    expect(server.connections).toHaveLength(0);
  });

  it('a first connection that never opens times out', async () => {
    const { client, statuses } = setup('ga', { createSocket: () => ({ send() {}, close() {} }), connectTimeoutMs: 30 });
    await expect(client.connect()).rejects.toThrow('The connection did not open within 30 ms.');
    expect(statuses()).toEqual(['connecting', 'closed']);
  });

  it('close() is final: the socket closes with 1000, no event follows, reconnecting stops, connect() refuses', async () => {
    const { server, client, statuses } = setup();
    await client.connect();
    const connection = server.connection!;
    const after: string[] = [];
    client.on('*', (e) => after.push(e.type));
    const closing = client.close();
    connection.push({ type: 'input_audio_buffer.cleared' });
    await closing;
    expect(connection.closedByClient).toEqual({ code: 1000, reason: 'Client closed' });
    expect(after).toEqual([]);
    expect(statuses()).toEqual(['connecting', 'connected', 'closed']);
    await expect(client.connect()).rejects.toThrow('The client is closed');
    expect(() => client.commitInputAudio()).toThrow('The client is closed');
  });

  it.each(['connecting', 'reconnecting'] as const)('a state listener that closes the client on %s stops it there', async (status) => {
    const { server, client, statuses } = setup();
    client.on('state', (state) => {
      if (state.status === status) void client.close();
    });
    if (status === 'connecting') await expect(client.connect()).rejects.toThrow('The client was closed before it connected.');
    else {
      await client.connect();
      server.connection!.drop();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statuses()).toEqual(status === 'connecting' ? ['connecting', 'closed'] : ['connecting', 'connected', 'reconnecting', 'closed']);
    expect(server.connections).toHaveLength(status === 'connecting' ? 0 : 1);
  });

  it('close() while waiting to reconnect cancels the attempt', async () => {
    const { server, client, statuses } = setup('ga', { reconnect: { initialDelayMs: 50, maxDelayMs: 50, maxAttempts: 3 } });
    await client.connect();
    server.connection!.drop();
    await new Promise<void>((resolve) => client.on('state', (s) => s.status === 'reconnecting' && resolve()));
    await client.close();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(server.connections).toHaveLength(1);
    expect(statuses()).toEqual(['connecting', 'connected', 'reconnecting', 'closed']);
  });
});
