/**
 * The WebSocket handshake against a real server on 127.0.0.1:0 with client keys configured:
 * refusals are HTTP statuses with a JSON body, accepted keys arrive by every supported route,
 * `realtime` is echoed as the subprotocol (never the key), the path picks the dialect, a
 * binary frame is answered without closing, and two sessions never see each other.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectRealtime, type RealtimeTestClient, type WireEvent } from '../support/realtime-client.js';
import { startHarness, type Harness } from '../support/harness.js';

const KEY = 'sk-parley-test-key';
const OTHER_KEY = 'sk-second-key';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ apiKeys: [KEY, OTHER_KEY] });
});
afterAll(async () => {
  await h.stop();
});

interface Refusal {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Tries an upgrade; resolves with the HTTP refusal, or with the open socket and the server's upgrade response. */
function attempt(
  path: string,
  options: { headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<{ refused: Refusal } | { ws: WebSocket; upgrade: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${h.server.wsUrl}${path}`, options.protocols ?? [], { headers: options.headers });
    // Frames can arrive in the same chunk as the upgrade response, before `open` handlers run: keep them from the start.
    const received: WireEvent[] = [];
    inbox.set(ws, received);
    ws.on('message', (data) => received.push(JSON.parse(data.toString()) as WireEvent));
    let upgrade: IncomingMessage | undefined;
    ws.once('upgrade', (res) => (upgrade = res));
    ws.once('open', () => resolve({ ws, upgrade: upgrade! }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ refused: { status: res.statusCode ?? 0, headers: res.headers, body } }));
    });
    ws.once('error', reject);
  });
}

async function refused(path: string, options: Parameters<typeof attempt>[1] = {}): Promise<Refusal> {
  const result = await attempt(path, options);
  if ('ws' in result) {
    result.ws.close();
    throw new Error(`${path} was accepted`);
  }
  return result.refused;
}

async function accepted(path: string, options: Parameters<typeof attempt>[1] = {}) {
  const result = await attempt(path, options);
  if ('refused' in result) throw new Error(`${path} was refused: HTTP ${result.refused.status} ${result.refused.body}`);
  return result;
}

const inbox = new WeakMap<WebSocket, WireEvent[]>();

/** The first event a socket received, parsed. */
async function firstEvent(ws: WebSocket): Promise<WireEvent> {
  const received = inbox.get(ws)!;
  const deadline = Date.now() + 5_000;
  while (received.length === 0) {
    if (Date.now() > deadline) throw new Error('no event arrived');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return received[0]!;
}

const bearer = { Authorization: `Bearer ${KEY}` };

describe('refusals', () => {
  it('answers a wrong key with 401 and a JSON error body', async () => {
    const r = await refused('/v1/realtime?model=gpt-realtime', { headers: { Authorization: 'Bearer sk-wrong' } });
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual({
      error: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
    });
  });

  it('answers a missing key with 401 saying how to send one', async () => {
    const r = await refused('/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime');
    expect(r.status).toBe(401);
    const body = JSON.parse(r.body) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_api_key');
    expect(body.error.message).toMatch(/^Missing API key/);
    expect(body.error.message).toContain('Authorization: Bearer');
  });

  it('refuses a key only in the subprotocol list when it is wrong, without echoing it', async () => {
    const r = await refused('/v1/realtime', { protocols: ['realtime', 'openai-insecure-api-key.sk-wrong'] });
    expect(r.status).toBe(401);
    expect(JSON.stringify(r.headers)).not.toContain('sk-wrong');
  });

  it('answers an unknown path with 404 and a JSON body listing the endpoints, before checking the key', async () => {
    for (const path of ['/v2/realtime', '/realtime', '/v1/realtime/extra']) {
      const r = await refused(path, { headers: bearer });
      expect(r.status, path).toBe(404);
      const body = JSON.parse(r.body) as { error: { type: string; code: string; message: string } };
      expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' });
      expect(body.error.message).toContain('/v1/realtime');
      expect(body.error.message).toContain('/voice-live/realtime');
    }
    expect((await refused('/nowhere')).status).toBe(404);
  });
});

describe('accepted keys, by every route the real clients use', () => {
  it.each([
    ['Authorization: Bearer', '/v1/realtime?model=gpt-realtime', { headers: { Authorization: `Bearer ${KEY}` } }],
    ['the api-key header', '/openai/v1/realtime?model=d', { headers: { 'api-key': OTHER_KEY } }],
    ['?api-key=', `/voice-live/realtime?api-version=2026-07-15&api-key=${KEY}`, {}],
    ['?authorization=Bearer …', `/voice-live/realtime?api-version=2026-07-15&authorization=Bearer+${OTHER_KEY}`, {}],
    ['the openai-insecure-api-key subprotocol', '/v1/realtime', { protocols: ['realtime', `openai-insecure-api-key.${KEY}`] }],
  ] as const)('via %s: the socket opens and session.created comes first', async (_route, path, options) => {
    const { ws } = await accepted(path, options as Parameters<typeof attempt>[1]);
    const first = await firstEvent(ws);
    expect(first.type).toBe('session.created');
    expect((first.session as { id: string }).id).toMatch(/^sess_/);
    ws.close();
  });
});

describe('subprotocols', () => {
  it('echoes realtime and never the key entry', async () => {
    const { ws, upgrade } = await accepted('/v1/realtime?model=gpt-realtime', {
      protocols: ['realtime', `openai-insecure-api-key.${KEY}`, 'openai-organization.org-x', 'openai-agents-sdk.0.20.0'],
    });
    expect(ws.protocol).toBe('realtime');
    expect(upgrade.headers['sec-websocket-protocol']).toBe('realtime');
    expect(JSON.stringify(upgrade.headers)).not.toContain(KEY);
    ws.close();
  });

  it('selects no subprotocol when none is offered', async () => {
    const { ws, upgrade } = await accepted('/v1/realtime', { headers: bearer });
    expect(ws.protocol).toBe('');
    expect(upgrade.headers).not.toHaveProperty('sec-websocket-protocol');
    ws.close();
  });

  it('speaks beta when openai-beta.realtime-v1 is offered, still echoing realtime', async () => {
    const { ws } = await accepted('/v1/realtime?model=gpt-4o-realtime-preview', {
      protocols: ['realtime', `openai-insecure-api-key.${KEY}`, 'openai-beta.realtime-v1'],
    });
    expect(ws.protocol).toBe('realtime');
    const session = (await firstEvent(ws)).session as Record<string, unknown>;
    expect(session).toHaveProperty('modalities');
    expect(session).toHaveProperty('input_audio_format', 'pcm16');
    expect(session).not.toHaveProperty('audio');
    ws.close();
  });
});

describe('the path picks the dialect', () => {
  const clients: RealtimeTestClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  it.each([
    ['/v1/realtime?model=gpt-realtime', {}, 'ga', 'conversation.item.added'],
    ['/openai/v1/realtime?model=d', {}, 'ga', 'conversation.item.added'],
    ['/v1/realtime?model=gpt-realtime', { 'OpenAI-Beta': 'realtime=v1' }, 'beta', 'conversation.item.created'],
    ['/openai/realtime?api-version=2024-10-01-preview&deployment=d', {}, 'beta', 'conversation.item.created'],
    ['/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime', {}, 'voicelive', 'conversation.item.created'],
  ] as const)('%s %j → %s (an item arrives as %s)', async (path, headers, dialect, itemEvent) => {
    const c = await connectRealtime(`${h.server.wsUrl}${path}`, { dialect, headers: { ...bearer, ...headers } });
    clients.push(c);
    const created = await c.waitFor('session.created');
    expect('type' in (created.session as object)).toBe(dialect === 'ga');
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] } });
    await c.waitFor(itemEvent);
    expect(c.types()).not.toContain(itemEvent === 'conversation.item.added' ? 'conversation.item.created' : 'conversation.item.added');
    expect(c.invalid).toEqual([]);
  });
});

describe('a connected session', () => {
  it('answers a binary frame with an error event and stays open', async () => {
    const c = await connectRealtime(`${h.server.wsUrl}/v1/realtime?model=gpt-realtime`, { headers: bearer });
    await c.waitFor('session.created');
    c.sendRaw(Buffer.from(JSON.stringify({ type: 'session.update', session: { instructions: 'x' } })));
    const error = await c.waitFor('error');
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_event', event_id: null });
    expect((error.error as { message: string }).message).toMatch(/Binary frames are not supported/);
    // Still serving: the same event as text works.
    const from = c.events.length;
    c.send({ type: 'session.update', event_id: 'evt_text', session: { instructions: 'Text frames work.' } });
    const updated = await c.waitFor('session.updated', undefined, from);
    expect((updated.session as { instructions: string }).instructions).toBe('Text frames work.');
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    expect(c.invalid).toEqual([]);
    await c.close();
  });

  it('answers invalid JSON and an unknown parameter with errors on the same socket, echoing event_id', async () => {
    const c = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { headers: bearer });
    c.sendRaw('{"type": "session.update"');
    const bad = await c.waitFor('error');
    expect(bad.error).toMatchObject({ code: 'invalid_json', event_id: null });
    c.send({ type: 'session.update', event_id: 'evt_u', session: { type: 'realtime', voice: 'alloy' } });
    const unknown = await c.waitFor('error', (e) => (e.error as { event_id: string | null }).event_id === 'evt_u');
    expect(unknown.error).toMatchObject({ code: 'unknown_parameter', param: 'session.voice' });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    await c.close();
  });

  it('keeps two sessions apart: ids, items and errors', async () => {
    const a = await connectRealtime(`${h.server.wsUrl}/v1/realtime?model=gpt-realtime`, { headers: bearer });
    const b = await connectRealtime(`${h.server.wsUrl}/voice-live/realtime?api-version=2026-07-15&api-key=${OTHER_KEY}`, { dialect: 'voicelive' });
    const [sa, sb] = await Promise.all([a.waitFor('session.created'), b.waitFor('session.created')]);
    expect((sa.session as { id: string }).id).not.toBe((sb.session as { id: string }).id);

    a.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Session A only.' } });
    await a.waitFor('session.updated');
    a.send({ type: 'conversation.item.create', item: { id: 'item_shared', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'for A' }] } });
    await a.waitFor('conversation.item.done');

    // B cannot see A's item, and may use the same id for its own.
    b.send({ type: 'conversation.item.retrieve', event_id: 'b1', item_id: 'item_shared' });
    const missing = await b.waitFor('error');
    expect(missing.error).toMatchObject({ code: 'item_not_found', event_id: 'b1' });
    b.send({ type: 'conversation.item.create', event_id: 'b2', item: { id: 'item_shared', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'for B' }] } });
    const created = await b.waitFor('conversation.item.created');
    expect((created.item as { content: { text: string }[] }).content[0]!.text).toBe('for B');

    // A's garbage is answered on A only; B's configuration is untouched by A's update.
    const bEvents = b.events.length;
    a.sendRaw('not json');
    await a.waitFor('error');
    b.send({ type: 'session.update', session: { temperature: 0.7 } });
    const bUpdated = await b.waitFor('session.updated');
    expect((bUpdated.session as { instructions: string }).instructions).not.toBe('Session A only.');
    expect(b.events.slice(bEvents).filter((e) => e.type === 'error')).toEqual([]);
    a.send({ type: 'conversation.item.retrieve', item_id: 'item_shared' });
    const retrieved = await a.waitFor('conversation.item.retrieved');
    expect((retrieved.item as { content: { text: string }[] }).content[0]!.text).toBe('for A');

    expect(a.invalid).toEqual([]);
    expect(b.invalid).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });
});
