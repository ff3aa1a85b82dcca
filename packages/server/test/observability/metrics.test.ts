/**
 * GET /metrics after real turns: a text turn answered aloud, a spoken turn (Flite speech → Silero
 * VAD → scripted LLM → Flite TTS), and two bad client events. The counters must equal what the
 * client really sent and received, and the latency histograms must hold plausible times: the
 * scripted LLM holds back its first token for LLM_DELAY_MS, which every figure downstream of it
 * must include. The same session's JSON log lines are checked too.
 */
import { SERVER_EVENT_NAMES } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resampler.js';
import { FliteTts } from '../../src/engines/tts/flite.js';
import { createSileroVad, type SileroVadEngine } from '../../src/engines/vad/silero.js';
import { createLogger } from '../../src/logger.js';
import { startHarness, type Harness } from '../support/harness.js';
import { parseExposition, samplesOf, valueOf, type Exposition } from '../support/prometheus-text.js';
import { connectRealtime, type RealtimeTestClient, type WireEvent } from '../support/realtime-client.js';
import type { Script } from '../support/scripted-llm.js';
import { concatSamples, silence, synthesizeSpeech } from '../support/speech.js';

const LLM_DELAY_MS = 300;
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

let vad: SileroVadEngine;
let tts: FliteTts;
let h: Harness;
const logLines: string[] = [];

beforeAll(async () => {
  vad = await createSileroVad();
  tts = new FliteTts();
  await tts.warmup?.();
  const logger = createLogger({ format: 'json', level: 'debug', write: (line) => logLines.push(line) });
  h = await startHarness({ hearing: { vad, stt: null }, tts, logger });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await Promise.all([vad?.close(), tts?.close?.()]);
});

/** An answer whose first token comes LLM_DELAY_MS after the request (a role-only chunk first). */
function slowAnswer(text: string): Script {
  const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return { raw: [chunk({ role: 'assistant' }), chunk({ content: text }), chunk({}, 'stop'), 'data: [DONE]\n\n'], delayMs: LLM_DELAY_MS };
}

