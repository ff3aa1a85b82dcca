/**
 * The playground end to end in headless Chromium, with Flite's voice as the microphone: a real
 * Parley (Silero VAD, pocketsphinx, Flite TTS, a scripted LLM) hears the question, and the page
 * shows both transcripts, plays the answer and moves the face's mouth with it; speaking over an
 * answer stops it and tells the server how much was heard; tool calls are answered and approved
 * from their cards; a server that wants a key gets the one typed in the form.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PocketsphinxStt } from '../../src/engines/stt/pocketsphinx.js';
import { FliteTts } from '../../src/engines/tts/flite.js';
import { createSileroVad, type SileroVadEngine } from '../../src/engines/vad/silero.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startMcpServer, type TestMcpServer } from '../support/mcp-server.js';
import { CHROMIUM_PATH, haveChromium, launchChromium } from './chromium.js';
import { writeFakeMicrophoneWav, type MicrophoneScript } from './fake-microphone.js';
import { audioMsOf, clickConnect, openPlayground, recordProblems, recordWire, watchAnswer } from './page-probes.js';

const QUESTION = 'what is the weather in paris today';

let vad: SileroVadEngine;
let stt: PocketsphinxStt;
let tts: FliteTts;
let h: Harness;
let mcp: TestMcpServer;
let dir: string;
let browser: Browser | undefined;

/** Chromium with `script` spoken into its microphone. */
async function browserHearing(name: string, script: MicrophoneScript): Promise<Browser> {
  const wav = join(dir, `${name}.wav`);
  await writeFakeMicrophoneWav(wav, script);
  browser = await launchChromium(wav);
  return browser;
}

const title = haveChromium
  ? 'the playground in Chromium'
  : `the playground in Chromium — SKIPPED: ${CHROMIUM_PATH} is absent (scripts/setup.sh installs the Debian package chromium)`;

