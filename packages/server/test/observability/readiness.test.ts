/**
 * GET /healthz and /readyz on a running server: liveness stays 200 throughout; readiness is 503
 * (with a JSON body naming what is not ready) while a component loads, after one failed to,
 * and from the moment the server drains for shutdown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Readiness } from '../../src/http/readiness.js';
import { startHarness, type Harness } from '../support/harness.js';
import { connectRealtime } from '../support/realtime-client.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function get(path: string): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const res = await fetch(`${h!.server.url}${path}`);
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.json() };
}

function deferred(): { promise: Promise<void>; resolve(): void; reject(error: Error): void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('GET /readyz and /healthz', () => {
  it('is ready once nothing is loading; 503 naming the engines while they load', async () => {
    const engines = deferred();
    const readiness = new Readiness();
    readiness.waitFor('engines', engines.promise);
    h = await startHarness({ readiness });
    expect(await get('/readyz')).toEqual({ status: 503, contentType: 'application/json', body: { status: 'not_ready', not_ready: [{ component: 'engines', reason: 'loading' }] } });
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    engines.resolve();
    await engines.promise;
    expect(await get('/readyz')).toEqual({ status: 200, contentType: 'application/json', body: { status: 'ready' } });
  });

  it('stays 503 with the reason when a component fails to load', async () => {
    const index = deferred();
    const readiness = new Readiness();
    readiness.waitFor('search index', index.promise);
    h = await startHarness({ readiness });
    index.reject(new Error('folder /srv/docs not found'));
    await index.promise.catch(() => undefined);
    expect(await get('/readyz')).toMatchObject({ status: 503, body: { not_ready: [{ component: 'search index', reason: 'failed: folder /srv/docs not found' }] } });
  });

  it('answers 503 from the moment the server drains, while a response still finishes and liveness stays 200', async () => {
    h = await startHarness();
    expect((await get('/readyz')).status).toBe(200);
    h.llm.enqueue({ text: ['Still', ' talking', ' here.'], delayMs: 200 });
    const client = await connectRealtime(`${h.server.wsUrl}/v1/realtime`);
    client.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
    client.send({ type: 'response.create' });
    await client.waitFor('response.output_text.delta');
    const drained = h.server.drain(5_000);
    expect(await get('/readyz')).toMatchObject({ status: 503, body: { status: 'not_ready', not_ready: [{ component: 'server', reason: expect.stringMatching(/^draining/) }] } });
    expect((await get('/healthz')).status).toBe(200);
    expect((await client.waitFor('response.done')).response).toMatchObject({ status: 'completed' });
    await drained;
    await client.close();
  });
});
