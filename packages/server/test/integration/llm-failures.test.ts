/**
 * How LLM upstream failures, cancellation and length limits reach a realtime client, over a
 * real socket in the GA dialect: each failing response ends with one `error` and one
 * `response.done` `failed`, the session stays open, and one session's trouble stays its own.
 */
import type { ErrorCode } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRealtime, type RealtimeTestClient, type WireEvent } from '../support/realtime-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import type { RecordedRequest } from '../support/scripted-llm.js';

interface WireResponse {
  id: string;
  status: string;
  status_details: null | { type: string; reason?: string; error?: { type: string; code: string; message: string } };
  output: { type: string; status: string; content?: { type: string; text?: string }[] }[];
  max_output_tokens?: number | 'inf';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let h: Harness | undefined;
const clients: RealtimeTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await h?.stop();
  h = undefined;
});

async function harness(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

/** A GA client with a text-only session, past its `session.updated`. */
async function connect(harness: Harness): Promise<RealtimeTestClient> {
  const c = await connectRealtime(`${harness.server.wsUrl}/v1/realtime?model=gpt-realtime`);
  clients.push(c);
  c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
  await c.waitFor('session.updated');
  return c;
}

/** Adds a user message and asks for a response; resolves with where the turn's events begin. */
function startTurn(c: RealtimeTestClient, text: string, response: Record<string, unknown> = {}): number {
  const from = c.events.length;
  c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
  c.send({ type: 'response.create', response });
  return from;
}

/** Runs a whole turn: the events from its user item to its `response.done`, and that response. */
async function turn(c: RealtimeTestClient, text: string, response: Record<string, unknown> = {}) {
  const from = startTurn(c, text, response);
  const done = await c.waitFor('response.done', undefined, from);
  return { from, events: c.events.slice(from, c.events.indexOf(done) + 1), response: done.response as WireResponse };
}

/** Resolves once the scripted server saw the client hang up; fails the test after `ms`. */
async function expectAborted(recorded: RecordedRequest, ms = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const result = await Promise.race([recorded.aborted.then(() => 'aborted' as const), timedOut]);
  clearTimeout(timer);
  expect(result, 'the scripted server should see the HTTP request closed').toBe('aborted');
}

/** Every event that belongs to response `id`: the response itself, or output of it. */
function ofResponse(events: WireEvent[], id: string): WireEvent[] {
  return events.filter((e) => e.response_id === id || (e.response as { id?: string } | undefined)?.id === id);
}

const USER_ITEM = ['conversation.item.added', 'conversation.item.done'];
const TEXT_OUTPUT_OPENED = ['response.output_item.added', 'conversation.item.added', 'response.content_part.added'];
const TEXT_OUTPUT_CLOSED = ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'conversation.item.done'];

interface FailureCase {
  kind: string;
  code: ErrorCode;
  /** Scripts the upstream failure before the turn. */
  arrange(h: Harness): void | Promise<void>;
  /** Brings the upstream back for the next turn. */
  restore?(h: Harness): Promise<void>;
  /** Text the response streamed before the failure, if any. */
  partial?: string;
}

const FAILURES: FailureCase[] = [
  {
    kind: 'connection refused',
    code: 'engine_unreachable',
    arrange: (h) => h.llm.stopListening(),
    restore: (h) => h.llm.listen(),
  },
  {
    kind: 'HTTP 500',
    code: 'engine_http_error',
    arrange: (h) => h.llm.enqueue({ status: 500, body: JSON.stringify({ error: { message: 'model exploded' } }) }),
  },
  {
    kind: 'no answer (connect timeout)',
    code: 'engine_timeout',
    arrange: (h) => h.llm.enqueue({ neverAnswer: true }),
  },
  {
    kind: 'silence mid-stream (idle timeout)',
    code: 'engine_timeout',
    arrange: (h) => h.llm.enqueue({ text: ['Half', ' a thought'], breakAfter: { chunks: 1, how: 'hang' } }),
    partial: 'Half',
  },
  {
    kind: 'socket destroyed mid-stream',
    code: 'engine_stream_error',
    arrange: (h) => h.llm.enqueue({ text: ['Hel', 'lo'], breakAfter: { chunks: 1, how: 'destroy' } }),
    partial: 'Hel',
  },
  {
    kind: 'a chunk that is not JSON',
    code: 'engine_stream_error',
    arrange: (h) =>
      h.llm.enqueue({ raw: [`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hel' } }] })}\n\n`, 'data: <html>502 Bad Gateway</html>\n\n'] }),
    partial: 'Hel',
  },
];

