/**
 * Scale-out: separate `parley serve` processes on loopback, configured only by environment
 * variables, as a deployment would run them. Two share PARLEY_SECRET: a client secret minted by
 * one opens sessions on the other (with the session configuration it carries), directly and
 * through a round-robin TCP load balancer in front of both. A third with another secret refuses
 * that key with 401. The instances share no state: only the secret.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedLlm, type ScriptedLlm } from '../support/scripted-llm.js';
import { browserProtocols, opened, refused } from './upgrade.js';

const API_KEY = 'sk-scale-out';
const SHARED_SECRET = 'shared-secret-for-every-instance-0123456789';
const OTHER_SECRET = 'some-other-instance-secret-9876543210abcdef';

interface Instance {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  log: () => string;
}

const children: ChildProcess[] = [];

/** Starts `parley serve` on a free port with `env` over a clean environment; resolves once it listens. */
async function startInstance(llm: ScriptedLlm, env: Record<string, string>): Promise<Instance> {
  const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PARLEY_')));
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: {
      ...clean,
      PARLEY_PORT: '0',
      PARLEY_VAD: 'none',
      PARLEY_STT: 'none',
      PARLEY_TTS: 'none',
      PARLEY_LLM_URL: llm.url,
      PARLEY_LLM_MODEL: 'scripted',
      PARLEY_LOG_FORMAT: 'json',
      PARLEY_CONFIG: '',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/listening on ws:\/\/\S+"/.test(log) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  const wsUrl = /listening on (ws:\/\/[^"\s]+)/.exec(log)?.[1];
  if (!wsUrl) throw new Error(`parley serve did not start:\n${log}`);
  return { child, wsUrl, url: wsUrl.replace(/^ws:/, 'http:'), log: () => log };
}

/** A TCP load balancer: each new connection goes to the next backend in turn. */
async function roundRobin(backends: { port: number }[]): Promise<{ server: Server; port: number; picks: number[] }> {
  const picks: number[] = [];
  let next = 0;
  const server = createServer((client) => {
    const index = next++ % backends.length;
    picks.push(index);
    const upstream = connect(backends[index]!.port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, picks };
}

let llm: ScriptedLlm;
let a: Instance;
let b: Instance;
let c: Instance;

beforeAll(async () => {
  llm = await startScriptedLlm();
  [a, b, c] = await Promise.all([
    startInstance(llm, { PARLEY_API_KEYS: API_KEY, PARLEY_SECRET: SHARED_SECRET }),
    startInstance(llm, { PARLEY_API_KEYS: API_KEY, PARLEY_SECRET: SHARED_SECRET }),
    startInstance(llm, { PARLEY_API_KEYS: API_KEY, PARLEY_SECRET: OTHER_SECRET }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await llm?.close();
});

const port = (instance: Instance) => Number(new URL(instance.url).port);

describe('instances sharing PARLEY_SECRET', () => {
  it('accept each other’s client secrets, session configuration included; another secret gets 401', async () => {
    const minter = new OpenAI({ apiKey: API_KEY, baseURL: `${a.url}/v1`, maxRetries: 0 });
    const { value } = await minter.realtime.clientSecrets.create({ session: { type: 'realtime', instructions: 'Minted on instance A.' } });

    const onB = await opened(`${b.wsUrl}/v1/realtime?model=gpt-realtime`, { protocols: browserProtocols(value) });
    expect((await onB.waitFor('session.created')).session).toMatchObject({ instructions: 'Minted on instance A.' });
    await onB.close();

    const r = await refused(`${c.wsUrl}/v1/realtime?model=gpt-realtime`, { protocols: browserProtocols(value) });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('invalid_api_key');
    expect(r.body.error.message).toMatch(/signature does not match.*every instance must share PARLEY_SECRET/);

    // And the other way round: B mints (beta endpoint), A accepts.
    const fromB = await new OpenAI({ apiKey: API_KEY, baseURL: `${b.url}/v1`, maxRetries: 0 }).beta.realtime.sessions.create({ instructions: 'From B.' });
    const onA = await opened(`${a.wsUrl}/v1/realtime`, { protocols: [...browserProtocols(fromB.client_secret.value), 'openai-beta.realtime-v1'] });
    expect((await onA.waitFor('session.created')).session).toMatchObject({ instructions: 'From B.' });
    await onA.close();
  });

  it('serve behind a round-robin load balancer: the key works on whichever instance a connection lands', async () => {
    const lb = await roundRobin([{ port: port(a) }, { port: port(b) }]);
    try {
      const base = `127.0.0.1:${lb.port}`;
      const minter = new OpenAI({ apiKey: API_KEY, baseURL: `http://${base}/v1`, maxRetries: 0 });
      const { value } = await minter.realtime.clientSecrets.create({ session: { type: 'realtime', instructions: 'Balanced.' } });
      for (let i = 0; i < 4; i++) {
        const session = await opened(`ws://${base}/v1/realtime`, { protocols: browserProtocols(value) });
        expect((await session.waitFor('session.created')).session).toMatchObject({ instructions: 'Balanced.' });
        await session.close();
      }
      expect(new Set(lb.picks)).toEqual(new Set([0, 1]));
    } finally {
      await new Promise<void>((resolve) => lb.server.close(() => resolve()));
    }
  });

  it('start without the random-secret warning, which an instance without PARLEY_SECRET gives', async () => {
    expect(a.log()).not.toContain('PARLEY_SECRET is not set');
    const lone = await startInstance(llm, { PARLEY_API_KEYS: API_KEY });
    expect(lone.log()).toContain('PARLEY_SECRET is not set: client secrets (ek_ keys) are signed with a random secret');
  });
});
