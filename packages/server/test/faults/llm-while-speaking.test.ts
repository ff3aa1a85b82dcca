/**
 * The LLM server failing while its answer is being spoken (real Flite), over a real socket: the
 * stream breaks off or falls silent after the first sentence. The answer ends `failed`; what was
 * said stays, and nothing the LLM wrote but was not yet spoken is sent or kept. The session
 * answers its next turn.
 */
import type { ErrorCode } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FliteTts } from '../../src/engines/tts/flite.js';
import { startHarness, type Harness } from '../support/harness.js';
import type { RealtimeTestClient } from '../support/realtime-client.js';
import type { Script } from '../support/scripted-llm.js';
import { connectSpoken, expectFailedSpokenTurn, expectNothingOf, expectSpokenTurn, finishedTurn, sleep, startTurn } from './spoken-turns.js';

let tts: FliteTts;
let h: Harness;
const clients: RealtimeTestClient[] = [];
beforeAll(async () => {
  tts = new FliteTts();
  await tts.warmup();
  h = await startHarness({ tts, llmTimeoutMs: 400 });
}, 60_000);
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await h?.stop();
  await tts?.close();
});

/** A first sentence, then half of a second one, 300 ms apart; then the fault. */
const BROKEN_OFF = ['Hello there. ', 'How are you', ' doing today?'];

describe('the LLM failing while its answer is spoken', () => {
  it.each([
    { kind: 'stream cut', code: 'engine_stream_error' as ErrorCode, script: { text: BROKEN_OFF, delayMs: 300, breakAfter: { chunks: 2, how: 'destroy' } } satisfies Script },
    { kind: 'stream silent', code: 'engine_timeout' as ErrorCode, script: { text: BROKEN_OFF, delayMs: 300, breakAfter: { chunks: 2, how: 'hang' } } satisfies Script },
  ])('$kind: error $code, the first sentence said and kept, the half sentence dropped', async ({ code, script }) => {
    const c = await connectSpoken(h, clients);
    h.llm.enqueue(script);
    const failed = await finishedTurn(c, startTurn(c, 'Greet me.'));
    const error = expectFailedSpokenTurn(failed, code);
    expect(error.message).toContain(h.llm.url);
    expect(failed.transcript).toBe('Hello there.');
    // About a second of speech: the first sentence, and none of the second.
    expect(failed.audioBytes).toBeGreaterThan(24_000);
    expect(failed.audioBytes).toBeLessThan(3 * 24_000);

    h.llm.enqueue({ text: ['Yes, I am back.'] });
    const next = await expectSpokenTurn(c, 'And now?', 'Yes, I am back.');
    await sleep(200);
    expectNothingOf(c, failed.response.id, next.from);
    expect(c.invalid).toStrictEqual([]);
  });
});
