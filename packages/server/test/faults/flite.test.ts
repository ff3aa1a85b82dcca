/**
 * The Flite speech engine failing mid-response, over a real socket: its worker thread dies, or
 * a synthesis runs past the engine's deadline. The answer ends `failed` at once (the LLM request
 * is closed), keeping what was said; the pool replaces the worker; the session answers its next
 * turn, and another session's answer, under way meanwhile, completes.
 */
import type { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FliteTts, type FliteOptions } from '../../src/engines/tts/flite.js';
import { startHarness, type Harness } from '../support/harness.js';
import type { RealtimeTestClient } from '../support/realtime-client.js';
import { connectSpoken, expectClosed, expectCompleted, expectFailedSpokenTurn, expectNothingOf, expectSpokenTurn, finishedTurn, sleep, startTurn } from './spoken-turns.js';

/** One clause (no space to cut it at) whose synthesis takes Flite over a second: 300 digits, read one by one. */
const LONG_NUMBER = Array.from({ length: 300 }, (_, i) => String((i * 7) % 10)).join('');
/** The LLM says a short sentence, then the long clause, and is still writing when that one is being made. */
const ANSWER = { text: ['Hello there. ', `${LONG_NUMBER}. `, 'And', ' a', ' few', ' more', ' words', ' after', ' it.'], delayMs: 150 };

const clients: RealtimeTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** A Flite engine and a server speaking with it, set up for the tests of one describe. */
function fliteServer(options: FliteOptions): { tts: FliteTts; h: Harness } {
  const ctx = {} as { tts: FliteTts; h: Harness };
  beforeAll(async () => {
    ctx.tts = new FliteTts(options);
    await ctx.tts.warmup();
    ctx.h = await startHarness({ tts: ctx.tts });
  }, 60_000);
  afterAll(async () => {
    await ctx.h?.stop();
    await ctx.tts?.close();
  });
  return ctx;
}

async function busyThreads(tts: FliteTts): Promise<Worker[]> {
  for (let waited = 0; waited < 5_000; waited += 5) {
    if (tts.busyThreads.length > 0) return tts.busyThreads;
    await sleep(5);
  }
  throw new Error('no Flite worker became busy');
}

describe('a Flite worker thread that dies mid-synthesis', () => {
  const ctx = fliteServer({});

  it('ends the response failed with engine_crashed, keeps what was said, and both sessions go on', async () => {
    const { tts, h } = ctx;
    const a = await connectSpoken(h, clients);
    const b = await connectSpoken(h, clients);
    // B's answer is under way, its LLM still writing, when A's worker dies.
    h.llm.enqueue({ text: [' ', 'Still', ' here.'], delayMs: 700 });
    const bFrom = startTurn(b, 'Are you there?');
    await h.llm.request(0);

    h.llm.enqueue(ANSWER);
    const aFrom = startTurn(a, 'Read me the number.');
    await a.waitFor('response.output_audio.delta', undefined, aFrom);
    const llmRequest = await h.llm.request(1);
    const busy = await busyThreads(tts);
    await Promise.all(busy.map((worker) => worker.terminate()));

    const failed = await finishedTurn(a, aFrom);
    const error = expectFailedSpokenTurn(failed, 'engine_crashed');
    expect(error.message).toMatch(/^flite\(wasi\): its worker thread exited/);
    expect(failed.transcript).toBe('Hello there.');
    // The response ended when the worker died, not when the LLM had finished writing.
    await expectClosed(llmRequest);

    expectCompleted(await finishedTurn(b, bFrom), 'Still here.');
    expect(b.events.filter((e) => e.type === 'error')).toStrictEqual([]);

    h.llm.enqueue({ text: ['Yes, I am back.'] });
    const next = await expectSpokenTurn(a, 'And now?', 'Yes, I am back.');
    expect(tts.workers).toBeGreaterThan(0);
    await sleep(200);
    expectNothingOf(a, failed.response.id, next.from);
    expect(a.events.filter((e) => e.type === 'error')).toHaveLength(1);
    expect([...a.invalid, ...b.invalid]).toStrictEqual([]);
  }, 30_000);
});

describe('a Flite synthesis that runs past its deadline', () => {
  // One worker, so the other session's clause waits behind the stuck one. The lexicon is not
  // learnt ahead: that batch of ~600 words could itself outlast so short a deadline.
  const ctx = fliteServer({ workers: 1, timeoutMs: 500, warmupLexicon: false });

  it('ends the response failed with engine_timeout, replaces the worker, and both sessions go on', async () => {
    const { tts, h } = ctx;
    const a = await connectSpoken(h, clients);
    const b = await connectSpoken(h, clients);
    h.llm.enqueue(ANSWER);
    const aFrom = startTurn(a, 'Read me the number.');
    const llmRequest = await h.llm.request(0);
    await a.waitFor('response.output_audio.delta', undefined, aFrom);
    const stuck = await busyThreads(tts);
    // B's clause comes while A's is still being made.
    h.llm.enqueue({ text: ['Still here.'] });
    const bFrom = startTurn(b, 'Are you there?');

    const failed = await finishedTurn(a, aFrom);
    const error = expectFailedSpokenTurn(failed, 'engine_timeout');
    expect(error.message).toBe('flite(wasi) did not finish a synthesis within 500 ms; its worker thread was stopped.');
    expect(failed.transcript).toBe('Hello there.');
    await expectClosed(llmRequest);

    expectCompleted(await finishedTurn(b, bFrom), 'Still here.');
    // The stuck worker is gone; another took its place.
    expect(tts.workers).toBe(1);
    expect(stuck[0]!.threadId).toBe(-1);

    h.llm.enqueue({ text: ['Yes, I am back.'] });
    const next = await expectSpokenTurn(a, 'And now?', 'Yes, I am back.');
    await sleep(200);
    expectNothingOf(a, failed.response.id, next.from);
    expect([...a.invalid, ...b.invalid]).toStrictEqual([]);
  }, 30_000);
});