describe('an LLM upstream failure during a GA response', () => {
  it.each(FAILURES)('$kind: error $code, one response.done failed, and the socket runs the next turn', async (failure) => {
    const h = await harness({ llmTimeoutMs: 400 });
    const c = await connect(h);
    await failure.arrange(h);

    const failed = await turn(c, 'Please fail.');
    const output = failure.partial ? [...TEXT_OUTPUT_OPENED, 'response.output_text.delta', ...TEXT_OUTPUT_CLOSED] : [];
    expect(failed.events.map((e) => e.type)).toStrictEqual([...USER_ITEM, 'response.created', ...output, 'error', 'response.done']);

    const error = failed.events.find((e) => e.type === 'error')!.error as Record<string, unknown>;
    expect(error).toMatchObject({ type: 'server_error', code: failure.code, param: null, event_id: null });
    expect(error.message).toEqual(expect.stringContaining(h.llm.url));
    expect(failed.response.status).toBe('failed');
    expect(failed.response.status_details).toStrictEqual({
      type: 'failed',
      error: { type: 'server_error', code: failure.code, message: error.message },
    });
    if (failure.partial) {
      expect(failed.response.output).toHaveLength(1);
      expect(failed.response.output[0]).toMatchObject({ type: 'message', status: 'incomplete', content: [{ type: 'output_text', text: failure.partial }] });
    } else {
      expect(failed.response.output).toStrictEqual([]);
    }

    // Long enough for a stray second response.done or a late delta to show up.
    await sleep(150);
    await failure.restore?.(h);
    h.llm.enqueue({ text: ['Back', ' again.'] });
    const next = await turn(c, 'Try again.');

    expect(c.ws.readyState).toBe(c.ws.OPEN);
    expect(next.response.status).toBe('completed');
    expect(next.response.output[0]!.content![0]).toStrictEqual({ type: 'output_text', text: 'Back again.' });
    expect(next.events.map((e) => e.type)).toStrictEqual([
      ...USER_ITEM,
      'response.created',
      ...TEXT_OUTPUT_OPENED,
      'response.output_text.delta',
      'response.output_text.delta',
      ...TEXT_OUTPUT_CLOSED,
      'response.done',
    ]);
    // The failed response ended once, and nothing of it came after its response.done.
    expect(c.events.filter((e) => e.type === 'response.done').map((e) => (e.response as WireResponse).id)).toStrictEqual([failed.response.id, next.response.id]);
    expect(ofResponse(c.events.slice(next.from), failed.response.id)).toStrictEqual([]);
    expect(c.events.filter((e) => e.type === 'error')).toHaveLength(1);
    expect(c.invalid).toStrictEqual([]);
  });
});

