/**
 * The agent speaking and being interrupted, against a real Parley with real engines: Flite
 * speaks the answer, Silero VAD hears the user's voice (Flite-made speech, fed at real-time
 * pace) over it. The session plays nothing itself: it estimates what was heard from the audio
 * events' timing, as an application that plays deltas as they come would hear them.
 */
import { RealtimeAgent, RealtimeSession } from '@parley/agents';
import type { ServerEvent } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../server/src/audio/resampler.js';
import { FliteTts } from '../../server/src/engines/tts/flite.js';
import { createSileroVad, type SileroVadEngine } from '../../server/src/engines/vad/silero.js';
import { startHarness, type Harness } from '../../server/test/support/harness.js';
import { concatSamples, silence, synthesizeSpeech } from '../../server/test/support/speech.js';
import { eventually, record, settle, type Recording } from './support/recorder.js';

let h: Harness;
let vad: SileroVadEngine;
let tts: FliteTts;
let session: RealtimeSession | undefined;

beforeAll(async () => {
  vad = await createSileroVad();
  tts = new FliteTts();
  await tts.warmup?.();
  h = await startHarness({ tts, hearing: { vad, stt: null } });
}, 60_000);
afterEach(async () => {
  await session?.close();
  session = undefined;
});
afterAll(async () => {
  await h?.stop();
  await Promise.all([vad?.close(), tts?.close?.()]);
});

async function connect(agent: RealtimeAgent): Promise<{ s: RealtimeSession; rec: Recording }> {
  const s = new RealtimeSession(agent);
  session = s;
  const rec = record(s);
  await s.connect({ url: `${h.server.wsUrl}/v1/realtime?model=gpt-realtime`, apiKey: 'sk-test' });
  return { s, rec };
}

const transport = (rec: Recording) => rec.of('transport_event').map(([event]) => event);
const find = <T extends ServerEvent['type']>(rec: Recording, type: T) => transport(rec).filter((event): event is ServerEvent<T> => event.type === type);

describe('the agent speaks', () => {
  it('audio_start, the audio to play, audio_stopped; the transcript in the history and agent_end', async () => {
    h.llm.enqueue({ text: ['Hello', ' from', ' Parley.'] });
    const { s, rec } = await connect(new RealtimeAgent({ name: 'Speaker', instructions: 'Speak.' }));

    s.sendMessage('Hi!');
    await eventually('agent_end', () => rec.of('agent_end').length > 0, 20_000);
    await settle(200);

    expect(rec.of('error')).toEqual([]);
    expect(rec.story()).toEqual(['agent_start', 'audio_start', 'audio_stopped', 'agent_end']);
    const audio = rec.of('audio').map(([event]) => event);
    const bytes = audio.reduce((n, event) => n + event.data.byteLength, 0);
    // "Hello from Parley." is about a second of 24 kHz PCM16.
    expect(bytes).toBeGreaterThan(48 * 600);
    const [[, speaker, output]] = rec.of('agent_end');
    expect([speaker.name, output]).toEqual(['Speaker', 'Hello from Parley.']);
    const assistant = s.history.find((item) => item.type === 'message' && item.role === 'assistant');
    expect(assistant).toMatchObject({ status: 'completed', content: [{ type: 'output_audio', transcript: 'Hello from Parley.' }] });
    expect(new Set(audio.map((event) => event.itemId))).toEqual(new Set([assistant!.itemId]));
  }, 30_000);
});

