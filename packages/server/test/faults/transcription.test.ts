/**
 * Speech recognition failing, over a real socket: pocketsphinx missing its deadline for a final
 * transcript, and an OpenAI-compatible transcription server that hangs, resets, answers an error
 * or stops listening. The user's item gets `conversation.item.input_audio_transcription.failed`
 * with the engine's code; the response to it still runs (the LLM hears that the audio was
 * inaudible); the next utterance is transcribed; another session's utterance, decoded meanwhile,
 * is not disturbed.
 */
import type { ErrorCode } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resampler.js';
import { OpenAiTranscriptionsStt } from '../../src/engines/stt/openai-transcriptions.js';
import { PocketsphinxStt } from '../../src/engines/stt/pocketsphinx.js';
import type { HearingEngines } from '../../src/hearing/hearing.js';
import { INAUDIBLE } from '../../src/session/llm-context.js';
import { startHarness, type Harness } from '../support/harness.js';
import { connectRealtime, type RealtimeTestClient, type WireEvent } from '../support/realtime-client.js';
import { startScriptedTranscriptions, type ScriptedTranscriptions } from '../support/scripted-transcriptions.js';
import { concatSamples, silence, synthesizeSpeech } from '../support/speech.js';
import { sleep } from './spoken-turns.js';

const QUESTION = 'what is the weather in paris today';

const clients: RealtimeTestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** A text-answering GA client that commits its audio by hand and asks for transcripts. */
async function connect(h: Harness): Promise<RealtimeTestClient> {
  const c = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { timeoutMs: 20_000 });
  clients.push(c);
  c.send({
    type: 'session.update',
    session: { type: 'realtime', output_modalities: ['text'], audio: { input: { turn_detection: null, transcription: { model: 'whisper-1' } } } },
  });
  await c.waitFor('session.updated');
  return c;
}

