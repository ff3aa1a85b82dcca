/**
 * What a session may hold and how long it may last, over a real socket: each limit is met with
 * the error or close the docs promise (docs/limits.md), and nothing the client was not told
 * about is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionLimits } from '../../src/session/limits.js';
import { startHarness, type Harness } from '../support/harness.js';
import { connectRealtime, type RealtimeTestClient } from '../support/realtime-client.js';

let h: Harness | undefined;
let client: RealtimeTestClient | undefined;
afterEach(async () => {
  await client?.close();
  await h?.stop();
  client = undefined;
  h = undefined;
});

async function connect(limits: Partial<SessionLimits>): Promise<RealtimeTestClient> {
  h = await startHarness({ limits });
  client = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { dialect: 'ga' });
  await client.waitFor('session.created');
  client.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'], audio: { input: { turn_detection: null } } } });
  await client.waitFor('session.updated');
  return client;
}

/** `ms` of 24 kHz PCM16 audio, base64, every sample `value`. */
function audio(ms: number, value = 1000): string {
  const samples = new Int16Array((24_000 * ms) / 1000).fill(value);
  return Buffer.from(samples.buffer).toString('base64');
}

function closed(c: RealtimeTestClient): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => c.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

const say = (c: RealtimeTestClient, text: string) =>
  c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });

describe('input audio buffer limit', () => {
  it('refuses an append past the limit, keeps what it holds, and takes appends again after a commit', async () => {
    const c = await connect({ maxInputBufferMs: 1000 });
    c.send({ type: 'input_audio_buffer.append', audio: audio(800, 1) });
    c.send({ type: 'input_audio_buffer.append', event_id: 'evt_big', audio: audio(300, 2) });
    const error = await c.waitFor('error');
    expect(error.error).toEqual({
      type: 'invalid_request_error',
      code: 'input_audio_buffer_full',
      message: 'The input audio buffer already holds 0.8 s of uncommitted audio, and 1 second is the most it holds: commit it (input_audio_buffer.commit) or clear it before appending more.',
      param: 'audio',
      event_id: 'evt_big',
    });
    c.send({ type: 'input_audio_buffer.commit' });
    const committed = await c.waitFor('input_audio_buffer.committed');
    c.send({ type: 'conversation.item.retrieve', item_id: committed.item_id });
    const retrieved = await c.waitFor('conversation.item.retrieved');
    const bytes = Buffer.from((retrieved.item as { content: { audio: string }[] }).content[0]!.audio, 'base64');
    // Exactly the 800 ms accepted, none of the refused append.
    expect(bytes.length).toBe(24_000 * 2 * 0.8);
    expect(new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2).every((s) => s === 1)).toBe(true);
    const from = c.events.length;
    c.send({ type: 'input_audio_buffer.append', audio: audio(900) });
    c.send({ type: 'input_audio_buffer.commit' });
    await c.waitFor('input_audio_buffer.committed', undefined, from);
    expect(c.types(from)).not.toContain('error');
  });

  it('refuses one append of more than 15 MiB of audio', async () => {
    const c = await connect({});
    const big = Buffer.alloc(15 * 1024 * 1024 + 2).toString('base64');
    c.send({ type: 'input_audio_buffer.append', event_id: 'evt_huge', audio: big });
    const error = await c.waitFor('error');
    expect(error.error).toMatchObject({ code: 'invalid_value', param: 'audio', event_id: 'evt_huge', message: `Invalid 'audio': ${15 * 1024 * 1024 + 2} bytes of audio in one append; at most ${15 * 1024 * 1024} (15 MiB) are allowed.` });
  });
});

describe('frame size limit', () => {
  it('closes a connection that sends a frame over the limit with 1009, and only that one', async () => {
    h = await startHarness({ maxFrameBytes: 64 * 1024 });
    const big = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { dialect: 'ga' });
    client = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { dialect: 'ga' });
    const close = closed(big);
    big.send({ type: 'input_audio_buffer.append', audio: audio(2000) }); // 128 KB of base64
    expect((await close).code).toBe(1009);
    h.llm.enqueue({ text: ['Still here.'] });
    say(client, 'Hello?');
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    expect((await client.waitFor('response.done')).response).toMatchObject({ status: 'completed' });
  });
});

