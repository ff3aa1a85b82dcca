/**
 * Ephemeral client secrets end to end, against a real server with API keys configured: minted
 * with the real `openai` client (GA `realtime.clientSecrets.create`, beta
 * `beta.realtime.sessions.create`) over HTTP, then used to open sessions by every route a key
 * travels — the browser subprotocol, `Authorization: Bearer` from `@openai/agents-realtime`, the
 * query string. Expiry runs on the server's injected clock; forged, altered and garbled keys
 * are refused at the upgrade with 401 and a message saying which.
 */
import { RealtimeAgent, RealtimeSession } from '@openai/agents-realtime';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FliteTts } from '../../src/engines/tts/flite.js';
import { ClientSecrets } from '../../src/transport/client-secrets.js';
import { eventually, settle } from '../clients/helpers.js';
import { startHarness, type Harness } from '../support/harness.js';
import { browserProtocols, opened, refused, request } from './upgrade.js';

const API_KEY = 'sk-parley-backend';
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

let h: Harness;
let clock = Date.now();
let openai: OpenAI;

beforeAll(async () => {
  h = await startHarness({ apiKeys: [API_KEY], secret: SECRET, now: () => clock });
  openai = new OpenAI({ apiKey: API_KEY, baseURL: `${h.server.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await h.stop();
});

const gaUrl = () => `${h.server.wsUrl}/v1/realtime?model=gpt-realtime`;

describe('minting with the openai client', () => {
  it('GA client_secrets: an ek_ key, its expiry (default 600 s) and the effective session', async () => {
    const before = Math.floor(clock / 1000);
    const secret = await openai.realtime.clientSecrets.create({
      session: { type: 'realtime', instructions: 'You are a pirate.', output_modalities: ['text'] },
    });
    expect(secret.value).toMatch(/^ek_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(secret.expires_at).toBeGreaterThanOrEqual(before + 600);
    expect(secret.expires_at).toBeLessThanOrEqual(before + 601);
    expect(secret.session).toMatchObject({ type: 'realtime', object: 'realtime.session', instructions: 'You are a pirate.', output_modalities: ['text'] });
    expect((secret.session as { id: string }).id).toMatch(/^sess_/);
    // The key does not show what it carries: the instructions are encrypted.
    expect(Buffer.from(secret.value.slice(3).split('.')[0]!, 'base64url').toString('latin1')).not.toContain('pirate');
  });

  it('GA client_secrets with expires_after and no session', async () => {
    const secret = await openai.realtime.clientSecrets.create({ expires_after: { anchor: 'created_at', seconds: 30 } });
    expect(secret.expires_at - Math.floor(clock / 1000)).toBe(30);
    expect(secret.session).toMatchObject({ type: 'realtime', instructions: 'You are a test assistant.' });
  });

  it('beta sessions: the flat session object with client_secret {value, expires_at} (default 60 s)', async () => {
    const session = await openai.beta.realtime.sessions.create({ instructions: 'Speak like a poet.', voice: 'alloy', modalities: ['text'] });
    expect(session.client_secret.value).toMatch(/^ek_/);
    expect(session.client_secret.expires_at - Math.floor(clock / 1000)).toBe(60);
    expect(session).toMatchObject({ instructions: 'Speak like a poet.', voice: 'alloy', modalities: ['text'], input_audio_format: 'pcm16' });
    expect(session).not.toHaveProperty('audio');
  });

  it('refuses to mint without an API key, with a wrong one, or with a client secret, with 401', async () => {
    for (const key of ['sk-wrong', (await openai.realtime.clientSecrets.create({})).value]) {
      const other = new OpenAI({ apiKey: key, baseURL: `${h.server.url}/v1`, maxRetries: 0 });
      const err = await other.realtime.clientSecrets.create({}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    }
    const none = await request(`${h.server.url}/v1/realtime/client_secrets`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect((none.json as { error: { message: string } }).error.message).toMatch(/^Missing API key/);
    const byClientSecret = await request(`${h.server.url}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${(await openai.realtime.clientSecrets.create({})).value}` },
      body: '{}',
    });
    expect((byClientSecret.json as { error: { message: string } }).error.message).toMatch(/client secret cannot mint/);
  });

  it('answers an invalid session with 400 naming the field, through the openai client', async () => {
    const err = await openai.realtime.clientSecrets
      .create({ session: { type: 'realtime', instructions: 'x', voice: 'alloy' } as never })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.code).toBe('unknown_parameter');
    expect(bad.param).toBe('session.voice');
    expect(bad.message).toContain("Unknown parameter: 'session.voice'");
  });

  it.each([
    ['a wrong type', { session: { type: 'realtime', instructions: 42 } }, 'invalid_type', 'session.instructions'],
    ['a forced tool that is not offered', { session: { type: 'realtime', tool_choice: { type: 'function', name: 'f' } } }, 'invalid_value', 'session.tool_choice'],
    ['expiry under 10 s', { expires_after: { anchor: 'created_at', seconds: 5 } }, 'invalid_value', 'expires_after.seconds'],
    ['expiry over 2 hours', { expires_after: { anchor: 'created_at', seconds: 7201 } }, 'invalid_value', 'expires_after.seconds'],
    ['an unknown anchor', { expires_after: { anchor: 'now', seconds: 60 } }, 'invalid_value', 'expires_after.anchor'],
    ['an unknown top-level field', { ttl: 5 }, 'unknown_parameter', 'ttl'],
  ] as const)('GA: 400 for %s', async (_what, body, code, param) => {
    const answer = await request(`${h.server.url}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { type: 'invalid_request_error', code, param } });
  });

  it('beta: 400 names the flat field; a non-JSON body is invalid_json', async () => {
    const bad = await request(`${h.server.url}/v1/realtime/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ modalities: ['video'] }),
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'invalid_value', param: 'modalities[0]' } });
    const expiry = await request(`${h.server.url}/v1/realtime/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ client_secret: { expires_after: { anchor: 'created_at', seconds: 1 } } }),
    });
    expect(expiry.json).toMatchObject({ error: { code: 'invalid_value', param: 'client_secret.expires_after.seconds' } });
    const garbage = await request(`${h.server.url}/v1/realtime/sessions`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}` }, body: '{nope' });
    expect(garbage.status).toBe(400);
    expect(garbage.json).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('refuses a session too large to fit in a key, saying what to do', async () => {
    const tools = Array.from({ length: 40 }, (_, i) => ({
      type: 'function' as const,
      name: `tool_${i}`,
      description: `${i} `.repeat(100) + [...Array(60)].map(() => Math.random().toString(36).slice(2)).join(''),
      parameters: { type: 'object', properties: {} },
    }));
    const err = await openai.realtime.clientSecrets.create({ session: { type: 'realtime', tools } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(/too large to carry in a client secret.*session\.update/);
  });
});

describe('connecting with a client secret', () => {
  it('through the browser subprotocol: session.created shows the configuration the key carries', async () => {
    const secret = await openai.realtime.clientSecrets.create({
      session: {
        type: 'realtime',
        instructions: 'You are a pirate.',
        output_modalities: ['text'],
        audio: { input: { turn_detection: null } },
        tools: [{ type: 'function', name: 'lookup', description: 'Looks things up.', parameters: { type: 'object', properties: {} } }],
      },
    });
    const c = await opened(`${h.server.wsUrl}/v1/realtime`, { protocols: browserProtocols(secret.value) });
    expect(c.ws.protocol).toBe('realtime');
    expect(JSON.stringify(c.upgrade.headers)).not.toContain(secret.value);
    const created = await c.waitFor('session.created');
    expect(c.events[0]!.type).toBe('session.created');
    expect(created.session).toMatchObject({
      type: 'realtime',
      instructions: 'You are a pirate.',
      output_modalities: ['text'],
      audio: { input: { turn_detection: null } },
      tools: [{ type: 'function', name: 'lookup' }],
    });
    expect(c.events.filter((e) => e.type === 'error')).toEqual([]);
    await c.close();
  });

  it('is read from every place the handshake reads a key, on every dialect', async () => {
    const { value } = await openai.realtime.clientSecrets.create({ session: { type: 'realtime', instructions: 'Carried everywhere.' } });
    const routes: [string, string, Parameters<typeof opened>[1]][] = [
      ['Authorization: Bearer', gaUrl(), { headers: { Authorization: `Bearer ${value}` } }],
      ['the api-key header (Azure)', `${h.server.wsUrl}/openai/v1/realtime?model=d`, { headers: { 'api-key': value } }],
      ['?api-key= (Voice Live)', `${h.server.wsUrl}/voice-live/realtime?api-version=2026-07-15&api-key=${value}`, {}],
      ['?authorization=Bearer (Voice Live in a browser)', `${h.server.wsUrl}/voice-live/realtime?api-version=2026-07-15&authorization=Bearer+${value}`, {}],
      ['the subprotocol, on the beta dialect', `${h.server.wsUrl}/openai/realtime?api-version=2024-10-01-preview&deployment=d`, { protocols: browserProtocols(value) }],
    ];
    for (const [route, url, options] of routes) {
      const c = await opened(url, options);
      expect((await c.waitFor('session.created')).session, route).toMatchObject({ instructions: 'Carried everywhere.' });
      await c.close();
    }
  });

  it('the key carries a beta session to a beta connection, and its model picks the session model', async () => {
    const session = await openai.beta.realtime.sessions.create({ instructions: 'Beta instructions.', model: 'gpt-4o-realtime-preview' });
    const c = await opened(`${h.server.wsUrl}/v1/realtime`, { protocols: [...browserProtocols(session.client_secret.value), 'openai-beta.realtime-v1'] });
    const created = await c.waitFor('session.created');
    expect(created.session).toMatchObject({ instructions: 'Beta instructions.', model: 'gpt-4o-realtime-preview', modalities: ['text', 'audio'] });
    await c.close();
  });

  it('a key without a session starts the defaults; the client may still update', async () => {
    const secret = await openai.realtime.clientSecrets.create({});
    const c = await opened(`${h.server.wsUrl}/v1/realtime?api-key=${secret.value}`);
    const created = await c.waitFor('session.created');
    expect(created.session).toMatchObject({ instructions: 'You are a test assistant.' });
    c.ws.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'Changed.' } }));
    const updated = await c.waitFor('session.updated');
    expect(updated.session).toMatchObject({ instructions: 'Changed.' });
    await c.close();
  });

  it('@openai/agents-realtime connects with the ek_ key and gets an answer', async () => {
    const secret = await openai.realtime.clientSecrets.create({ session: { type: 'realtime', output_modalities: ['text'] } });
    h.llm.enqueue({ text: ['Ahoy', ' there.'] });
    const session = new RealtimeSession(new RealtimeAgent({ name: 'Pirate', instructions: 'Talk like a pirate.' }), { transport: 'websocket', model: 'gpt-realtime' });
    const errors: unknown[] = [];
    const ends: string[] = [];
    session.on('error', (e) => errors.push(e.error));
    session.on('agent_end', (_c, _a, output) => ends.push(output));
    try {
      await session.connect({ apiKey: secret.value, url: gaUrl() });
      session.sendMessage('Hello?');
      await eventually('agent_end', () => ends.length > 0);
      await settle();
      expect(errors).toEqual([]);
      expect(ends).toEqual(['Ahoy there.']);
    } finally {
      session.close();
    }
  });

  it('@openai/agents-realtime in browser mode (subprotocols through createWebSocket) connects with the ek_ key', async () => {
    const secret = await openai.realtime.clientSecrets.create({});
    h.llm.enqueue({ text: ['Hi.'] });
    const offered: string[][] = [];
    const { OpenAIRealtimeWebSocket } = await import('@openai/agents-realtime');
    const transport = new OpenAIRealtimeWebSocket({
      url: gaUrl(),
      // What the browser build does: no headers, the key in the subprotocol list.
      createWebSocket: async ({ url, apiKey }) => {
        const protocols = browserProtocols(apiKey);
        offered.push(protocols);
        return new WebSocket(url, protocols) as never;
      },
    });
    const session = new RealtimeSession(new RealtimeAgent({ name: 'A', instructions: 'Be brief.' }), { transport });
    const ends: string[] = [];
    session.on('agent_end', (_c, _a, output) => ends.push(output));
    try {
      await session.connect({ apiKey: secret.value });
      session.sendMessage('Hello?');
      await eventually('agent_end', () => ends.length > 0);
      expect(ends).toEqual(['Hi.']);
      expect(offered[0]![1]).toBe(`openai-insecure-api-key.${secret.value}`);
    } finally {
      session.close();
    }
  });

  it('is refused with 401 once expired (the server clock moves past expires_at)', async () => {
    const secret = await openai.realtime.clientSecrets.create({ expires_after: { anchor: 'created_at', seconds: 10 } });
    const live = await opened(gaUrl(), { protocols: browserProtocols(secret.value) });
    clock += 9_000;
    const stillValid = await opened(gaUrl(), { protocols: browserProtocols(secret.value) });
    await stillValid.close();
    clock += 1_000;
    try {
      const r = await refused(gaUrl(), { protocols: browserProtocols(secret.value) });
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
      expect(r.body.error.message).toMatch(/^The client secret expired at \d{4}-\d\d-\d\dT[\d:.]+Z \(0 s ago\)\. Mint a new one with POST \/v1\/realtime\/client_secrets\.$/);
      // A session opened before the expiry goes on: expiry is about opening sessions.
      expect(live.ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      clock -= 10_000;
      await live.close();
    }
  });

  it('refuses a key with a forged signature, a changed payload or a garbled value, with 401 saying which', async () => {
    const secret = (await openai.realtime.clientSecrets.create({ session: { type: 'realtime', instructions: 'Original.' } })).value;
    const [payload, signature] = secret.slice(3).split('.') as [string, string];
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const forged = new ClientSecrets(['another-secret-that-is-long-enough-987654321']).mint({
      issuedAt: Math.floor(clock / 1000),
      expiresAt: Math.floor(clock / 1000) + 600,
      owner: null,
      session: { dialect: 'ga', config: { instructions: 'Evil.' } },
    });
    const cases: [string, string, RegExp][] = [
      ['minted with another secret', forged, /signature does not match/],
      ['signature changed', `ek_${payload}.${flip(signature, 5)}`, /signature does not match/],
      ['payload changed', `ek_${flip(payload, 30)}.${signature}`, /signature does not match/],
      ['signature cut', secret.slice(0, -4), /malformed/],
      ['garbage', 'ek_not-a-real-key', /malformed/],
    ];
    for (const [what, key, message] of cases) {
      const r = await refused(gaUrl(), { protocols: browserProtocols(key) });
      expect(r.status, what).toBe(401);
      expect(r.body.error.code, what).toBe('invalid_api_key');
      expect(r.body.error.message, what).toMatch(message);
    }
  });

  it('checks the carried session again at the upgrade: a key this server cannot start is refused with 400', async () => {
    // Signed with this server's secret, but carrying a session no session could start with
    // (as if minted by an instance with other tools, profiles or engines).
    const key = new ClientSecrets([SECRET]).mint({
      issuedAt: Math.floor(clock / 1000),
      expiresAt: Math.floor(clock / 1000) + 600,
      owner: null,
      session: { dialect: 'ga', config: { type: 'realtime', output_modalities: ['text'], tool_choice: { type: 'function', name: 'missing' } } },
    });
    const r = await refused(gaUrl(), { protocols: browserProtocols(key) });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_value', param: 'session.tool_choice' });
    expect(r.body.error.message).toMatch(/^The client secret's session configuration cannot be used on this server: /);
  });
});

describe('a server that takes any key (no API keys configured)', () => {
  let open: Harness;
  beforeAll(async () => {
    open = await startHarness({ secret: SECRET });
  });
  afterAll(async () => {
    await open.stop();
  });

  it('mints without a key, accepts a made-up ek_ key (as browser SDKs demand one), but still refuses a forged Parley key', async () => {
    const minted = await request(`${open.server.url}/v1/realtime/client_secrets`, { method: 'POST', body: JSON.stringify({ session: { type: 'realtime', instructions: 'Open.' } }) });
    expect(minted.status).toBe(200);
    const value = (minted.json as { value: string }).value;
    const c = await opened(`${open.server.wsUrl}/v1/realtime`, { protocols: browserProtocols(value) });
    expect((await c.waitFor('session.created')).session).toMatchObject({ instructions: 'Open.' });
    await c.close();
    const madeUp = await opened(`${open.server.wsUrl}/v1/realtime`, { protocols: browserProtocols('ek_test') });
    await madeUp.close();
    const [payload, signature] = value.slice(3).split('.') as [string, string];
    const r = await refused(`${open.server.wsUrl}/v1/realtime`, { protocols: browserProtocols(`ek_${payload}.${signature.slice(1)}A`) });
    expect(r.status).toBe(401);
  });
});

describe('a voice the speech engine lacks', () => {
  let voiced: Harness;
  const tts = new FliteTts();
  beforeAll(async () => {
    voiced = await startHarness({ apiKeys: [API_KEY], secret: SECRET, tts });
  });
  afterAll(async () => {
    await voiced.stop();
    await tts.close();
  });

  it('is refused at minting, naming the field', async () => {
    const answer = await request(`${voiced.server.url}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ session: { type: 'realtime', audio: { output: { voice: 'nobody' } } } }),
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: 'invalid_value', param: 'session.audio.output.voice' } });
    expect((answer.json as { error: { message: string } }).error.message).toMatch(/Voice "nobody" is not available/);
  });
});
