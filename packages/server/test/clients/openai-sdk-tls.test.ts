/**
 * Parley serving TLS, reached by the `openai` GA `OpenAIRealtimeWS` the way a user would:
 * `baseURL: https://…` and no transport tricks — the SDK dials wss:// itself. The certificate
 * is the test-only self-signed one in test/fixtures/tls.
 */
import { readFileSync } from 'node:fs';
import { wireServerEventNames } from '@parley/protocol';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { foreignNames } from './helpers.js';
import { openSdkClient, type SdkConnection } from './openai-connection.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url));
const cert = fixture('test-cert.pem');
const key = fixture('test-key.pem');

let h: Harness;
let c: SdkConnection | undefined;

beforeEach(async () => {
  h = await startHarness({ tls: { cert, key } });
});
afterEach(async () => {
  c?.close();
  c = undefined;
  await h.stop();
});

const sdk = () => new OpenAI({ apiKey: 'sk-test', baseURL: `https://127.0.0.1:${h.server.port}/v1` });

async function textTurn(conn: SdkConnection, words: string[]): Promise<void> {
  h.llm.enqueue({ text: words });
  conn.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
  conn.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi!' }] } });
  conn.send({ type: 'response.create' });
  const done = await conn.waitFor('response.done');
  expect(done.response).toMatchObject({ status: 'completed', output: [{ content: [{ type: 'output_text', text: words.join('') }] }] });
  expect(conn.errors).toEqual([]);
  expect(foreignNames(conn.types(), wireServerEventNames('ga'))).toEqual([]);
}

describe('openai GA OpenAIRealtimeWS over TLS (wss://)', () => {
  it('serves wss:// on the advertised URL', () => {
    expect(h.server.url).toBe(`https://127.0.0.1:${h.server.port}`);
    expect(h.server.wsUrl).toBe(`wss://127.0.0.1:${h.server.port}`);
  });

  it('completes a text turn with certificate checks off (rejectUnauthorized: false)', async () => {
    c = await openSdkClient(new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { rejectUnauthorized: false } }, sdk()));
    await textTurn(c, ['Secure', ' hello.']);
    expect(c.types()[0]).toBe('session.created');
  });

  it('completes a text turn with the certificate verified against the test CA', async () => {
    c = await openSdkClient(new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { ca: cert } }, sdk()));
    await textTurn(c, ['Verified', ' hello.']);
  });

  it('is refused by a client that checks certificates against the system CAs', async () => {
    const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime' }, sdk());
    const failure = await new Promise<Error>((resolve) => {
      rt.on('error', (err) => resolve(err));
      rt.socket.once('open', () => resolve(new Error('connected without verifying the certificate')));
    });
    expect(failure.message).toMatch(/self[- ]signed/i);
  });
});