describe('cancelling a response while the LLM streams', () => {
  it('response.cancel ends it cancelled/client_cancelled, stops its deltas, and closes the HTTP request', async () => {
    const h = await harness();
    const c = await connect(h);
    h.llm.enqueue({ text: ['One', ' two', ' three', ' four', ' five', ' six'], delayMs: 120 });
    const from = startTurn(c, 'Count slowly.');
    await c.waitFor('response.output_text.delta', undefined, from);
    c.send({ type: 'response.cancel' });
    const done = await c.waitFor('response.done', undefined, from);
    const response = done.response as WireResponse;

    expect(response.status).toBe('cancelled');
    expect(response.status_details).toStrictEqual({ type: 'cancelled', reason: 'client_cancelled' });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    await expectAborted(h.llm.requests[0]!);

    // The open output closes (inner to outer) before response.done; nothing follows it.
    const turnTypes = c.types(from);
    const doneAt = turnTypes.indexOf('response.done');
    expect(turnTypes.slice(doneAt - TEXT_OUTPUT_CLOSED.length, doneAt)).toStrictEqual(TEXT_OUTPUT_CLOSED);
    await sleep(400); // more than three of the upstream's pauses
    expect(c.types(from).slice(doneAt + 1)).toStrictEqual([]);
    const deltas = c.events.slice(from).filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.length).toBeLessThan(6);
    const text = deltas.map((e) => e.delta).join('');
    expect(response.output[0]!.content![0]).toStrictEqual({ type: 'output_text', text });
    expect(c.events.filter((e) => e.type === 'error')).toStrictEqual([]);

    // The session carries on.
    h.llm.enqueue({ text: ['Still here.'] });
    const next = await turn(c, 'Are you there?');
    expect(next.response.status).toBe('completed');
    expect(next.response.output[0]!.content![0]).toStrictEqual({ type: 'output_text', text: 'Still here.' });
    expect(c.invalid).toStrictEqual([]);
  });

  it('response.cancel before the LLM has answered ends it cancelled with no output and closes the HTTP request', async () => {
    const h = await harness();
    const c = await connect(h);
    h.llm.enqueue({ neverAnswer: true });
    const from = startTurn(c, 'Hello?');
    await h.llm.request(0);
    c.send({ type: 'response.cancel' });
    const done = await c.waitFor('response.done', undefined, from);
    expect(c.types(from)).toStrictEqual([...USER_ITEM, 'response.created', 'response.done']);
    expect(done.response).toMatchObject({ status: 'cancelled', status_details: { type: 'cancelled', reason: 'client_cancelled' }, output: [] });
    await expectAborted(h.llm.requests[0]!);
    await sleep(100);
    expect(c.types(from)).toStrictEqual([...USER_ITEM, 'response.created', 'response.done']);
  });

  it('closing the socket mid-stream closes the HTTP request to the LLM', async () => {
    const h = await harness();
    const c = await connect(h);
    h.llm.enqueue({ text: ['a', 'b', 'c', 'd', 'e'], delayMs: 150 });
    const from = startTurn(c, 'Go.');
    await c.waitFor('response.output_text.delta', undefined, from);
    await c.close();
    await expectAborted(h.llm.requests[0]!);
  });
});

describe('length limits', () => {
  it('max_output_tokens reaches the LLM as max_tokens, and finish_reason length ends the response incomplete', async () => {
    const h = await harness();
    const c = await connect(h);
    h.llm.enqueue({ text: ['Once upon', ' a time'], finishReason: 'length', usage: { prompt_tokens: 20, completion_tokens: 5 } });
    const { events, response } = await turn(c, 'Tell me a long story.', { max_output_tokens: 5 });

    expect(h.llm.requests[0]!.body.max_tokens).toBe(5);
    expect(events.map((e) => e.type)).toStrictEqual([
      ...USER_ITEM,
      'response.created',
      ...TEXT_OUTPUT_OPENED,
      'response.output_text.delta',
      'response.output_text.delta',
      ...TEXT_OUTPUT_CLOSED,
      'response.done',
    ]);
    expect(response.status).toBe('incomplete');
    expect(response.status_details).toStrictEqual({ type: 'incomplete', reason: 'max_output_tokens' });
    expect(response.max_output_tokens).toBe(5);
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete', content: [{ type: 'output_text', text: 'Once upon a time' }] });
    expect(events.filter((e) => e.type === 'error')).toStrictEqual([]);
    expect(c.invalid).toStrictEqual([]);
  });

  it('a session-level max_output_tokens is sent too, and "inf" sends none', async () => {
    const h = await harness();
    const c = await connect(h);
    c.send({ type: 'session.update', session: { type: 'realtime', max_output_tokens: 12 } });
    await c.waitForCount('session.updated', 2);
    h.llm.enqueue({ text: ['Short.'], finishReason: 'length' });
    const limited = await turn(c, 'Hi.');
    expect(h.llm.requests[0]!.body.max_tokens).toBe(12);
    expect(limited.response.status_details).toStrictEqual({ type: 'incomplete', reason: 'max_output_tokens' });

    const unlimited = await turn(c, 'Again.', { max_output_tokens: 'inf' });
    expect(Object.keys(h.llm.requests[1]!.body)).not.toContain('max_tokens');
    expect(unlimited.response.status).toBe('completed');
  });

  it('finish_reason content_filter ends the response incomplete with reason content_filter', async () => {
    const h = await harness();
    const c = await connect(h);
    h.llm.enqueue({ text: ['I cannot'], finishReason: 'content_filter' });
    const { response } = await turn(c, 'Something unsafe.');
    expect(response.status).toBe('incomplete');
    expect(response.status_details).toStrictEqual({ type: 'incomplete', reason: 'content_filter' });
  });
});

