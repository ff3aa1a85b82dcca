/**
 * The speaking pipeline over a real socket, with a tone engine whose timing is exact: audio
 * deltas and their size, the transcript in step with the audio, the done chain, output formats,
 * truncation of what was heard, cancellation, and Voice Live's timing and lip-sync streams.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { connectRealtime, type RealtimeTestClient, type WireEvent } from '../support/realtime-client.js';
import { ToneTts, WORD_MS } from '../support/tone-tts.js';

let h: Harness;
let tts: ToneTts;
beforeEach(async () => {
  tts = new ToneTts();
  h = await startHarness({ tts });
});
afterEach(async () => {
  await h.stop();
});

async function connect(dialect: 'ga' | 'voicelive', session: Record<string, unknown>): Promise<RealtimeTestClient> {
  const path = dialect === 'voicelive' ? '/voice-live/realtime' : '/v1/realtime';
  const client = await connectRealtime(`${h.server.wsUrl}${path}`, { dialect });
  await client.waitFor('session.created');
  client.send({ type: 'session.update', session });
  await client.waitFor('session.updated');
  return client;
}

function ask(client: RealtimeTestClient, text: string): void {
  client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
  client.send({ type: 'response.create' });
}

const audioBytes = (events: WireEvent[], type = 'response.output_audio.delta') =>
  events.filter((e) => e.type === type).map((e) => Buffer.from(e.delta as string, 'base64'));

describe('speaking', () => {
  it('GA: streams ≤ 100 ms audio deltas with the transcript in step, then the done chain', async () => {
    const text = 'The weather is sunny. Take your sunglasses today.';
    h.llm.enqueue({ text: ['The weather', ' is sunny.', ' Take your', ' sunglasses today.'] });
    const client = await connect('ga', { type: 'realtime', output_modalities: ['audio'] });
    const from = client.events.length;
    ask(client, 'Weather?');
    await client.waitFor('response.done');
    const events = client.events.slice(from);
    const types = events.map((e) => e.type);
    const lastDelta = Math.max(types.lastIndexOf('response.output_audio.delta'), types.lastIndexOf('response.output_audio_transcript.delta'));
    const tail = types.slice(lastDelta + 1);
    expect(tail).toEqual([
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const chunks = audioBytes(events);
    // 24 kHz PCM16: 48 bytes a ms; every delta at most 100 ms.
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(4800);
    const totalMs = chunks.reduce((n, c) => n + c.length, 0) / 48;
    expect(totalMs).toBeCloseTo(8 * WORD_MS, 0);
    const transcript = events.filter((e) => e.type === 'response.output_audio_transcript.delta').map((e) => e.delta).join('');
    expect(transcript).toBe(text);
    // Word k's transcript follows the audio delta in which word k begins.
    let audioMs = 0;
    let word = 0;
    for (const e of events) {
      if (e.type === 'response.output_audio.delta') audioMs += Buffer.from(e.delta as string, 'base64').length / 48;
      if (e.type === 'response.output_audio_transcript.delta') {
        expect(audioMs).toBeGreaterThan(word * WORD_MS);
        word++;
      }
    }
    const done = events.at(-1)!.response as { output: { content: { type: string; transcript: string }[] }[] };
    expect(done.output[0]!.content[0]).toMatchObject({ type: 'output_audio', transcript: text });
    expect(tts.requests.map((r) => r.text)).toEqual(['The weather is sunny.', 'Take your sunglasses today.']);
    expect(client.invalid).toEqual([]);
  });

  it('starts speaking before the LLM has finished', async () => {
    h.llm.enqueue({ text: ['Hello there.', ' This', ' answer', ' takes', ' a', ' while.'], delayMs: 150 });
    const client = await connect('ga', { type: 'realtime', output_modalities: ['audio'] });
    const from = client.events.length;
    ask(client, 'Hi');
    await client.waitFor('response.done');
    const events = client.events.slice(from);
    const firstAudio = events.findIndex((e) => e.type === 'response.output_audio.delta');
    const lastWords = events.findIndex((e) => e.type === 'response.output_audio_transcript.delta' && (e.delta as string).includes('while'));
    expect(firstAudio).toBeGreaterThan(-1);
    expect(firstAudio).toBeLessThan(lastWords);
  });

  it.each([
    ['VL pcm16_16000hz', { modalities: ['audio', 'text'], output_audio_format: 'pcm16_16000hz' }, 32],
    ['VL pcm16_8000hz', { modalities: ['audio', 'text'], output_audio_format: 'pcm16_8000hz' }, 16],
    ['VL g711_ulaw', { modalities: ['audio', 'text'], output_audio_format: 'g711_ulaw' }, 8],
  ])('%s: audio in that format and size', async (_name, session, bytesPerMs) => {
    h.llm.enqueue({ text: ['One two three four.'] });
    const client = await connect('voicelive', { turn_detection: null, ...session });
    const from = client.events.length;
    ask(client, 'Count');
    await client.waitFor('response.done');
    const chunks = audioBytes(client.events.slice(from), 'response.audio.delta');
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(100 * bytesPerMs);
    expect(chunks.reduce((n, c) => n + c.length, 0) / bytesPerMs).toBeCloseTo(4 * WORD_MS, -1);
    expect(client.invalid).toEqual([]);
  });

  it('truncate keeps only what was heard, and the next response reads only that', async () => {
    h.llm.enqueue({ text: ['Alpha bravo charlie delta echo.'] }, { text: ['OK.'] });
    const client = await connect('ga', { type: 'realtime', output_modalities: ['audio'] });
    ask(client, 'Spell');
    const done = await client.waitFor('response.done');
    const itemId = (done.response as { output: { id: string }[] }).output[0]!.id;
    // Heard 2.5 words: alpha, bravo, and half of charlie.
    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 2.5 * WORD_MS });
    const truncated = await client.waitFor('conversation.item.truncated');
    expect(truncated).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: 500 });
    client.send({ type: 'conversation.item.retrieve', item_id: itemId });
    const item = (await client.waitFor('conversation.item.retrieved')).item as { content: { transcript: string; audio: string }[] };
    expect(item.content[0]!.transcript).toBe('Alpha bravo charlie');
    expect(Buffer.from(item.content[0]!.audio, 'base64').length).toBe(500 * 48);
    // A client that says it played more than it got is clamped, never refused.
    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 99_999 });
    expect((await client.waitForCount('conversation.item.truncated', 2))[1]).toMatchObject({ audio_end_ms: 500 });
    ask(client, 'Go on');
    await client.waitForCount('response.done', 2);
    expect(h.llm.requests[1]!.body.messages).toContainEqual({ role: 'assistant', content: 'Alpha bravo charlie' });
  });

  it('response.cancel mid-speech: not one more delta after response.done', async () => {
    tts.delayMs = 40;
    h.llm.enqueue({ text: ['One two three four five six seven eight nine ten.'] });
    const client = await connect('ga', { type: 'realtime', output_modalities: ['audio'] });
    ask(client, 'Count');
    await client.waitFor('response.output_audio.delta');
    client.send({ type: 'response.cancel' });
    const done = await client.waitFor('response.done');
    expect(done.response).toMatchObject({ status: 'cancelled', status_details: { reason: 'client_cancelled' } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const after = client.events.slice(client.events.indexOf(done) + 1);
    expect(after.filter((e) => e.type.startsWith('response.'))).toEqual([]);
  });

  it('refuses an unknown voice on session.update', async () => {
    const client = await connect('ga', { type: 'realtime' });
    client.send({ type: 'session.update', event_id: 'v1', session: { type: 'realtime', audio: { output: { voice: 'nobody' } } } });
    const error = await client.waitFor('error');
    expect(error.error).toMatchObject({ code: 'invalid_value', param: 'voice', event_id: 'v1' });
  });

  it('Voice Live: word timestamps, visemes and blendshapes stream with the audio and end before it', async () => {
    h.llm.enqueue({ text: ['Hello big world.'] });
    const client = await connect('voicelive', {
      turn_detection: null,
      modalities: ['audio', 'text'],
      output_audio_timestamp_types: ['word'],
      animation: { outputs: ['blendshapes', 'viseme_id'] },
    });
    const from = client.events.length;
    ask(client, 'Hi');
    await client.waitFor('response.done');
    const events = client.events.slice(from);
    const stamps = events.filter((e) => e.type === 'response.audio_timestamp.delta');
    expect(stamps.map((e) => [e.text, e.audio_offset_ms, e.audio_duration_ms])).toEqual([
      ['Hello', 0, WORD_MS],
      ['big', WORD_MS, WORD_MS],
      ['world.', 2 * WORD_MS, WORD_MS],
    ]);
    const visemes = events.filter((e) => e.type === 'response.animation_viseme.delta');
    // Each word: m (lips closed, 21) then aa (open).
    expect(visemes[0]).toMatchObject({ audio_offset_ms: 0, viseme_id: 21 });
    const offsets = visemes.map((e) => e.audio_offset_ms as number);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(Math.max(...offsets)).toBeLessThan(3 * WORD_MS);
    const frames = events.filter((e) => e.type === 'response.animation_blendshapes.delta').flatMap((e) => e.frames as number[][]);
    expect(frames).toHaveLength(Math.round((3 * WORD_MS * 60) / 1000));
    expect(frames.every((f) => f.length === 55)).toBe(true);
    const types = events.map((e) => e.type);
    for (const done of ['response.audio_timestamp.done', 'response.animation_viseme.done', 'response.animation_blendshapes.done']) {
      expect(types.indexOf(done)).toBeGreaterThan(-1);
      expect(types.indexOf(done)).toBeLessThan(types.indexOf('response.audio.done'));
    }
    expect(client.invalid).toEqual([]);
  });
});
