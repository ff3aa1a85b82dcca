/**
 * The VAD engine failing under a session, over a real socket: the Silero engine of one profile
 * is closed (its ONNX session released) while a user of it speaks. That session is told once
 * (`error`, `engine_stream_error`), however much audio still comes, and stays open for text
 * turns; a session of another profile, speaking at the same time, has its turn detected and
 * answered.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resampler.js';
import { OpenAiCompatibleLlm } from '../../src/engines/llm/openai-compatible.js';
import { createSileroVad, type SileroVadEngine } from '../../src/engines/vad/silero.js';
import { silentLogger } from '../../src/logger.js';
import { ProfileRegistry } from '../../src/profiles.js';
import { startServer, type ParleyServer } from '../../src/server.js';
import { connectRealtime, type RealtimeTestClient } from '../support/realtime-client.js';
import { startScriptedLlm, type ScriptedLlm } from '../support/scripted-llm.js';
import { concatSamples, silence, synthesizeSpeech } from '../support/speech.js';
import { sleep } from './spoken-turns.js';

let failing: SileroVadEngine;
let healthy: SileroVadEngine;
let llm: ScriptedLlm;
let server: ParleyServer;
const clients: RealtimeTestClient[] = [];

beforeAll(async () => {
  [failing, healthy] = await Promise.all([createSileroVad(), createSileroVad()]);
  llm = await startScriptedLlm();
  const engine = new OpenAiCompatibleLlm({ baseUrl: llm.url, model: 'scripted-model' });
  const profile = (name: string, vad: SileroVadEngine) => ({ name, llm: engine, instructions: 'You are a test assistant.', voice: 'alloy', hearing: { vad, stt: null } });
  server = await startServer({ logger: silentLogger, host: '127.0.0.1', port: 0, profiles: new ProfileRegistry([profile('failing', failing), profile('healthy', healthy)]) });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
  await Promise.all([failing?.close(), healthy?.close()]);
});

async function connect(model: string): Promise<RealtimeTestClient> {
  const c = await connectRealtime(`${server.wsUrl}/v1/realtime?model=${model}`, { timeoutMs: 20_000 });
  clients.push(c);
  c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
  await c.waitFor('session.updated');
  return c;
}

/** Streams 24 kHz PCM16 in 100 ms appends at twice real time. */
async function stream(c: RealtimeTestClient, audio: Buffer): Promise<void> {
  for (let at = 0; at < audio.length; at += 4_800) {
    c.send({ type: 'input_audio_buffer.append', audio: audio.subarray(at, at + 4_800).toString('base64') });
    await sleep(50);
  }
}

describe('a VAD engine failing while its session hears speech', () => {
  it('tells that session once and keeps it open; a session on another engine is answered', async () => {
    const said = await synthesizeSpeech('what is the weather in paris today', { voice: 'slt' });
    const pcm = await resample(concatSamples(silence(500, 16_000), said.samples, silence(1_500, 16_000)), 16_000, 24_000);
    const speech = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    const a = await connect('failing');
    const b = await connect('healthy');

    const aSpeaking = stream(a, speech);
    const bFrom = b.events.length;
    const bSpeaking = stream(b, speech);
    await a.waitFor('input_audio_buffer.speech_started');
    await failing.close();
    await Promise.all([aSpeaking, bSpeaking, stream(a, speech)]);

    const error = await a.waitFor('error');
    expect(error.error).toMatchObject({ type: 'server_error', code: 'engine_stream_error', param: null, event_id: null });
    expect((error.error as { message: string }).message).toBe(`Input audio could not be processed: ${failing.label} is closed`);
    expect(a.events.filter((e) => e.type === 'error')).toHaveLength(1);

    const done = await b.waitFor('response.done', undefined, bFrom);
    expect(done.response).toMatchObject({ status: 'completed' });
    expect(b.types(bFrom).filter((t) => t.startsWith('input_audio_buffer.'))).toStrictEqual([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
    ]);
    expect(b.events.filter((e) => e.type === 'error')).toStrictEqual([]);

    // A still answers what it is written.
    const from = a.events.length;
    a.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello?' }] } });
    a.send({ type: 'response.create', response: {} });
    expect((await a.waitFor('response.done', undefined, from)).response).toMatchObject({ status: 'completed' });
    expect([...a.invalid, ...b.invalid]).toStrictEqual([]);
  }, 30_000);
});