describe('two sessions at once', () => {
  const SLOW_TEXT = ['The', ' quick', ' brown', ' fox', ' jumps.'];

  /** Starts B's slow turn and waits until its request reached the LLM, so scripts are consumed in a known order. */
  async function startSlowTurn(h: Harness, b: RealtimeTestClient): Promise<number> {
    h.llm.enqueue({ text: SLOW_TEXT, delayMs: 80 });
    const from = startTurn(b, 'Say the fox sentence.');
    await h.llm.request(0);
    return from;
  }

  async function expectSlowTurnCompleted(b: RealtimeTestClient, from: number): Promise<void> {
    const done = await b.waitFor('response.done', undefined, from);
    expect(done.response).toMatchObject({ status: 'completed', status_details: null });
    expect((done.response as WireResponse).output[0]!.content![0]).toStrictEqual({ type: 'output_text', text: SLOW_TEXT.join('') });
    expect(b.types(from)).toStrictEqual([
      ...USER_ITEM,
      'response.created',
      ...TEXT_OUTPUT_OPENED,
      ...SLOW_TEXT.map(() => 'response.output_text.delta'),
      ...TEXT_OUTPUT_CLOSED,
      'response.done',
    ]);
    expect(b.events.filter((e) => e.type === 'error')).toStrictEqual([]);
    expect(b.invalid).toStrictEqual([]);
  }

  it.each([
    { kind: 'HTTP 500', code: 'engine_http_error', script: { status: 500 } },
    { kind: 'a destroyed socket', code: 'engine_stream_error', script: { text: ['Bro', 'ken'], breakAfter: { chunks: 1, how: 'destroy' as const } } },
  ])("one session's upstream failing ($kind) does not disturb the other's turn", async ({ code, script }) => {
    const h = await harness();
    const a = await connect(h);
    const b = await connect(h);
    const bFrom = await startSlowTurn(h, b);

    h.llm.enqueue(script);
    const failed = await turn(a, 'Fail for me.');
    expect(failed.response.status).toBe('failed');
    expect(failed.response.status_details?.error?.code).toBe(code);
    expect(a.events.filter((e) => e.type === 'error').map((e) => (e.error as { code: string }).code)).toStrictEqual([code]);
    // A failed while B was still streaming.
    expect(b.events.slice(bFrom).some((e) => e.type === 'response.done')).toBe(false);

    await expectSlowTurnCompleted(b, bFrom);
    expect(h.llm.requests.map((r) => r.wasAborted)).toStrictEqual([false, code === 'engine_stream_error']);
  });

  it("one client's garbage frames are answered on its own socket and do not disturb the other's turn", async () => {
    const h = await harness();
    const a = await connect(h);
    const b = await connect(h);
    const bFrom = await startSlowTurn(h, b);

    const aFrom = a.events.length;
    a.sendRaw('this is not json');
    a.sendRaw(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    a.sendRaw('{"no_type": true}');
    a.send({ type: 'response.explode' });
    a.send({ type: 'response.cancel' });
    const errors = await a.waitForCount('error', 5, aFrom);
    expect(errors.map((e) => (e.error as { code: string }).code)).toStrictEqual([
      'invalid_json',
      'invalid_event',
      'invalid_event',
      'unknown_event_type',
      'response_cancel_not_active',
    ]);
    expect(errors.every((e) => (e.error as { type: string }).type === 'invalid_request_error')).toBe(true);

    await expectSlowTurnCompleted(b, bFrom);

    // A's session is still usable.
    h.llm.enqueue({ text: ['Fine.'] });
    const ok = await turn(a, 'All good?');
    expect(ok.response.status).toBe('completed');
    expect(a.ws.readyState).toBe(a.ws.OPEN);
  });
});