describe('conversation item limit', () => {
  it('deletes the oldest items beyond the limit, announcing each', async () => {
    const c = await connect({ maxConversationItems: 3 });
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const from = c.events.length;
      say(c, `message ${i}`);
      ids.push((await c.waitFor('conversation.item.added', undefined, from)).item as never);
    }
    await c.waitForCount('conversation.item.deleted', 2);
    const itemIds = ids.map((item) => (item as unknown as { id: string }).id);
    expect(c.events.filter((e) => e.type === 'conversation.item.deleted').map((e) => e.item_id)).toEqual(itemIds.slice(0, 2));
    c.send({ type: 'conversation.item.retrieve', item_id: itemIds[0] });
    expect((await c.waitFor('error')).error).toMatchObject({ code: 'item_not_found' });
    // The model reads the three kept.
    h!.llm.enqueue({ text: ['OK.'] });
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');
    const users = (await h!.llm.request(0)).body.messages.filter((m) => m.role === 'user').map((m) => m.content);
    expect(users).toEqual(['message 3', 'message 4', 'message 5']);
  });
});

describe('context window and truncation', () => {
  const long = (n: number) => `message ${n} ${'word '.repeat(40)}`; // about 52 tokens each

  it('auto: the model gets the newest messages that fit; the conversation keeps them all', async () => {
    const c = await connect({ maxContextTokens: 500 });
    for (let i = 1; i <= 12; i++) say(c, long(i));
    h!.llm.enqueue({ text: ['OK.'] });
    c.send({ type: 'response.create' });
    expect((await c.waitFor('response.done')).response).toMatchObject({ status: 'completed' });
    const users = (await h!.llm.request(0)).body.messages.filter((m) => m.role === 'user').map((m) => (m.content as string).split(' ').slice(0, 2).join(' '));
    // 500 tokens less 125 kept for the answer less the instructions: the last 7 fit.
    expect(users).toEqual(['message 6', 'message 7', 'message 8', 'message 9', 'message 10', 'message 11', 'message 12']);
    expect(c.types()).not.toContain('conversation.item.deleted');
  });

  it('disabled: the response fails with context_length_exceeded, and the session goes on', async () => {
    const c = await connect({ maxContextTokens: 500 });
    c.send({ type: 'session.update', session: { type: 'realtime', truncation: 'disabled' } });
    for (let i = 1; i <= 12; i++) say(c, long(i));
    c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done');
    expect(done.response).toMatchObject({ status: 'failed', status_details: { type: 'failed', error: { code: 'context_length_exceeded' } } });
    expect((await c.waitFor('error')).error).toMatchObject({ code: 'context_length_exceeded', message: expect.stringContaining('the session\'s truncation is "disabled"') });
    expect(h!.llm.requests).toHaveLength(0);
  });
});

describe('session deadlines', () => {
  it('closes a session at its maximum duration with 1001, after the error that says so', async () => {
    const c = await connect({ maxSessionMs: 600 });
    const created = c.events.find((e) => e.type === 'session.created')!;
    expect((created.session as { expires_at: number }).expires_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);
    const close = await closed(c);
    expect(close).toEqual({ code: 1001, reason: 'Your session hit the maximum duration of 600 ms.' });
    expect(c.events.at(-1)).toMatchObject({ type: 'error', error: { code: 'session_expired', message: 'Your session hit the maximum duration of 600 ms.' } });
  });

  it('closes a silent session after the idle limit, and keeps one that keeps talking', async () => {
    h = await startHarness({ limits: { idleMs: 400 } });
    const silent = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { dialect: 'ga' });
    const busy = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { dialect: 'ga' });
    client = busy;
    const silentClosed = closed(silent);
    let busyClosed = false;
    busy.ws.once('close', () => (busyClosed = true));
    const ticker = setInterval(() => busy.send({ type: 'input_audio_buffer.clear' }), 100);
    try {
      expect(await silentClosed).toEqual({ code: 1001, reason: 'Your session sent no event for 400 ms and was closed.' });
      expect(silent.events.at(-1)).toMatchObject({ type: 'error', error: { code: 'session_idle' } });
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(busyClosed).toBe(false);
    } finally {
      clearInterval(ticker);
    }
  });
});
