/**
 * A browser app moves to Parley by changing one URL: in headless Chromium, with a Flite WAV as
 * its microphone, `@openai/agents-realtime`'s own WebRTC transport (an ek_ client secret, the
 * SDP offer posted to `baseUrl`) talks to a real Parley — Silero VAD, pocketsphinx, a scripted
 * LLM and a tone voice. The agent hears the question, its answer is heard on the remote track,
 * and speaking over the answer clears the output buffer and truncates the answer on the server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PocketsphinxStt } from '../../src/engines/stt/pocketsphinx.js';
import { createSileroVad, type SileroVadEngine } from '../../src/engines/vad/silero.js';
import { CHROMIUM_PATH, haveChromium, launchChromium, WEBRTC_LOOPBACK_ARGS } from '../playground/chromium.js';
import { writeFakeMicrophoneWav } from '../playground/fake-microphone.js';
import { startHarness, type Harness } from '../support/harness.js';
import { ToneTts, WORD_MS } from '../support/tone-tts.js';
import { bundleAgentsPage } from './page/bundle.js';

interface PageEvent {
  type: string;
  at: number;
  [field: string]: unknown;
}

const QUESTION = 'what is the weather in paris today';
/** Forty words of a tone voice: eight seconds of answer, longer than the user lets it run. */
const ANSWER = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');

let vad: SileroVadEngine;
let stt: PocketsphinxStt;
let h: Harness;
let browser: Browser;
let dir: string;
let code: string;

const title = haveChromium ? 'agents-realtime’s WebRTC transport in Chromium' : `agents-realtime’s WebRTC transport in Chromium — SKIPPED: ${CHROMIUM_PATH} is absent`;

describe.skipIf(!haveChromium)(title, () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-webrtc-'));
    const wav = join(dir, 'mic.wav');
    // The question, then (while the answer plays) the user cuts in; Chromium loops the file, so it ends in a long silence.
    await writeFakeMicrophoneWav(wav, [{ silenceMs: 1000 }, { say: QUESTION }, { silenceMs: 3500 }, { say: 'stop please' }, { silenceMs: 30_000 }]);
    vad = await createSileroVad();
    stt = new PocketsphinxStt();
    [code] = await Promise.all([bundleAgentsPage(), stt.warmup()]);
    browser = await launchChromium(wav, WEBRTC_LOOPBACK_ARGS);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
    await Promise.all([vad?.close(), stt?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('connects with an ek_ key, hears the question, plays the answer, and a barge-in clears and truncates it', async () => {
    h = await startHarness({ apiKeys: ['sk-server-key'], hearing: { vad, stt }, tts: new ToneTts() });
    h.llm.enqueue({ text: [ANSWER] }, { text: ['Stopping.'] });
    const minted = await fetch(`${h.server.url}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-server-key', 'content-type': 'application/json' },
      body: JSON.stringify({ session: { type: 'realtime', audio: { input: { transcription: { model: 'pocketsphinx' } } } } }),
    });
    const { value: ek } = (await minted.json()) as { value: string };

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`${h.server.url}/healthz`);
    await page.addScriptTag({ content: code });
    const connectMs = await page.evaluate(([url, key]) => window.startCall(url, key), [`${h.server.url}/v1/realtime/calls`, ek] as const);

    const events = () => page.evaluate(() => window.probe.events) as Promise<PageEvent[]>;
    const find = async (type: string, match: (e: PageEvent) => boolean = () => true) => (await events()).find((e) => e.type === type && match(e));

    // The agent heard the question.
    await expect.poll(async () => (await find('conversation.item.input_audio_transcription.completed'))?.transcript, { timeout: 20_000, interval: 200 }).toMatch(/weather.*paris/);
    // The answer started playing, and it is heard on the remote track.
    await expect.poll(() => find('output_audio_buffer.started'), { timeout: 10_000, interval: 100 }).toBeTruthy();
    const started = (await find('output_audio_buffer.started'))!;
    // The user cut in: playout cleared, the answer cut at what had been played.
    await expect.poll(() => find('output_audio_buffer.cleared'), { timeout: 10_000, interval: 100 }).toBeTruthy();
    const cleared = (await find('output_audio_buffer.cleared'))!;
    await expect.poll(() => find('conversation.item.truncated'), { timeout: 5000, interval: 100 }).toBeTruthy();
    const truncated = (await find('conversation.item.truncated'))!;
    const bargeIn = (await events()).filter((e) => e.type === 'input_audio_buffer.speech_started')[1]!;
    expect(cleared.response_id).toBe(started.response_id);
    expect(bargeIn.at).toBeLessThanOrEqual(cleared.at);

    await page.waitForTimeout(800);
    const levels = (await page.evaluate(() => window.probe.levels)) as { rms: number; at: number }[];
    const loud = (from: number, to: number) => levels.filter((l) => l.at >= from && l.at < to && l.rms > 0.02).length * (1024 / 48);
    const heardMs = loud(started.at, cleared.at);
    const playedMs = cleared.at - started.at;
    // Most of what played was heard (the browser's jitter buffer delays the start a little)...
    expect(heardMs).toBeGreaterThan(playedMs * 0.6);
    // ...and it stopped soon after the clear, long before the eight-second answer would have ended.
    expect(loud(cleared.at + 400, cleared.at + 800)).toBe(0);
    expect(truncated.audio_end_ms as number).toBeGreaterThan(500);
    expect(truncated.audio_end_ms as number).toBeLessThan(40 * WORD_MS);
    expect(Math.abs((truncated.audio_end_ms as number) - playedMs)).toBeLessThan(400);
    expect(problems).toEqual([]);
    console.log(
      `Chromium: connect() ${connectMs.toFixed(0)} ms; answer heard ${heardMs.toFixed(0)} ms of ${playedMs.toFixed(0)} ms played; truncated at ${truncated.audio_end_ms} ms`,
    );
    await page.evaluate(() => window.hangUp());
  }, 60_000);
});
