/**
 * Connecting to a real Parley server that checks API keys: every auth form of catalogue §2h is
 * accepted, a wrong key fails the first connection for good, and a server that goes away (1001)
 * is retried with backoff until the attempts run out.
 */
import { parleyEndpoint, RealtimeClient, type Auth, type ConnectionState, type Dialect } from '@parley/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../server/test/support/harness.js';

const KEY = 'sk-right-key';

let h: Harness;
const clients: RealtimeClient[] = [];
beforeEach(async () => {
  h = await startHarness({ apiKeys: [KEY] });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await h.stop();
});

function client(dialect: Dialect, auth: Auth | undefined, options: { reconnect?: false | { initialDelayMs: number; maxDelayMs: number; maxAttempts: number } } = {}) {
  const c = new RealtimeClient({ ...parleyEndpoint({ baseUrl: h.server.wsUrl, dialect, model: 'default' }), ...(auth ? { auth } : {}), ...options });
  clients.push(c);
  const states: ConnectionState[] = [];
  c.on('state', (state) => states.push(state));
  return { c, states };
}

describe('auth forms', () => {
  it.each([
    ['ga', { type: 'bearer', token: KEY }],
    ['ga', { type: 'api-key-header', key: KEY }],
    ['ga', { type: 'api-key-query', key: KEY }],
    ['ga', { type: 'bearer-query', token: KEY }],
    ['ga', { type: 'subprotocol', key: KEY }],
    ['beta', { type: 'subprotocol', key: KEY }],
    ['beta', { type: 'bearer', token: KEY }],
    ['voicelive', { type: 'api-key-query', key: KEY }],
    ['voicelive', { type: 'api-key-header', key: KEY }],
    ['voicelive', { type: 'bearer-query', token: KEY }],
  ] as const)('%s with %j: accepted, and the session speaks that dialect', async (dialect, auth) => {
    const { c } = client(dialect, auth);
    const created = c.waitFor('session.created', { timeoutMs: 5000 });
    const frame = new Promise<string>((resolve) => c.once('raw', (f) => resolve(JSON.stringify(f))));
    await c.connect();
    await created;
    const wire = JSON.parse(await frame) as { session: Record<string, unknown> };
    // GA sessions nest audio and name their type; beta and Voice Live sessions are flat.
    expect('audio' in wire.session).toBe(dialect === 'ga');
    expect('input_audio_format' in wire.session).toBe(dialect !== 'ga');
    expect(c.state).toBe('connected');
  });

  it.each([
    ['a wrong key', { type: 'bearer', token: 'sk-wrong' } as const],
    ['no key', undefined],
  ])('%s: connect() rejects with the HTTP 401, the client is closed, nothing is retried', async (_name, auth) => {
    const { c, states } = client('ga', auth, { reconnect: { initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 5 } });
    await expect(c.connect()).rejects.toThrow('401');
    expect(states.map((s) => s.status)).toEqual(['connecting', 'closed']);
    expect(h.server.connections).toBe(0);
  });
});

describe('a server that goes away', () => {
  it('closes with 1001; the client retries with backoff, then gives up and is closed', async () => {
    const { c, states } = client('ga', { type: 'bearer', token: KEY }, { reconnect: { initialDelayMs: 20, maxDelayMs: 40, maxAttempts: 3 } });
    const created = c.waitFor('session.created', { timeoutMs: 5000 });
    await c.connect();
    await created;
    const closed = new Promise<void>((resolve) => c.on('state', (state) => state.status === 'closed' && resolve()));
    const started = performance.now();
    await h.server.close();
    await closed;
    const elapsedMs = performance.now() - started;
    expect(states.map((s) => s.status)).toEqual(['connecting', 'connected', 'reconnecting', 'reconnecting', 'reconnecting', 'closed']);
    const waits = states.flatMap((s) => (s.status === 'reconnecting' ? [s.delayMs] : []));
    expect(states[2]).toMatchObject({ status: 'reconnecting', attempt: 1, closeCode: 1001, closeReason: 'Server shutting down' });
    // Equal jitter: each wait is within the upper half of its step (20, 40, 40 ms capped).
    expect(waits[0]).toBeGreaterThanOrEqual(10);
    expect(waits[0]).toBeLessThanOrEqual(20);
    expect(waits[1]).toBeGreaterThanOrEqual(20);
    expect(waits[2]).toBeLessThanOrEqual(40);
    expect(elapsedMs).toBeGreaterThanOrEqual(waits.reduce((a, b) => a + b, 0));
    expect(states.at(-1)).toMatchObject({ status: 'closed', error: expect.any(Error) });
  });
});
