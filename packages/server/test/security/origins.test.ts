/**
 * The origin allow-list against a real server: browser upgrades (an Origin header) from an
 * origin not on the list get 403 with a JSON body naming it, before the key is even looked at;
 * listed origins, wildcard subdomains, the server's own pages and non-browser clients (no
 * Origin) get in. The client-secret endpoints answer CORS preflights for allowed origins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { opened, refused, request } from './upgrade.js';

const KEY = 'sk-origin-test';
const bearer = { Authorization: `Bearer ${KEY}` };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ apiKeys: [KEY], allowedOrigins: ['https://app.example.com', 'https://*.example.org', 'http://localhost:5173'] });
});
afterAll(async () => {
  await h.stop();
});

const url = () => `${h.server.wsUrl}/v1/realtime?model=gpt-realtime`;

describe('WebSocket upgrades', () => {
  it.each([
    ['a listed origin', 'https://app.example.com'],
    ['a listed origin, spelled with its default port', 'https://APP.example.com:443'],
    ['a subdomain of a wildcard entry', 'https://eu.voice.example.org'],
    ['a listed development origin', 'http://localhost:5173'],
  ])('accepts %s', async (_what, origin) => {
    const c = await opened(url(), { origin, headers: bearer });
    await c.waitFor('session.created');
    await c.close();
  });

  it('accepts clients that send no Origin (servers, Node SDKs, phones)', async () => {
    const c = await opened(url(), { headers: bearer });
    await c.close();
  });

  it("accepts pages this server serves itself (the playground): the Origin is the server's own address", async () => {
    const c = await opened(url(), { origin: h.server.url, headers: bearer });
    await c.close();
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['the wildcard domain itself (only subdomains match)', 'https://example.org'],
    ['another scheme', 'http://app.example.com'],
    ['another port', 'http://localhost:5174'],
    ['a look-alike suffix', 'https://app.example.com.evil.example'],
    ['a file: page (Origin "null")', 'null'],
  ])('refuses %s with 403 and a JSON body naming the origin', async (_what, origin) => {
    const r = await refused(url(), { origin, headers: bearer });
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'origin_not_allowed' });
    expect(r.body.error.message).toContain(`Origin '${origin}' is not allowed`);
    expect(r.body.error.message).toContain('https://app.example.com');
  });

  it('refuses a foreign origin before looking at the key: 403, not 401', async () => {
    expect((await refused(url(), { origin: 'https://evil.example' })).status).toBe(403);
    expect((await refused(url(), { origin: 'https://app.example.com' })).status).toBe(401);
  });
});

describe('the client-secret endpoints (CORS)', () => {
  const endpoint = () => `${h.server.url}/v1/realtime/client_secrets`;

  it('answers a preflight from an allowed origin with the CORS headers it asks for', async () => {
    const answer = await request(endpoint(), {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, x-stainless-os',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(answer.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(answer.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-stainless-os');
    expect(answer.headers.get('vary')).toBe('Origin');
  });

  it('refuses a preflight and a POST from another origin with 403', async () => {
    const preflight = await request(endpoint(), { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const post = await request(endpoint(), { method: 'POST', headers: { ...bearer, origin: 'https://evil.example' }, body: '{}' });
    expect(post.status).toBe(403);
    expect(post.json).toMatchObject({ error: { code: 'origin_not_allowed' } });
  });

  it('mints for an allowed origin, with Access-Control-Allow-Origin on the answer (and no-store)', async () => {
    const post = await request(`${h.server.url}/v1/realtime/sessions`, { method: 'POST', headers: { ...bearer, origin: 'https://eu.voice.example.org' }, body: '{}' });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe('https://eu.voice.example.org');
    expect(post.headers.get('cache-control')).toBe('no-store');
    // The 401 of a missing key is readable by the page too.
    const unauthorized = await request(`${h.server.url}/v1/realtime/sessions`, { method: 'POST', headers: { origin: 'https://app.example.com' }, body: '{}' });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });
});

describe('without an allow-list', () => {
  let open: Harness;
  beforeAll(async () => {
    open = await startHarness({ apiKeys: [KEY] });
  });
  afterAll(async () => {
    await open.stop();
  });

  it('accepts every origin, and answers preflights for any', async () => {
    const c = await opened(`${open.server.wsUrl}/v1/realtime`, { origin: 'https://anywhere.example', headers: bearer });
    await c.close();
    const preflight = await request(`${open.server.url}/v1/realtime/client_secrets`, {
      method: 'OPTIONS',
      headers: { origin: 'https://anywhere.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
  });
});