describe.skipIf(!haveChromium)(title, () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-playground-'));
    vad = await createSileroVad();
    stt = new PocketsphinxStt();
    tts = new FliteTts();
    await Promise.all([stt.warmup(), tts.warmup?.()]);
    mcp = await startMcpServer();
  }, 60_000);
  // A server and a scripted LLM for each test, so that one test's unused scripts never answer the next.
  beforeEach(async () => {
    h = await startHarness({ hearing: { vad, stt }, tts });
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await h?.stop();
  });
  afterAll(async () => {
    await mcp?.close();
    await Promise.all([vad?.close(), stt?.close(), tts?.close?.()]);
    // The screenshots stay, for a person to look at.
    for (const name of ['turn', 'barge-in', 'silence']) if (dir) await rm(join(dir, `${name}.wav`), { force: true });
  });

  it('connects, shows what the user said, plays the answer and moves the mouth with it', async () => {
    const answerText = ['It is sunny', ' and warm in Paris today,', ' with a light breeze from the west.'];
    h.llm.enqueue({ text: answerText });
    const started = performance.now();
    const page = await (await browserHearing('turn', [{ silenceMs: 1000 }, { say: QUESTION }, { silenceMs: 20_000 }])).newPage();
    const problems = recordProblems(page);
    const wire = recordWire(page);
    await openPlayground(page, h.server.url);
    await clickConnect(page);
    const connectedMs = performance.now() - started;

    // The user's turn: heard, transcribed, shown as pocketsphinx wrote it.
    const userTurn = page.locator('.turn.user:not(.partial) .text');
    await userTurn.waitFor({ timeout: 20_000 });
    const answer = watchAnswer(page);
    const completed = wire.received.find((e) => e.type === 'conversation.item.input_audio_transcription.completed')!;
    expect(completed.transcript).toBe(QUESTION);
    expect(await userTurn.textContent()).toBe(completed.transcript);
    expect(h.llm.requests.at(-1)!.body.messages.at(-1)).toEqual({ role: 'user', content: QUESTION });

    // The answer: streamed, played through, its words shown, the mouth moving with it.
    const { shapes, visemes, played, receivedMs } = await answer;
    const deltas = wire.received.filter((e) => e.type === 'response.output_audio.delta');
    const audioMs = audioMsOf(deltas);
    expect(deltas.length).toBeGreaterThan(5);
    expect(receivedMs).toBeCloseTo(audioMs, -1);
    expect(played.at(-1)).toBeGreaterThanOrEqual(receivedMs - 1);
    expect(played.filter((ms, i) => i > 0 && ms > played[i - 1]!).length).toBeGreaterThan(10);
    expect(visemes.length).toBeGreaterThan(5);
    expect(shapes).toBeGreaterThan(10);
    await expect.poll(() => page.locator('.turn.assistant:not(.partial) .text').textContent()).toBe(answerText.join(''));
    const latencyMs = Number(await page.locator('#latency-latest').getAttribute('data-ms'));
    expect(latencyMs).toBeGreaterThan(0);
    expect(latencyMs).toBeLessThan(15_000);

    // The page asked for what it shows: GA audio at 24 kHz, transcripts and visemes.
    const update = wire.sent.find((e) => e.type === 'session.update')!;
    expect(update.session).toMatchObject({ audio: { input: { format: { type: 'audio/pcm', rate: 24000 } } }, animation: { outputs: ['viseme_id'] } });
    expect(wire.received.filter((e) => e.type === 'error')).toEqual([]);
    expect(problems).toEqual([]);

    const screenshot = join(dir, 'playground.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(
      `playground: connected in ${connectedMs.toFixed(0)} ms, turn latency ${latencyMs} ms, answer ${receivedMs.toFixed(0)} ms played, ` +
        `${shapes} mouth shapes, whole test ${(performance.now() - started).toFixed(0)} ms; screenshot ${screenshot}`,
    );
  }, 60_000);

  it('barge-in: speaking over the answer stops it and truncates the item at the milliseconds heard', async () => {
    h.llm.enqueue(
      {
        text: [
          'Let me tell you a long story about a cat.',
          ' The cat lived in a big old house by the sea.',
          ' Every day it slept in the sun by the window.',
          ' At night it watched the boats come in.',
          ' Then it went to sleep again.',
        ],
        delayMs: 300,
      },
      { text: ['Sure.'] },
    );
    const started = performance.now();
    // The user cuts in about three seconds into the answer (later on a slow machine), well before its end.
    const script = [{ silenceMs: 1000 }, { say: QUESTION }, { silenceMs: 4000 }, { say: 'stop please' }, { silenceMs: 20_000 }];
    const page = await (await browserHearing('barge-in', script)).newPage();
    const problems = recordProblems(page);
    const wire = recordWire(page);
    await openPlayground(page, h.server.url);
    await clickConnect(page);

    await page.waitForSelector('#playback[data-state=playing]', { timeout: 20_000 });
    await expect.poll(() => wire.sent.find((e) => e.type === 'conversation.item.truncate'), { timeout: 20_000 }).toBeDefined();
    const truncate = wire.sent.find((e) => e.type === 'conversation.item.truncate')!;
    const firstAnswer = wire.received.find((e) => e.type === 'response.output_audio.delta')!.item_id;
    expect(truncate).toMatchObject({ item_id: firstAnswer, content_index: 0 });
    const answerStarted = wire.received.findIndex((e) => e.type === 'response.output_audio.delta');
    expect(wire.received.slice(answerStarted).some((e) => e.type === 'input_audio_buffer.speech_started')).toBe(true);
    // Cut while playing: some of the answer heard, much of what had arrived not.
    const answerAudioMs = audioMsOf(wire.received.filter((e) => e.type === 'response.output_audio.delta' && e.item_id === firstAnswer));
    expect(truncate.audio_end_ms).toBeGreaterThan(300);
    expect(truncate.audio_end_ms).toBeLessThan(answerAudioMs - 1000);
    // Silent at once (the status is refreshed every 100 ms), short of the end.
    const playback = page.locator('#playback');
    await expect.poll(() => playback.getAttribute('data-state'), { timeout: 500, intervals: [20] }).toBe('idle');
    expect(Number(await playback.getAttribute('data-played-ms'))).toBeLessThanOrEqual((truncate.audio_end_ms as number) + 1);

    await expect.poll(() => wire.received.find((e) => e.type === 'conversation.item.truncated')).toMatchObject({ item_id: firstAnswer, audio_end_ms: truncate.audio_end_ms });
    await expect.poll(() => page.locator(`.turn.assistant[data-item-id="${firstAnswer}"] .note`).textContent()).toBe(`interrupted: heard ${truncate.audio_end_ms} ms`);
    // The user's second turn is heard and answered.
    await expect.poll(() => page.locator('.turn.user .text').allTextContents(), { timeout: 15_000 }).toEqual([QUESTION, 'stop please']);
    await expect.poll(() => page.locator('.turn.assistant .text').last().textContent(), { timeout: 15_000 }).toBe('Sure.');
    expect(wire.received.filter((e) => e.type === 'error')).toEqual([]);
    expect(problems).toEqual([]);
    console.log(`playground barge-in: cut at ${truncate.audio_end_ms} of ${answerAudioMs.toFixed(0)} ms received; test ${(performance.now() - started).toFixed(0)} ms`);
  }, 60_000);

  it('tool calls: the user answers a function call, and approves an MCP call, which then runs', async () => {
    const page = await (await browserHearing('silence', [{ silenceMs: 30_000 }])).newPage();
    const problems = recordProblems(page);
    const wire = recordWire(page);
    await openPlayground(page, h.server.url);
    const weather = { type: 'function', name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
    const calc = { type: 'mcp', server_label: 'calc', server_url: mcp.url, require_approval: 'always' };
    await page.fill('textarea[name=tools]', JSON.stringify([weather, calc]));
    await clickConnect(page);
    await expect.poll(() => wire.received.some((e) => e.type === 'mcp_list_tools.completed')).toBe(true);
    const say = async (text: string) => {
      await page.fill('#say-text', text);
      await page.press('#say-text', 'Enter');
    };

    h.llm.enqueue({ toolCalls: [{ name: 'get_weather', arguments: ['{"city":', '"Paris"}'] }] }, { text: ['It is 21 degrees in Paris.'] });
    await say('What is the weather in Paris?');
    const call = page.locator('.tool-card.function');
    await expect.poll(() => call.locator('h3').textContent()).toBe('function get_weather');
    expect(JSON.parse((await call.locator('pre').textContent())!)).toEqual({ city: 'Paris' });
    await call.locator('textarea').fill('{"temperature_c": 21}');
    await call.getByRole('button', { name: 'Send output' }).click();
    await expect.poll(() => page.locator('.turn.assistant .text').last().textContent(), { timeout: 15_000 }).toBe('It is 21 degrees in Paris.');
    expect(h.llm.requests.at(-1)!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: '{"temperature_c": 21}' });

    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":2,"b":3}'] }] }, { text: ['The sum is 5.'] });
    await say('Add 2 and 3.');
    const approval = page.locator('.tool-card.approval');
    await expect.poll(() => approval.locator('h3').textContent()).toBe('calc · add wants to run');
    expect(mcp.calls).toEqual([]);
    await approval.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.locator('.tool-card.mcp .status').textContent(), { timeout: 15_000 }).toBe('done: 5');
    expect(mcp.calls).toEqual([{ tool: 'add', args: { a: 2, b: 3 }, transport: 'streamable-http' }]);
    await expect.poll(() => page.locator('.turn.assistant .text').last().textContent(), { timeout: 15_000 }).toBe('The sum is 5.');
    const request = wire.received.find((e) => e.type === 'conversation.item.done' && (e.item as { type: string }).type === 'mcp_approval_request')!;
    const answer = wire.sent.find((e) => e.type === 'conversation.item.create' && (e.item as { type: string }).type === 'mcp_approval_response');
    expect(answer).toMatchObject({ item: { approval_request_id: (request.item as { id: string }).id, approve: true } });
    expect(wire.received.filter((e) => e.type === 'error')).toEqual([]);
    expect(problems).toEqual([]);

    // The event log: filtered by words of the type, each row stamped with when it came.
    await page.fill('#log-filter', 'mcp_call -arguments');
    const shown = await page.locator('#event-log li:visible .type').allTextContents();
    expect(shown).toContain('response.mcp_call.completed');
    expect(shown.every((type) => type.includes('mcp_call') && !type.includes('arguments'))).toBe(true);
    const times = (await page.locator('#event-log li time').allTextContents()).map((t) => Number.parseInt(t, 10));
    expect(times.length).toBeGreaterThan(20);
    expect(times.every((ms, i) => i === 0 || ms >= times[i - 1]!)).toBe(true);
    await page.fill('#log-filter', '');

    const screenshot = join(dir, 'tool-calls.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`playground tool calls: screenshot ${screenshot}`);
  }, 60_000);

  it('a server that wants an API key: refused without it, connected with the key typed in the form', async () => {
    const locked = await startHarness({ hearing: { vad, stt }, tts, apiKeys: ['sesame-key'] });
    try {
      const page = await (await browserHearing('silence', [{ silenceMs: 30_000 }])).newPage();
      await openPlayground(page, locked.server.url);
      await page.click('#connect');
      await expect.poll(() => page.locator('#errors').textContent()).toContain('does the server want an API key?');
      expect(await page.locator('#status').textContent()).toBe('idle');
      await page.fill('input[name=api_key]', 'sesame-key');
      await clickConnect(page);
      expect(locked.server.connections).toBe(1);
    } finally {
      await locked.stop();
    }
  }, 60_000);
});
