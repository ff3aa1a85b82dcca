/**
 * The real clients hearing Parley speak (Flite) and being interrupted by their user's voice
 * (Silero VAD): `@openai/agents-realtime` plays the answer's audio and does its own barge-in
 * (truncate, retrieve); `@azure/ai-voicelive` receives audio, transcript and word timestamps.
 */
import { AzureKeyCredential } from '@azure/core-auth';
import { VoiceLiveClient, type VoiceLiveSession } from '@azure/ai-voicelive';
import { RealtimeAgent, RealtimeSession, type TransportEvent } from '@openai/agents-realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resampler.js';
import { FliteTts } from '../../src/engines/tts/flite.js';
import { createSileroVad, type SileroVadEngine } from '../../src/engines/vad/silero.js';
import { startHarness, type Harness } from '../support/harness.js';
import { concatSamples, silence, synthesizeSpeech } from '../support/speech.js';
import { eventually, settle } from './helpers.js';

let h: Harness;
let vad: SileroVadEngine;
let tts: FliteTts;

beforeAll(async () => {
  vad = await createSileroVad();
  tts = new FliteTts();
  await tts.warmup?.();
  h = await startHarness({ tts, hearing: { vad, stt: null } });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await Promise.all([vad?.close(), tts?.close?.()]);
});

describe('@openai/agents-realtime hears Parley', () => {
  it('receives the answer as audio, with its transcript in the history', async () => {
    h.llm.enqueue({ text: ['Hello', ' from', ' Parley.'] });
    const s = new RealtimeSession(new RealtimeAgent({ name: 'Speaker', instructions: 'Speak.' }), { transport: 'websocket', model: 'gpt-realtime' });
    const audio: ArrayBuffer[] = [];
    const errors: unknown[] = [];
    s.on('audio', (event) => audio.push(event.data));
    s.on('error', (e) => errors.push(e.error));
    await s.connect({ apiKey: 'sk-test', url: `${h.server.wsUrl}/v1/realtime?model=gpt-realtime` });
    try {
      s.sendMessage('Hi!');
      await eventually('the assistant transcript', () => s.history.find((i) => i.type === 'message' && i.role === 'assistant' && i.status === 'completed'));
      await settle();
      expect(errors).toEqual([]);
      const bytes = audio.reduce((n, a) => n + a.byteLength, 0);
      // "Hello from Parley." is about a second of speech at 24 kHz PCM16.
      expect(bytes).toBeGreaterThan(48 * 600);
      expect(Math.max(...audio.map((a) => a.byteLength))).toBeLessThanOrEqual(4800);
      const assistant = s.history.find((i) => i.type === 'message' && i.role === 'assistant');
      expect(assistant).toMatchObject({ content: [{ type: 'output_audio', transcript: 'Hello from Parley.' }] });
    } finally {
      s.close();
    }
  }, 30_000);

  it('its own barge-in: the user’s voice interrupts, it truncates what it played, and the history keeps only that', async () => {
    h.llm.enqueue({ text: ['Once upon a time there was a cat.', ' It lived in a house by the sea.', ' Every day it slept in the sun.'], delayMs: 1500 });
    const s = new RealtimeSession(new RealtimeAgent({ name: 'Storyteller', instructions: 'Tell stories.' }), { transport: 'websocket', model: 'gpt-realtime' });
    const transport: TransportEvent[] = [];
    const errors: unknown[] = [];
    let interrupted = 0;
    s.on('transport_event', (e) => transport.push(e));
    s.on('error', (e) => errors.push(e.error));
    s.on('audio_interrupted', () => interrupted++);
    await s.connect({ apiKey: 'sk-test', url: `${h.server.wsUrl}/v1/realtime?model=gpt-realtime` });
    try {
      s.sendMessage('Tell me a story.');
      await eventually('the first audio', () => transport.some((e) => e.type === 'response.output_audio.delta'));
      await new Promise((resolve) => setTimeout(resolve, 600)); // "playing" for a while
      const speech = await synthesizeSpeech('wait a moment', { voice: 'slt' });
      const pcm = await resample(concatSamples(silence(200, 16000), speech.samples, silence(800, 16000)), 16000, 24000);
      for (let at = 0; at < pcm.length; at += 2400) {
        s.sendAudio(pcm.slice(at, at + 2400).buffer);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await eventually('audio_interrupted', () => interrupted > 0);
      const truncated = await eventually('conversation.item.truncated', () => transport.find((e) => e.type === 'conversation.item.truncated'));
      const cut = truncated as unknown as { item_id: string; audio_end_ms: number };
      expect(cut.audio_end_ms).toBeGreaterThan(0);
      const done = transport.find((e) => e.type === 'response.done') as unknown as { response: { status: string; status_details: { reason: string } } };
      expect(done.response).toMatchObject({ status: 'cancelled', status_details: { reason: 'turn_detected' } });
      await eventually('the retrieved item', () => transport.some((e) => e.type === 'conversation.item.retrieved'));
      await settle(200);
      expect(errors).toEqual([]);
      const item = s.history.find((i) => i.itemId === cut.item_id) as { content: { transcript?: string | null }[] };
      const heard = item.content[0]!.transcript ?? '';
      expect('Once upon a time there was a cat.'.startsWith(heard)).toBe(true);
    } finally {
      s.close();
    }
  }, 40_000);
});

describe('@azure/ai-voicelive hears Parley', () => {
  let session: VoiceLiveSession | undefined;
  afterAll(async () => {
    await session?.dispose();
  });

  it('receives audio deltas, the transcript and word timestamps, with no MessageParsingError', async () => {
    h.llm.enqueue({ text: ['Good morning to you.'] });
    const client = new VoiceLiveClient(`http://127.0.0.1:${h.server.port}`, new AzureKeyCredential('vl-key'));
    session = client.createSession('gpt-realtime');
    const audio: Uint8Array[] = [];
    const transcript: string[] = [];
    const errors: unknown[] = [];
    const events: { type: string; [k: string]: unknown }[] = [];
    let done = false;
    session.subscribe({
      onServerEvent: async (e) => void events.push(e as unknown as { type: string }),
      onResponseAudioDelta: async (e) => void audio.push(e.delta as Uint8Array),
      onResponseAudioTranscriptDelta: async (e) => void transcript.push(e.delta),
      onServerError: async (e) => void errors.push(e.error),
      onError: async (e) => void errors.push(e.error),
      onResponseDone: async () => void (done = true),
    });
    await session.connect();
    await session.updateSession({ modalities: ['audio', 'text'], turnDetection: undefined, outputAudioTimestampTypes: ['word'] } as never);
    await session.sendEvent({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Greet me.' }] } } as never);
    await session.sendEvent({ type: 'response.create' } as never);
    await eventually('response.done', () => done, 20_000);
    await settle();
    expect(errors).toEqual([]);
    expect(audio.length).toBeGreaterThan(3);
    expect(transcript.join('')).toBe('Good morning to you.');
    const words = events.filter((e) => e.type === 'response.audio_timestamp.delta').map((e) => e.text);
    expect(words).toEqual(['Good', 'morning', 'to', 'you.']);
  }, 30_000);
});
