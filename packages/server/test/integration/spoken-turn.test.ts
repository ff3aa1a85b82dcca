/**
 * A whole spoken turn with every real engine: Flite speech streamed in → Silero VAD →
 * pocketsphinx → the scripted LLM → Flite TTS → audio out; and that audio, transcribed back by
 * pocketsphinx, says the LLM's words. Then barge-in: the user speaks over the answer, which stops
 * at once and keeps only what was heard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resampler.js';
import { PocketsphinxStt } from '../../src/engines/stt/pocketsphinx.js';
import { transcribe } from '../../src/engines/stt/index.js';
import { FliteTts } from '../../src/engines/tts/flite.js';
import { createSileroVad, type SileroVadEngine } from '../../src/engines/vad/silero.js';
import { startHarness, type Harness } from '../support/harness.js';
import { connectRealtime, type RealtimeTestClient } from '../support/realtime-client.js';
import { concatSamples, silence, synthesizeSpeech } from '../support/speech.js';

let vad: SileroVadEngine;
let stt: PocketsphinxStt;
let tts: FliteTts;
let h: Harness;

beforeAll(async () => {
  vad = await createSileroVad();
  stt = new PocketsphinxStt();
  tts = new FliteTts();
  await Promise.all([stt.warmup(), tts.warmup?.()]);
  h = await startHarness({ hearing: { vad, stt }, tts });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await Promise.all([vad?.close(), stt?.close(), tts?.close?.()]);
});

/** 24 kHz PCM16 of Flite saying `text`, with silence around it. */
async function userSpeech(text: string, leadMs = 500, tailMs = 1200): Promise<Buffer> {
  const speech = await synthesizeSpeech(text, { voice: 'slt' });
  const samples = await resample(concatSamples(silence(leadMs, 16000), speech.samples, silence(tailMs, 16000)), 16000, 24000);
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

async function stream(client: RealtimeTestClient, bytes: Buffer, speed = 2): Promise<void> {
  const step = 100 * 48;
  for (let at = 0; at < bytes.length; at += step) {
    client.send({ type: 'input_audio_buffer.append', audio: bytes.subarray(at, at + step).toString('base64') });
    await new Promise((resolve) => setTimeout(resolve, 100 / speed));
  }
}

const audioOf = (client: RealtimeTestClient, from: number) =>
  Buffer.concat(client.events.slice(from).filter((e) => e.type === 'response.output_audio.delta').map((e) => Buffer.from(e.delta as string, 'base64')));

describe('a spoken turn with real engines', () => {
  it('hears the question, answers aloud, and the answer says the LLM’s words', async () => {
    const answer = 'It is sunny in Paris today.';
    h.llm.enqueue({ text: ['It is', ' sunny in', ' Paris today.'] });
    const client = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { timeoutMs: 20_000 });
    await client.waitFor('session.created');
    client.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['audio'], audio: { input: { transcription: { model: 'pocketsphinx' } } } } });
    await client.waitFor('session.updated');
    const from = client.events.length;
    await stream(client, await userSpeech('what is the weather in paris today'));
    const done = await client.waitFor('response.done');
    expect(done.response).toMatchObject({ status: 'completed' });
    expect(h.llm.requests.at(-1)!.body.messages.at(-1)).toEqual({ role: 'user', content: 'what is the weather in paris today' });

    const transcript = await client.waitFor('response.output_audio_transcript.done');
    expect(transcript.transcript).toBe(answer);
    const pcm24 = audioOf(client, from);
    expect(pcm24.length).toBeGreaterThan(48 * 1000);
    const heard = await transcribe(stt, await resample(new Int16Array(pcm24.buffer, pcm24.byteOffset, pcm24.length / 2), 24000, 16000), {
      signal: new AbortController().signal,
    });
    expect(heard.text).toBe('it is sunny in paris today');
    expect(client.invalid).toEqual([]);
    await client.close();
  }, 60_000);

  it('barge-in: speech over the answer stops it within one chunk; truncation keeps only the heard words', async () => {
    h.llm.enqueue(
      // The model writes slowly, so the answer is still being made when the user cuts in.
      { text: ['Let me tell you a long story about a cat.', ' The cat lived in a big old house.', ' Every day it slept in the sun.'], delayMs: 1500 },
      { text: ['Sure.'] },
    );
    const client = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { timeoutMs: 20_000 });
    await client.waitFor('session.created');
    client.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['audio'] } });
    await client.waitFor('session.updated');
    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Tell me a story.' }] } });
    client.send({ type: 'response.create' });
    await client.waitFor('response.output_audio.delta');
    const streaming = stream(client, await userSpeech('stop please', 200, 900), 2);
    const started = await client.waitFor('input_audio_buffer.speech_started');
    // As a real client does on speech_started: stop playback, say how much was played (1.2 s).
    const itemId = (client.events.find((e) => e.type === 'response.output_item.added')!.item as { id: string }).id;
    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 1200 });
    await streaming;
    const first = await client.waitFor('response.done');
    expect(first.response).toMatchObject({ status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' } });
    // Nothing of the cancelled answer after speech_started but its closing events.
    const startedAt = client.events.indexOf(started);
    const doneAt = client.events.indexOf(first);
    const between = client.events.slice(startedAt + 1, doneAt).map((e) => e.type);
    expect(between.filter((t) => t === 'response.output_audio.delta' || t === 'response.output_audio_transcript.delta')).toEqual([]);

    expect(await client.waitFor('conversation.item.truncated')).toMatchObject({ item_id: itemId, audio_end_ms: 1200 });
    client.send({ type: 'conversation.item.retrieve', item_id: itemId });
    const item = (await client.waitFor('conversation.item.retrieved')).item as { content: { transcript: string }[] };
    const heard = item.content[0]!.transcript;
    expect(heard.length).toBeGreaterThan(0);
    expect('Let me tell you a long story about a cat.'.startsWith(heard)).toBe(true);
    expect(heard.split(' ').length).toBeLessThan(9);
    await client.waitForCount('response.done', 2);
    const context = h.llm.requests.at(-1)!.body.messages;
    expect(context).toContainEqual({ role: 'assistant', content: heard });
    await client.close();
  }, 60_000);
});
