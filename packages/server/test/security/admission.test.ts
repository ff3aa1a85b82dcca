/**
 * Admission limits at the upgrade, against real servers: concurrent sessions per key (client
 * secrets counting against the key that minted them) and in total, and new connections per
 * minute per key. Each refusal is HTTP 429 with a JSON body saying which limit; the rate's says
 * when to come back in Retry-After. A closed session frees its slot.
 */
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../clients/helpers.js';
import { startHarness, type Harness } from '../support/harness.js';
import { browserProtocols, opened, refused, type Opened } from './upgrade.js';

const KEY_A = 'sk-tenant-a';
const KEY_B = 'sk-tenant-b';
const SECRET = 'admission-test-secret-0123456789abcdef';

const sockets: Opened[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});

async function open(url: string, key: string): Promise<Opened> {
  const c = await opened(url, { headers: { Authorization: `Bearer ${key}` } });
  sockets.push(c);
  return c;
}

describe('concurrent sessions per key', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ apiKeys: [KEY_A, KEY_B], secret: SECRET, admission: { maxSessionsPerKey: 2, maxSessions: 100 } });
  });
  afterAll(async () => {
    await h.stop();
  });
  const url = () => `${h.server.wsUrl}/v1/realtime`;

  it('refuses the third session of a key with 429, lets another key in, and frees the slot when a session closes', async () => {
    const first = await open(url(), KEY_A);
    await open(url(), KEY_A);
    const r = await refused(url(), { headers: { Authorization: `Bearer ${KEY_A}` } });
    expect(r.status).toBe(429);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['retry-after']).toBeUndefined();
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'session_limit_reached' });
    expect(r.body.error.message).toBe(
      'Too many concurrent sessions for this key: 2 are open, the most allowed per key (PARLEY_MAX_SESSIONS_PER_KEY). Close one, or wait for one to end, and try again.',
    );

    await open(url(), KEY_B);
    expect(h.server.admission.active).toBe(3);

    await first.close();
    sockets.splice(sockets.indexOf(first), 1);
    await eventually('the slot freed', () => h.server.admission.active === 2);
    await open(url(), KEY_A);
  });

  it('counts the sessions of client secrets against the API key that minted them', async () => {
    const openai = new OpenAI({ apiKey: KEY_A, baseURL: `${h.server.url}/v1`, maxRetries: 0 });
    const { value } = await openai.realtime.clientSecrets.create({});
    const viaKey = await opened(url(), { protocols: browserProtocols(value) });
    sockets.push(viaKey);
    await open(url(), KEY_A);
    // A second client secret of the same key is no way around the limit.
    const { value: another } = await openai.realtime.clientSecrets.create({});
    const r = await refused(url(), { protocols: browserProtocols(another) });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('session_limit_reached');
  });

  it('frees the slot when the client drops the connection without a close handshake', async () => {
    const c = await open(url(), KEY_B);
    c.ws.terminate();
    await eventually('the slot freed', () => h.server.admission.active === 0);
  });
});

describe('concurrent sessions in total', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ apiKeys: [KEY_A, KEY_B], admission: { maxSessions: 3, maxSessionsPerKey: 10 } });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('refuses the session past the total with 429 saying the server is full, whatever the key', async () => {
    const url = `${h.server.wsUrl}/v1/realtime`;
    await open(url, KEY_A);
    await open(url, KEY_A);
    const last = await open(url, KEY_B);
    for (const key of [KEY_A, KEY_B]) {
      const r = await refused(url, { headers: { Authorization: `Bearer ${key}` } });
      expect(r.status).toBe(429);
      expect(r.body.error).toMatchObject({ code: 'session_limit_reached' });
      expect(r.body.error.message).toBe('The server is at its limit of 3 concurrent sessions (PARLEY_MAX_SESSIONS). Try again shortly.');
    }
    await last.close();
    sockets.splice(sockets.indexOf(last), 1);
    await eventually('the slot freed', () => h.server.admission.active === 2);
    await open(url, KEY_B);
  });
});

describe('new connections per minute', () => {
  let h: Harness;
  let clock = Date.now();
  beforeAll(async () => {
    h = await startHarness({ apiKeys: [KEY_A, KEY_B], admission: { connectionsPerMinute: 3 }, now: () => clock });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('allows a burst of a minute’s worth, then 429 with Retry-After until the bucket refills', async () => {
    const url = `${h.server.wsUrl}/v1/realtime`;
    for (let i = 0; i < 3; i++) await (await open(url, KEY_A)).close();
    const r = await refused(url, { headers: { Authorization: `Bearer ${KEY_A}` } });
    expect(r.status).toBe(429);
    expect(r.body.error).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(r.body.error.message).toBe(
      'Too many new connections for this key: at most 3 per minute are allowed (PARLEY_CONNECTIONS_PER_MINUTE). Try again in 20 s.',
    );
    expect(r.headers['retry-after']).toBe('20');

    // Another key has its own bucket.
    await open(url, KEY_B);

    clock += 19_000;
    expect((await refused(url, { headers: { Authorization: `Bearer ${KEY_A}` } }).then((x) => x.headers['retry-after']))).toBe('1');
    clock += 1_000;
    await open(url, KEY_A);
  });
});

describe('a server that takes any key', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ admission: { maxSessionsPerKey: 1 } });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('counts keyless connections by client address', async () => {
    const url = `${h.server.wsUrl}/v1/realtime`;
    sockets.push(await opened(url));
    const r = await refused(url);
    expect(r.status).toBe(429);
    expect(r.body.error.message).toMatch(/^Too many concurrent sessions for this client address: 1 is open, the most allowed per client address/);
    // A key is its own count, even on an open server.
    await open(url, 'sk-anything');
  });
});