/** 24 kHz PCM16 of Flite saying `text`, repeated for at least `minMs`, with silence around it. */
async function speech(text: string, minMs = 0): Promise<Buffer> {
  const said = await synthesizeSpeech(text, { voice: 'slt' });
  const times = Math.max(1, Math.ceil(minMs / ((said.samples.length / 16) + 300)));
  const parts = Array.from({ length: times }, () => [said.samples, silence(300, 16_000)]).flat();
  const samples = await resample(concatSamples(silence(300, 16_000), ...parts), 16_000, 24_000);
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** Appends `audio` in one-second pieces and commits it; resolves with the committed item's id. */
async function commit(c: RealtimeTestClient, audio: Buffer, respond = false): Promise<string> {
  const from = c.events.length;
  for (let at = 0; at < audio.length; at += 48_000) c.send({ type: 'input_audio_buffer.append', audio: audio.subarray(at, at + 48_000).toString('base64') });
  c.send({ type: 'input_audio_buffer.commit' });
  if (respond) c.send({ type: 'response.create', response: {} });
  return (await c.waitFor('input_audio_buffer.committed', undefined, from)).item_id as string;
}

const OUTCOMES = ['conversation.item.input_audio_transcription.completed', 'conversation.item.input_audio_transcription.failed'];

/** The transcription outcome of `itemId`: its `.completed` or `.failed` event. */
async function outcome(c: RealtimeTestClient, itemId: string, ms = 20_000): Promise<WireEvent> {
  for (let waited = 0; waited < ms; waited += 20) {
    const found = c.events.find((e) => e.item_id === itemId && OUTCOMES.includes(e.type));
    if (found) return found;
    await sleep(20);
  }
  throw new Error(`no transcription outcome for ${itemId}; got: ${c.types().join(', ')}`);
}

function expectFailed(event: WireEvent, code: ErrorCode): string {
  expect(event.type).toBe('conversation.item.input_audio_transcription.failed');
  expect(event).toMatchObject({ content_index: 0, error: { type: 'server_error', code, param: null } });
  return (event.error as { message: string }).message;
}

function expectTranscript(event: WireEvent, transcript: string): void {
  expect(event.type).toBe('conversation.item.input_audio_transcription.completed');
  expect(event.transcript).toBe(transcript);
}

describe('pocketsphinx missing the deadline for a final transcript', () => {
  let stt: PocketsphinxStt;
  let h: Harness;
  beforeAll(async () => {
    // Two minutes of audio committed at once take pocketsphinx 12–17 s to decode (real-time factor
    // 0.10–0.14); a short question, a fraction of a second: the deadline holds even on a machine
    // several times slower than usual.
    stt = new PocketsphinxStt({ finalTimeoutMs: 6_000 });
    // Two decoders loaded, so neither session waits for one.
    await Promise.all([stt.warmup(), stt.warmup()]);
    h = await startHarness({ hearing: { vad: null, stt } });
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await stt?.close();
  });

  it('fails that transcription with engine_timeout; the other session and the next utterance are transcribed', async () => {
    const [long, short] = await Promise.all([speech('the quick brown fox jumps over the lazy dog and runs far away into the woods', 120_000), speech(QUESTION)]);
    const a = await connect(h);
    const b = await connect(h);

    const slow = await commit(a, long);
    const other = await commit(b, short);
    expectTranscript(await outcome(b, other), QUESTION);
    const failed = await outcome(a, slow);
    expect(expectFailed(failed, 'engine_timeout')).toBe('pocketsphinx did not finish the transcription within 6000 ms of the end of the audio.');
    expect(b.events.filter((e) => e.type === 'error' || e.type.endsWith('.failed'))).toStrictEqual([]);

    expectTranscript(await outcome(a, await commit(a, short)), QUESTION);
    expect(a.events.filter((e) => e.type === 'error')).toStrictEqual([]);
    expect([...a.invalid, ...b.invalid]).toStrictEqual([]);
  }, 60_000);
});

describe('a transcription server failing', () => {
  let server: ScriptedTranscriptions;
  let h: Harness;
  let audio: Buffer;
  beforeAll(async () => {
    server = await startScriptedTranscriptions();
    server.transcriber = () => ({ text: QUESTION });
    const hearing: HearingEngines = { vad: null, stt: new OpenAiTranscriptionsStt({ baseUrl: server.url, model: 'whisper-1', timeoutMs: 400 }) };
    h = await startHarness({ hearing });
    audio = await speech(QUESTION);
  });
  afterAll(async () => {
    await h?.stop();
    await server?.close();
  });

  it.each([
    { kind: 'no answer', code: 'engine_timeout' as const, arrange: () => server.enqueue({ neverAnswer: true }) },
    { kind: 'connection cut', code: 'engine_stream_error' as const, arrange: () => server.enqueue({ hangUp: true }) },
    { kind: 'HTTP 500', code: 'engine_http_error' as const, arrange: () => server.enqueue({ status: 500 }) },
    { kind: 'stopped listening', code: 'engine_unreachable' as const, arrange: () => server.stopListening(), restore: () => server.listen() },
  ])('$kind: .failed with $code, the response still answers, and the next utterance is transcribed', async ({ code, arrange, restore }) => {
    const c = await connect(h);
    await arrange();
    const llmRequests = h.llm.requests.length;
    const from = c.events.length;
    const item = await commit(c, audio, true);

    const message = expectFailed(await outcome(c, item), code);
    expect(message).toContain(server.url);
    const done = await c.waitFor('response.done', undefined, from);
    expect(done.response).toMatchObject({ status: 'completed' });
    expect(h.llm.requests[llmRequests]!.body.messages.at(-1)).toEqual({ role: 'user', content: INAUDIBLE });

    await restore?.();
    expectTranscript(await outcome(c, await commit(c, audio)), QUESTION);
    expect(c.events.filter((e) => e.type === 'error')).toStrictEqual([]);
    expect(c.invalid).toStrictEqual([]);
  });
});
