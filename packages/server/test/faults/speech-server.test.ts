/**
 * An OpenAI-compatible speech server failing mid-response, over a real socket: the first
 * sentence is spoken, then the server resets the connection, falls silent, answers an error or
 * stops listening while the second is being made. The answer ends `failed` at once with the
 * engine's code, keeping the first sentence (the words of a sentence cut off mid-way are not
 * known to have been said: the server gives no word timings), and the session answers its next
 * turn.
 */
import type { ErrorCode } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiSpeechTts } from '../../src/engines/tts/openai-speech.js';
import { startHarness, type Harness } from '../support/harness.js';
import type { RealtimeTestClient } from '../support/realtime-client.js';
import { startScriptedSpeech, type ScriptedSpeech, type SpeechScript } from '../support/scripted-speech.js';
import { connectSpoken, expectClosed, expectFailedSpokenTurn, expectNothingOf, expectSpokenTurn, finishedTurn, sleep, startTurn } from './spoken-turns.js';

/** 24 kHz PCM16, as the engine asks for and the session sends. */
const SAMPLE_RATE = 24_000;
const ms = (duration: number) => new Uint8Array((SAMPLE_RATE * 2 * duration) / 1000).fill(1);
const FIRST_SENTENCE = ms(500);
/** The second sentence's audio, in 100 ms writes; the faults break in after the first. */
const SECOND_SENTENCE: SpeechScript = { audio: ms(500), writes: [4800, 4800, 4800, 4800] };
const TIMEOUT_MS = 400;

let speech: ScriptedSpeech;
let h: Harness;
const clients: RealtimeTestClient[] = [];
beforeAll(async () => {
  speech = await startScriptedSpeech();
  const tts = new OpenAiSpeechTts({ baseUrl: speech.url, model: 'tts-1', connectTimeoutMs: TIMEOUT_MS, idleTimeoutMs: TIMEOUT_MS });
  h = await startHarness({ tts });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await h?.stop();
  await speech?.close();
});

interface Fault {
  kind: string;
  code: ErrorCode;
  /** Sets up the fault for the second sentence, once the first one is being spoken. */
  arrange(): void | Promise<void>;
  restore?(): Promise<void>;
  /** Audio of the second sentence that went out before the fault, bytes. */
  partial: number;
}

const FAULTS: Fault[] = [
  { kind: 'connection reset mid-stream', code: 'engine_stream_error', arrange: () => speech.enqueue({ ...SECOND_SENTENCE, breakAfter: { writes: 1, how: 'destroy' } }), partial: 4800 },
  { kind: 'silence mid-stream', code: 'engine_timeout', arrange: () => speech.enqueue({ ...SECOND_SENTENCE, breakAfter: { writes: 1, how: 'hang' } }), partial: 4800 },
  { kind: 'no answer', code: 'engine_timeout', arrange: () => speech.enqueue({ neverAnswer: true }), partial: 0 },
  { kind: 'HTTP 500', code: 'engine_http_error', arrange: () => speech.enqueue({ status: 500 }), partial: 0 },
  { kind: 'stopped listening', code: 'engine_unreachable', arrange: () => speech.stopListening(), restore: () => speech.listen(), partial: 0 },
];

describe('a speech server failing mid-response', () => {
  it.each(FAULTS)('$kind: error $code, the first sentence kept, and the next turn answered', async (fault) => {
    const c = await connectSpoken(h, clients);
    const llmRequests = h.llm.requests.length;
    speech.enqueue({ audio: FIRST_SENTENCE });
    h.llm.enqueue({ text: ['Hello there. ', 'How are you', ' doing today? ', 'Fine', ' I hope.'], delayMs: 300 });
    const from = startTurn(c, 'Greet me.');
    await c.waitFor('response.output_audio.delta', undefined, from);
    await fault.arrange();

    const failed = await finishedTurn(c, from);
    const error = expectFailedSpokenTurn(failed, fault.code);
    expect(error.message).toContain(speech.url);
    expect(failed.transcript).toBe('Hello there.');
    expect(failed.audioBytes).toBe(FIRST_SENTENCE.length + fault.partial);
    await expectClosed(h.llm.requests[llmRequests]!);

    await fault.restore?.();
    h.llm.enqueue({ text: ['Yes, I am back.'] });
    const next = await expectSpokenTurn(c, 'And now?', 'Yes, I am back.');
    await sleep(200);
    expectNothingOf(c, failed.response.id, next.from);
    expect(c.events.filter((e) => e.type === 'error')).toHaveLength(1);
    expect(c.invalid).toStrictEqual([]);
  });
});
