/**
 * `parley talk --wav`: a WAV file as one spoken turn to a real Parley (Silero VAD, pocketsphinx,
 * a scripted LLM, Flite TTS), through the built CLI as a user runs it.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resampler.js';
import { transcribe } from '../../src/engines/stt/index.js';
import { startSpokenHarness, type SpokenHarness } from '../support/spoken-harness.js';
import { concatSamples, silence, synthesizeSpeech } from '../support/speech.js';
import { runCli, startCli } from './run-cli.js';
import { readCanonicalWav, wavFile } from './wav-files.js';

const QUESTION = 'what is the weather in paris today';
const ANSWER = 'It is sunny in Paris today.';

let h: SpokenHarness;
let dir: string;
/** The question, 16 kHz mono samples with silence around. */
let question: Int16Array;

beforeAll(async () => {
  h = await startSpokenHarness();
  dir = mkdtempSync(join(tmpdir(), 'parley-cli-wav-'));
  const speech = await synthesizeSpeech(QUESTION, { voice: 'slt' });
  question = concatSamples(silence(300, 16000), speech.samples, silence(500, 16000));
}, 60_000);
afterAll(async () => {
  await h?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const url = () => `ws://127.0.0.1:${h.server.port}`;

async function heard(pcm: Buffer): Promise<string> {
  const samples = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length));
  const result = await transcribe(h.stt, await resample(samples, 24000, 16000), { signal: AbortSignal.timeout(20_000) });
  return result.text;
}

