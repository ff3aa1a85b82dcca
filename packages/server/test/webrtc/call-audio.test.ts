/**
 * Audio over a WebRTC call, with a werift peer in Node as the caller: the assistant's answer
 * is played on the media track in real time with `output_audio_buffer.started`/`.stopped`
 * around it; `output_audio_buffer.clear` silences it; the caller's speech reaches the real
 * hearing (Silero VAD, pocketsphinx); and speaking over the answer stops it, the server cutting
 * the assistant's item at what had been played.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PocketsphinxStt } from '../../src/engines/stt/pocketsphinx.js';
import { createSileroVad, type SileroVadEngine } from '../../src/engines/vad/silero.js';
import { startHarness, type Harness } from '../support/harness.js';
import { concatSamples, silence, synthesizeSpeech } from '../support/speech.js';
import { ToneTts, WORD_MS } from '../support/tone-tts.js';
import { call, type Caller, type WireEvent } from './werift-caller.js';

let h: Harness | undefined;
let caller: Caller | undefined;
let vad: SileroVadEngine;
let stt: PocketsphinxStt;

beforeAll(async () => {
  vad = await createSileroVad();
  stt = new PocketsphinxStt();
  await stt.warmup();
}, 60_000);
afterAll(async () => {
  await Promise.all([vad?.close(), stt?.close()]);
});
afterEach(async () => {
  await caller?.close();
  caller = undefined;
  await h?.stop();
  h = undefined;
});

const order = (events: WireEvent[], type: string) => events.findIndex((e) => e.type === type);
const rms = (samples: Int16Array) => Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / Math.max(1, samples.length));
/** ms of audio heard with energy (not the zero padding of the last frame, nor silence). */
const audibleMs = (c: Caller, from = 0) => c.heard.filter((p) => p.at >= from && rms(p.samples) > 500).length * 20;

async function dial(harness: Harness): Promise<Caller> {
  caller = await call(`${harness.server.url}/v1/realtime/calls`);
  await caller.waitFor('session.created');
  return caller;
}

describe('a WebRTC call’s audio', () => {
  it('plays the answer on the media track in real time, between output_audio_buffer.started and .stopped', async () => {
    h = await startHarness({ tts: new ToneTts() });
    const words = 'one two three four five six seven eight';
    h.llm.enqueue({ text: [words] });
    const c = await dial(h);
    c.send({ type: 'response.create' });
    const started = await c.waitFor('output_audio_buffer.started');
    const startedAt = performance.now();
    const cpuBefore = process.cpuUsage();
    const done = await c.waitFor('response.done');
    const stopped = await c.waitFor('output_audio_buffer.stopped', undefined, 10_000);
    const playedMs = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);
    const spokenMs = 8 * WORD_MS;
    const responseId = (done.response as { id: string }).id;
    expect(started.response_id).toBe(responseId);
    expect(stopped.response_id).toBe(responseId);
    expect(order(c.events, 'response.content_part.added')).toBeLessThan(order(c.events, 'output_audio_buffer.started'));
    expect(order(c.events, 'response.done')).toBeLessThan(order(c.events, 'output_audio_buffer.stopped'));
    // The audio went on the track, not the data channel; and it took as long to play as it lasts.
    expect(c.events.some((e) => e.type === 'response.output_audio.delta')).toBe(false);
    expect(playedMs).toBeGreaterThan(spokenMs - 100);
    expect(playedMs).toBeLessThan(spokenMs + 400);
    await expect.poll(() => audibleMs(c), { timeout: 1000 }).toBeGreaterThanOrEqual(spokenMs - 60);
    expect(audibleMs(c)).toBeLessThanOrEqual(spokenMs + 60);
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / playedMs) * 100;
    console.log(`answer of ${spokenMs} ms played in ${playedMs.toFixed(0)} ms; heard ${audibleMs(c)} ms with energy; CPU (server and caller in one process) ${cpuPercent.toFixed(1)} % of a core`);
  });

  it('stops playing on output_audio_buffer.clear and answers output_audio_buffer.cleared', async () => {
    h = await startHarness({ tts: new ToneTts() });
    h.llm.enqueue({ text: ['a long answer with many words that goes on for quite a while indeed'] });
    const c = await dial(h);
    c.send({ type: 'response.create' });
    const started = await c.waitFor('output_audio_buffer.started');
    await new Promise((resolve) => setTimeout(resolve, 400));
    c.send({ type: 'output_audio_buffer.clear' });
    const cleared = await c.waitFor('output_audio_buffer.cleared');
    const clearedAt = performance.now();
    expect(cleared.response_id).toBe(started.response_id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(audibleMs(c, clearedAt + 100)).toBe(0);
    expect(c.events.some((e) => e.type === 'output_audio_buffer.stopped')).toBe(false);
  });

  it('hears the caller: Silero VAD finds the turn and pocketsphinx transcribes it', async () => {
    h = await startHarness({ hearing: { vad, stt } });
    h.llm.enqueue({ text: ['Sunny.'] });
    const c = await dial(h);
    c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'], audio: { input: { transcription: { model: 'pocketsphinx' } } } } });
    await c.waitFor('session.updated');
    const speech = await synthesizeSpeech('what is the weather in paris today', { voice: 'slt', sampleRate: 48_000 });
    await c.speak(concatSamples(silence(300, 48_000), speech.samples, silence(1200, 48_000)));
    const completed = await c.waitFor('conversation.item.input_audio_transcription.completed', undefined, 15_000);
    expect(completed.transcript).toMatch(/weather.*paris/);
    await c.waitFor('response.done');
  });

  it('on barge-in clears the output buffer and truncates the answer at what was played', async () => {
    h = await startHarness({ hearing: { vad, stt }, tts: new ToneTts() });
    // Forty words: eight seconds of answer, far longer than the test lets it play.
    h.llm.enqueue({ text: [Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ')] }, { text: ['Yes?'] });
    const c = await dial(h);
    c.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { transcription: { model: 'pocketsphinx' } } } } });
    await c.waitFor('session.updated');
    c.send({ type: 'response.create' });
    const started = await c.waitFor('output_audio_buffer.started');
    const startedAt = performance.now();
    const [speech] = await Promise.all([synthesizeSpeech('stop please', { voice: 'slt', sampleRate: 48_000 }), new Promise((r) => setTimeout(r, 1000))]);
    const speaking = c.speak(concatSamples(speech.samples, silence(1000, 48_000)));
    const speechStarted = await c.waitFor('input_audio_buffer.speech_started', undefined, 5000);
    const bargedAt = performance.now();
    const cleared = await c.waitFor('output_audio_buffer.cleared');
    const truncated = await c.waitFor('conversation.item.truncated');
    expect(cleared.response_id).toBe(started.response_id);
    expect(order(c.events, 'input_audio_buffer.speech_started')).toBeLessThan(order(c.events, 'output_audio_buffer.cleared'));
    // What was played when the speech was detected, within a frame or two of pacing.
    const playedMs = bargedAt - startedAt;
    expect(truncated.audio_end_ms as number).toBeGreaterThan(playedMs - 150);
    expect(truncated.audio_end_ms as number).toBeLessThan(playedMs + 150);
    expect(truncated.audio_end_ms as number).toBeLessThan(8000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const heardAfter = audibleMs(c, performance.now() - 200);
    expect(heardAfter).toBe(0);
    expect(speechStarted.item_id).toBeTruthy();
    await speaking;
    console.log(`barge-in: speech_started ${playedMs.toFixed(0)} ms into the answer, truncated at ${truncated.audio_end_ms} ms`);
  });
});