async function userSpeech(text: string): Promise<Buffer> {
  const speech = await synthesizeSpeech(text, { voice: 'slt' });
  const samples = await resample(concatSamples(silence(500, 16000), speech.samples, silence(1200, 16000)), 16000, 24000);
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

async function scrape(): Promise<{ contentType: string | null; exposition: Exposition }> {
  const res = await fetch(`${h.server.url}/metrics`);
  expect(res.status).toBe(200);
  return { contentType: res.headers.get('content-type'), exposition: parseExposition(await res.text()) };
}

function tally(types: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** GA wire name → canonical name (the metrics count canonical types). */
const CANONICAL = new Map(Object.entries(SERVER_EVENT_NAMES.ga).flatMap(([canonical, wire]) => (wire ? [[wire, canonical] as const] : [])));

function histogram(exposition: Exposition, name: string): { count: number; sum: number; infBucket: number } {
  return {
    count: valueOf(exposition, `${name}_count`, { profile: 'default' }),
    sum: valueOf(exposition, `${name}_sum`, { profile: 'default' }),
    infBucket: valueOf(exposition, `${name}_bucket`, { profile: 'default', le: '+Inf' }),
  };
}

describe('GET /metrics after a text turn and a spoken turn', () => {
  let client: RealtimeTestClient;
  const sentTypes: string[] = [];
  let received: WireEvent[] = [];
  let exposition: Exposition;
  let contentType: string | null;

  beforeAll(async () => {
    client = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { timeoutMs: 20_000 });
    const send = (event: Record<string, unknown>) => {
      sentTypes.push(event.type as string);
      client.send(event);
    };
    await client.waitFor('session.created');
    send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['audio'] } });
    await client.waitFor('session.updated');

    h.llm.enqueue(slowAnswer('Hello there. Nice to meet you.'));
    send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi!' }] } });
    send({ type: 'response.create' });
    await client.waitFor('response.done');

    client.sendRaw(JSON.stringify({ type: 'no.such.event' }));
    sentTypes.push('invalid');
    send({ type: 'response.cancel' });
    await client.waitForCount('error', 2);

    h.llm.enqueue(slowAnswer('It is sunny in Paris today.'));
    const speech = await userSpeech('what is the weather in paris today');
    for (let at = 0; at < speech.length; at += 4800) {
      send({ type: 'input_audio_buffer.append', audio: speech.subarray(at, at + 4800).toString('base64') });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.waitForCount('response.done', 2);
    received = [...client.events];
    await client.close();
    // The server counts the session closed once it has seen the close.
    for (let tries = 0; ; tries++) {
      ({ contentType, exposition } = await scrape());
      if (valueOf(exposition, 'parley_sessions_active', { dialect: 'ga', profile: 'default' }) === 0 || tries > 50) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }, 60_000);

  it('is Prometheus text format 0.0.4 with its content type', () => {
    expect(contentType).toBe(PROMETHEUS_TEXT);
    expect(exposition.types.get('parley_client_events_total')).toBe('counter');
    expect(exposition.types.get('parley_sessions_active')).toBe('gauge');
    expect(exposition.types.get('parley_llm_first_token_seconds')).toBe('histogram');
  });

  it('counts the session, opened and closed again', () => {
    expect(valueOf(exposition, 'parley_sessions_total', { dialect: 'ga', profile: 'default' })).toBe(1);
    expect(valueOf(exposition, 'parley_sessions_active', { dialect: 'ga', profile: 'default' })).toBe(0);
  });

  it('counts exactly the client events sent, by type (undecodable frames as "invalid")', () => {
    const counted = new Map(samplesOf(exposition, 'parley_client_events_total').map((s) => [s.labels.type!, s.value]));
    expect(counted).toEqual(tally(sentTypes));
    expect(counted.get('input_audio_buffer.append')).toBeGreaterThan(20);
  });

  it('counts exactly the server events received, by type', () => {
    const counted = new Map(samplesOf(exposition, 'parley_server_events_total').map((s) => [s.labels.type!, s.value]));
    expect(counted).toEqual(tally(received.map((e) => CANONICAL.get(e.type) ?? e.type)));
    expect(counted.get('response.output_audio.delta')).toBeGreaterThan(10);
    expect(counted.get('input_audio_buffer.speech_stopped')).toBe(1);
  });

  it('counts the errors sent by code, and the responses by status', () => {
    const codes = received.filter((e) => e.type === 'error').map((e) => (e.error as { code: string }).code);
    expect(codes.sort()).toEqual(['response_cancel_not_active', 'unknown_event_type']);
    const errors = new Map(samplesOf(exposition, 'parley_errors_total').map((s) => [s.labels.code!, s.value]));
    expect(errors).toEqual(tally(codes));
    expect(samplesOf(exposition, 'parley_responses_total').map((s) => [s.labels.status, s.value])).toEqual([['completed', 2]]);
  });

  it('times the LLM’s first token of both requests, each at least the scripted delay', () => {
    const llm = histogram(exposition, 'parley_llm_first_token_seconds');
    expect(llm.count).toBe(2);
    expect(llm.infBucket).toBe(2);
    expect(llm.sum).toBeGreaterThanOrEqual((2 * LLM_DELAY_MS) / 1000);
    expect(llm.sum).toBeLessThan(10);
  });

  it('times the TTS engine’s first audio of each clause: a few ms to a second each for Flite', () => {
    const ttsFirst = histogram(exposition, 'parley_tts_first_byte_seconds');
    expect(ttsFirst.count).toBeGreaterThanOrEqual(3); // two clauses, then one
    expect(ttsFirst.infBucket).toBe(ttsFirst.count);
    expect(ttsFirst.sum).toBeGreaterThan(0);
    expect(ttsFirst.sum / ttsFirst.count).toBeLessThan(1);
  });

  it('times speech end → first audio once, for the spoken turn only, including the LLM’s delay', () => {
    const turn = histogram(exposition, 'parley_speech_end_to_first_audio_seconds');
    expect(turn.count).toBe(1);
    expect(turn.sum).toBeGreaterThanOrEqual(LLM_DELAY_MS / 1000);
    expect(turn.sum).toBeLessThan(10);
    // Cumulative buckets: the one at 0.2 s cannot hold a time of at least 0.3 s.
    expect(valueOf(exposition, 'parley_speech_end_to_first_audio_seconds_bucket', { profile: 'default', le: '0.2' })).toBe(0);
  });

  it('shows the process: resident memory, CPU seconds, event-loop lag', () => {
    expect(valueOf(exposition, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(valueOf(exposition, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(exposition.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
  });

  it('logs JSON lines that all carry the session id, with open, close and response figures', () => {
    const all = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    // Server-wide lines (start-up warnings) come before; from its opening on, every line is the session's.
    const lines = all.slice(all.findIndex((l) => l.msg === 'session opened'));
    expect(lines.length).toBeGreaterThan(3);
    const sessionId = (received[0]!.session as { id: string }).id;
    for (const line of lines) expect(line, JSON.stringify(line)).toMatchObject({ session_id: sessionId, level: expect.any(String), time: expect.any(String) });

    expect(lines.find((l) => l.msg === 'session opened')).toMatchObject({ dialect: 'ga', profile: 'default' });
    expect(lines.find((l) => l.msg === 'session closed')).toMatchObject({
      code: 1005,
      events_in: sentTypes.length,
      events_out: received.length,
      duration_ms: expect.any(Number),
    });
    const done = lines.filter((l) => l.msg === 'response done');
    expect(done).toHaveLength(2);
    for (const line of done) {
      expect(line).toMatchObject({ status: 'completed', response_id: expect.stringMatching(/^resp_/) });
      expect(line.llm_first_token_ms).toBeGreaterThanOrEqual(LLM_DELAY_MS);
      expect(line.first_audio_ms).toBeGreaterThanOrEqual(line.llm_first_token_ms as number);
      expect(line.duration_ms).toBeGreaterThanOrEqual(line.first_audio_ms as number);
    }
    expect(done[0]).not.toHaveProperty('speech_end_to_first_audio_ms');
    expect(done[1]!.speech_end_to_first_audio_ms).toBeGreaterThanOrEqual(LLM_DELAY_MS);
  });
});

describe('metrics of several servers in one process', () => {
  it('are their own: a second server counts none of the first one’s sessions', async () => {
    const other = await startHarness();
    try {
      const text = await (await fetch(`${other.server.url}/metrics`)).text();
      const exposition = parseExposition(text);
      expect(samplesOf(exposition, 'parley_sessions_total')).toEqual([]);
      expect(samplesOf(exposition, 'parley_client_events_total')).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});