describe('parley talk --wav', () => {
  it('sends a stereo 16 kHz WAV as a spoken turn, prints both transcripts and writes the reply as a WAV that says them', async () => {
    const input = join(dir, 'question-stereo.wav');
    const output = join(dir, 'reply.wav');
    writeFileSync(input, wavFile(question, 16000, 2));
    h.llm.enqueue({ text: ['It is', ' sunny in', ' Paris today.'] });

    const result = await runCli(['talk', '--url', url(), '--wav', input, '--out', output]);

    expect(result.stderr).toContain(`Wrote ${output}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`you: ${QUESTION}\nparley: ${ANSWER}\n`);
    expect(h.llm.requests.at(-1)!.body.messages.at(-1)).toEqual({ role: 'user', content: QUESTION });
    const wav = readCanonicalWav(readFileSync(output));
    expect(wav).toMatchObject({ format: 1, channels: 1, sampleRate: 24000, bits: 16 });
    expect(wav.data.length).toBeGreaterThan(48_000); // over a second
    expect(await heard(wav.data)).toBe('it is sunny in paris today');
  }, 60_000);

  it('--json: every line is an event; the WAV holds exactly the audio deltas, from a 44.1 kHz file', async () => {
    const input = join(dir, 'question-44k.wav');
    const output = join(dir, 'reply-json.wav');
    writeFileSync(input, wavFile(await resample(question, 16000, 44100), 44100));
    h.llm.enqueue({ text: [ANSWER] });

    const result = await runCli(['talk', '--url', url(), '--wav', input, '--out', output, '--json']);

    expect(result.code).toBe(0);
    const events = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; [field: string]: unknown });
    const types = events.map((e) => e.type);
    expect(types).toContain('session.created');
    expect(types).toContain('input_audio_buffer.committed');
    expect(types.at(-1)).toBe('response.done');
    expect(events.find((e) => e.type === 'conversation.item.input_audio_transcription.completed')).toMatchObject({ transcript: QUESTION });
    expect(events.find((e) => e.type === 'response.output_audio_transcript.done')).toMatchObject({ transcript: ANSWER });
    const deltas = Buffer.concat(events.filter((e) => e.type === 'response.output_audio.delta').map((e) => Buffer.from(e.delta as string, 'base64')));
    expect(deltas.length).toBeGreaterThan(48_000);
    expect(readCanonicalWav(readFileSync(output)).data.equals(deltas)).toBe(true);
  }, 60_000);

  it('--audio: the reply is played through the player found on PATH, every byte of it', async () => {
    const bin = mkdtempSync(join(dir, 'bin-with-player-'));
    const recorded = join(dir, 'played.raw');
    // An aplay that records its arguments and what it is given to play.
    writeFileSync(join(bin, 'aplay'), `#!/bin/sh\necho "$@" > '${recorded}.args'\nexec /bin/cat > '${recorded}'\n`);
    chmodSync(join(bin, 'aplay'), 0o755);
    const input = join(dir, 'question-mono.wav');
    const output = join(dir, 'reply-played.wav');
    writeFileSync(input, wavFile(question, 16000));
    h.llm.enqueue({ text: [ANSWER] });

    const result = await runCli(['talk', '--url', url(), '--wav', input, '--out', output, '--audio'], { env: { PATH: bin } });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`you: ${QUESTION}\nparley: ${ANSWER}\n`);
    expect(readFileSync(`${recorded}.args`, 'utf8').trim()).toBe('-q -t raw -f S16_LE -r 24000 -c 1 -');
    expect(readFileSync(recorded).equals(readCanonicalWav(readFileSync(output)).data)).toBe(true);
  }, 60_000);

  it('--audio without any player on PATH says so and still answers in text', async () => {
    const empty = mkdtempSync(join(dir, 'empty-path-'));
    const input = join(dir, 'question-mono.wav');
    writeFileSync(input, wavFile(question, 16000));
    h.llm.enqueue({ text: [ANSWER] });

    const result = await runCli(['talk', '--url', url(), '--wav', input, '--audio'], { env: { PATH: empty } });

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('No audio player found on PATH (looked for pw-play, paplay, aplay, play)');
    expect(result.stdout).toBe(`you: ${QUESTION}\nparley: ${ANSWER}\n`);
  }, 60_000);

  it('talk --audio: typing during a spoken reply stops it where it was heard, and the conversation keeps only that', async () => {
    const bin = mkdtempSync(join(dir, 'bin-barge-in-'));
    writeFileSync(join(bin, 'aplay'), `#!/bin/sh\nexec /bin/cat > /dev/null\n`);
    chmodSync(join(bin, 'aplay'), 0o755);
    const first = 'Let me tell you a long story about a cat.';
    // The model writes slowly, so the reply is still being spoken when the user types.
    h.llm.enqueue({ text: [first, ' The cat lived in a big old house.', ' Every day it slept in the sun.'], delayMs: 1500 }, { text: ['Sure.'] });
    const before = h.llm.requests.length;
    const cli = startCli(['talk', '--url', url(), '--audio', '--json'], { env: { PATH: bin } });
    cli.child.stdin.write('Tell me a story.\n');
    await cli.waitForStdout(/response\.output_audio\.delta/);
    const typedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    cli.child.stdin.end('Stop.\n');

    const result = await cli.exited;
    const elapsedMs = performance.now() - typedAt;

    expect(result.code).toBe(0);
    const events = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; [field: string]: unknown });
    const firstDone = events.findIndex((e) => e.type === 'response.done');
    expect(events[firstDone]).toMatchObject({ response: { status: 'cancelled' } });
    const sentMs = events.slice(0, firstDone).filter((e) => e.type === 'response.output_audio.delta').reduce((ms, e) => ms + Buffer.from(e.delta as string, 'base64').length / 48, 0);
    const truncated = events.find((e) => e.type === 'conversation.item.truncated') as { audio_end_ms: number } | undefined;
    // Cut where the player was: about a second in, and not past what was sent.
    expect(truncated?.audio_end_ms).toBeGreaterThanOrEqual(900);
    expect(truncated!.audio_end_ms).toBeLessThanOrEqual(Math.min(sentMs, elapsedMs + 500));
    await h.llm.request(before + 1);
    const context = h.llm.requests[before + 1]!.body.messages;
    const heardText = context.at(-2)!;
    expect(heardText.role).toBe('assistant');
    expect((heardText.content as string).length).toBeGreaterThan(0);
    expect(first.startsWith(heardText.content as string)).toBe(true);
    expect(context.at(-1)).toEqual({ role: 'user', content: 'Stop.' });
  }, 60_000);
});
