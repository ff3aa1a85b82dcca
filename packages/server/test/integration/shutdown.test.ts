/**
 * Graceful shutdown: the server stops taking sessions, lets the responses running finish, and
 * closes every session with 1001 — in process through `drain()`, and for real with SIGTERM to
 * the `parley serve` process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startHarness, type Harness } from '../support/harness.js';
import { startScriptedLlm, type ScriptedLlm } from '../support/scripted-llm.js';
import { connectRealtime, type RealtimeTestClient } from '../support/realtime-client.js';

let h: Harness | undefined;
let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await h?.stop();
  await llm?.close();
  h = undefined;
  llm = undefined;
});

function closed(c: RealtimeTestClient): Promise<{ code: number; reason: string; at: number }> {
  return new Promise((resolve) => c.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })));
}

async function ask(c: RealtimeTestClient, text: string): Promise<void> {
  c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
  c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
  c.send({ type: 'response.create' });
  await c.waitFor('response.created');
}

/** The upgrade's HTTP answer when it is refused. */
function refusal(url: string): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
    ws.once('error', () => undefined);
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body }));
    });
  });
}

describe('drain()', () => {
  it('refuses new sessions, finishes the running response, and closes every session with 1001', async () => {
    h = await startHarness();
    const busy = await connectRealtime(`${h.server.wsUrl}/v1/realtime`);
    const idle = await connectRealtime(`${h.server.wsUrl}/v1/realtime`);
    await idle.waitFor('session.created');
    h.llm.enqueue({ text: ['One, ', 'two, ', 'three, ', 'four.'], delayMs: 150 });
    await ask(busy, 'Count to four.');
    const busyClosed = closed(busy);
    const idleClosed = closed(idle);

    const draining = h.server.drain(10_000);
    expect(await idleClosed).toMatchObject({ code: 1001, reason: 'Server shutting down' });
    const refused = await refusal(`${h.server.wsUrl}/v1/realtime`);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('5');
    expect(JSON.parse(refused.body)).toEqual({
      error: { type: 'server_error', code: 'server_shutting_down', message: 'The server is shutting down: connect to another instance, or retry in a moment.' },
    });
    expect((await fetch(`${h.server.url}/readyz`)).status).toBe(503);

    const { code } = await busyClosed;
    expect(code).toBe(1001);
    const done = busy.events.find((e) => e.type === 'response.done');
    expect(done?.response).toMatchObject({ status: 'completed' });
    expect(busy.events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('')).toBe('One, two, three, four.');
    await draining;
    expect(h.server.connections).toBe(0);
  });

  it('closes a response still running when the grace period ends', async () => {
    h = await startHarness();
    const c = await connectRealtime(`${h.server.wsUrl}/v1/realtime`);
    h.llm.enqueue({ text: ['Never', ' ending'], breakAfter: { chunks: 1, how: 'hang' } });
    await ask(c, 'Go on forever.');
    const close = closed(c);
    const started = Date.now();
    await h.server.drain(300);
    const { code, at } = await close;
    expect(code).toBe(1001);
    expect(at - started).toBeGreaterThanOrEqual(250);
    expect(at - started).toBeLessThan(3_000);
  });
});

describe('SIGTERM to parley serve', () => {
  it('drains: the answer being given is finished, then the session closes with 1001 and the process exits 0', async () => {
    llm = await startScriptedLlm();
    const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--vad', 'none', '--stt', 'none', '--tts', 'none', '--llm-url', llm.url, '--llm-model', 'scripted'], {
      env: { ...process.env, PARLEY_LOG_FORMAT: 'json', PARLEY_API_KEYS: '', PARLEY_CONFIG: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 30_000;
    while (!/listening on (ws:\/\/\S+)"/.test(log) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const wsUrl = /listening on (ws:\/\/[^"\s]+)/.exec(log)?.[1];
    expect(wsUrl, log).toBeDefined();

    const c = await connectRealtime(`${wsUrl}/v1/realtime`);
    llm.enqueue({ text: ['Still ', 'speaking ', 'here.'], delayMs: 200 });
    await ask(c, 'Talk.');
    const close = closed(c);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const { code } = await close;
    expect(code).toBe(1001);
    expect(c.events.find((e) => e.type === 'response.done')?.response).toMatchObject({ status: 'completed' });
    const [exitCode] = await exited;
    expect(exitCode).toBe(0);
    expect(log).toContain('SIGTERM received: taking no new sessions');
  }, 60_000);
});