describe('barge-in', () => {
  it('the user speaks over the agent: audio_interrupted, the answer truncated to what was heard, in the history too', async () => {
    const story = 'Once upon a time there was a cat.';
    h.llm.enqueue({ text: [story, ' It lived in a house by the sea.', ' Every day it slept in the sun.'], delayMs: 1500 });
    const { s, rec } = await connect(new RealtimeAgent({ name: 'Storyteller', instructions: 'Tell stories.' }));

    s.sendMessage('Tell me a story.');
    await eventually('the first audio', () => rec.of('audio').length > 0, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 600)); // the user listens for a while
    const speech = await synthesizeSpeech('wait a moment', { voice: 'slt' });
    const pcm = await resample(concatSamples(silence(200, 16000), speech.samples, silence(800, 16000)), 16000, 24000);
    for (let at = 0; at < pcm.length; at += 2400) {
      s.sendAudio(pcm.slice(at, at + 2400));
      await new Promise((resolve) => setTimeout(resolve, 100)); // 100 ms of audio per 100 ms: real time
    }
    await eventually('audio_interrupted', () => rec.of('audio_interrupted').length > 0);
    const [truncated] = await eventually('conversation.item.truncated', () => find(rec, 'conversation.item.truncated').length > 0 && find(rec, 'conversation.item.truncated'));
    await eventually('the retrieved item', () => find(rec, 'conversation.item.retrieved').length > 0);
    await settle(300);

    expect(rec.of('error')).toEqual([]);
    const [[, interrupted]] = rec.of('audio_interrupted');
    expect(interrupted.name).toBe('Storyteller');
    const story0 = rec.story();
    expect(story0.slice(0, 3)).toEqual(['agent_start', 'audio_start', 'audio_interrupted']);
    expect(story0.indexOf('audio_stopped')).toBeGreaterThan(story0.indexOf('audio_interrupted'));
    // The server stopped the answer when it heard the user; the session truncated it to the time played.
    expect(find(rec, 'response.done')[0]!.response).toMatchObject({ status: 'cancelled', status_details: { reason: 'turn_detected' } });
    const itemId = rec.of('audio')[0]![0].itemId;
    expect(truncated!.item_id).toBe(itemId);
    const receivedMs = rec.of('audio').filter(([event]) => event.itemId === itemId).reduce((ms, [event]) => ms + event.data.byteLength / 48, 0);
    expect(truncated!.audio_end_ms).toBeGreaterThan(600);
    expect(truncated!.audio_end_ms).toBeLessThan(receivedMs);
    // The history keeps only the words heard.
    const item = s.history.find((candidate) => candidate.itemId === itemId);
    expect(item?.type === 'message' && item.role === 'assistant').toBe(true);
    const heard = item?.type === 'message' && item.content[0]?.type === 'output_audio' ? (item.content[0].transcript ?? '') : '';
    expect(heard.length).toBeGreaterThan(0);
    expect(heard.length).toBeLessThan(story.length);
    expect(story.startsWith(heard)).toBe(true);
    // The user's turn is in the history, after the cut answer.
    const userTurn = s.history.findIndex((candidate) => candidate.type === 'message' && candidate.role === 'user' && candidate.content[0]?.type === 'input_audio');
    expect(userTurn).toBeGreaterThan(s.history.findIndex((candidate) => candidate.itemId === itemId));
  }, 40_000);
});

describe('interrupt()', () => {
  it('a stop button: cancelled, truncated to what was played, and the agent answers the next question', async () => {
    const story = 'Once upon a time there was a cat.';
    h.llm.enqueue({ text: [story, ' It lived in a house by the sea.'], delayMs: 1500 }, { text: ['Sure.'] });
    const asked = h.llm.requests.length;
    const { s, rec } = await connect(new RealtimeAgent({ name: 'Storyteller', instructions: 'Tell stories.' }));

    s.sendMessage('Tell me a story.');
    const receivedMs = () => rec.of('audio').reduce((ms, [event]) => ms + event.data.byteLength / 48, 0);
    await eventually('a second of audio', () => receivedMs() >= 1000, 20_000);
    s.reportPlayback(700); // the player is ahead of the wall clock here: its word counts
    s.interrupt();
    const [truncated] = await eventually('conversation.item.truncated', () => find(rec, 'conversation.item.truncated').length > 0 && find(rec, 'conversation.item.truncated'));
    await eventually('the retrieved item', () => find(rec, 'conversation.item.retrieved').length > 0);

    s.sendMessage('Something shorter, please.');
    await eventually('the next answer', () => rec.of('agent_end').some(([, , output]) => output === 'Sure.'), 20_000);
    await settle(300);

    expect(rec.of('error')).toEqual([]);
    expect(rec.of('audio_interrupted')).toHaveLength(1);
    expect(truncated!.audio_end_ms).toBe(700);
    expect(find(rec, 'response.done')[0]!.response).toMatchObject({ status: 'cancelled', status_details: { reason: 'client_cancelled' } });
    const item = s.history.find((candidate) => candidate.itemId === truncated!.item_id);
    const heard = item?.type === 'message' && item.content[0]?.type === 'output_audio' ? (item.content[0].transcript ?? '') : '';
    expect(heard.length).toBeLessThan(story.length);
    expect(story.startsWith(heard)).toBe(true);
    // The rest of the story was never told: the LLM stream was closed, the next turn is a new one.
    expect(h.llm.requests.length - asked).toBe(2);
    expect(h.llm.requests[asked]!.wasAborted).toBe(true);
    expect(JSON.stringify(s.history)).not.toContain('by the sea');
  }, 40_000);
});

describe('connect()', () => {
  it('rejects when the server refuses the agent’s configuration (a voice its speech engine lacks)', async () => {
    const s = new RealtimeSession(new RealtimeAgent({ name: 'Odd', voice: 'no-such-voice' }));
    session = s;
    await expect(s.connect({ url: `${h.server.wsUrl}/v1/realtime?model=gpt-realtime`, apiKey: 'sk-test' })).rejects.toThrow(
      /^The server refused the agent's session configuration: Voice "no-such-voice" is not available/,
    );
  });
});
