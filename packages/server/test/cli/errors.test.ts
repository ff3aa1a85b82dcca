/** What the CLI says, and the exit code it gives, when it cannot do what it was asked. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { runCli } from './run-cli.js';
import { wavFile } from './wav-files.js';

let h: Harness;
let dir: string;

beforeAll(async () => {
  h = await startHarness({ apiKeys: ['sk-right'] });
  dir = mkdtempSync(join(tmpdir(), 'parley-cli-errors-'));
});
afterAll(async () => {
  await h?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const url = () => `ws://127.0.0.1:${h.server.port}`;

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('talk: failures exit 1 with what to do', () => {
  it('no server at the address', async () => {
    const port = await closedPort();

    const result = await runCli(['talk', '--url', `ws://127.0.0.1:${port}`], { stdin: 'Hello\n' });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `parley: Cannot reach Parley at ws://127.0.0.1:${port}: nothing is listening there (connection refused). Start it with "npm start" (parley serve), or point --url at it.\n`,
    );
    expect(result.stdout).toBe('');
  });

  it('a wrong API key: the 401 and where the key goes; the right one from PARLEY_API_KEY works', async () => {
    const wrong = await runCli(['talk', '--url', url(), '--api-key', 'sk-wrong'], { stdin: 'Hello\n' });

    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(`parley: Parley at ${url()} refused the API key (HTTP 401: Incorrect API key provided). Give the right one with --api-key or PARLEY_API_KEY.\n`);

    h.llm.enqueue({ text: ['Welcome.'] });
    const right = await runCli(['talk', '--url', url()], { stdin: 'Hello\n', env: { PARLEY_API_KEY: 'sk-right' } });
    expect(right.code).toBe(0);
    expect(right.stdout).toBe('Welcome.\n');
  });

  it('no API key where one is needed', async () => {
    const result = await runCli(['talk', '--url', url()], { stdin: 'Hello\n' });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^parley: Parley at \S+ refused the API key \(HTTP 401: Missing API key: .*[^.]\)\. Give the right one with --api-key or PARLEY_API_KEY\.\n$/);
  });

  it('no reply in time', async () => {
    h.llm.enqueue({ neverAnswer: true });

    const result = await runCli(['talk', '--url', url(), '--api-key', 'sk-right', '--timeout-ms', '1000'], { stdin: 'Hello\n' });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('parley: No reply from Parley within 1000 ms.\n');
  });

  it('a reply that fails: the server’s reason once, the other replies still given, exit 1', async () => {
    h.llm.enqueue({ status: 500, body: '{"error":{"message":"model crashed"}}' }, { text: ['Still here.'] });

    const result = await runCli(['talk', '--url', url(), '--api-key', 'sk-right'], { stdin: 'Hello\nAre you there?\n' });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('Still here.\n');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Parley: .*model crashed.* \(\w+\)$/);
    expect(lines[1]).toBe('parley: A reply failed (see above).');
  });

  it('--wav files that cannot be sent: 8-bit PCM, not a WAV at all, missing', async () => {
    const eightBit = join(dir, 'eight-bit.wav');
    writeFileSync(eightBit, wavFile(new Int16Array(1600), 16000, 1, 8));
    const text = join(dir, 'notes.wav');
    writeFileSync(text, 'these are not samples\n');
    const missing = join(dir, 'missing.wav');

    const results = await Promise.all([eightBit, text, missing].map((file) => runCli(['talk', '--url', url(), '--api-key', 'sk-right', '--wav', file])));

    expect(results.map((r) => r.code)).toEqual([1, 1, 1]);
    expect(results[0]!.stderr).toBe(
      `parley: ${eightBit} cannot be sent: it holds 8-bit PCM, not 16-bit. Convert it with: ffmpeg -i in.wav -c:a pcm_s16le out.wav (or sox in.wav -b 16 -e signed-integer out.wav)\n`,
    );
    expect(results[1]!.stderr).toBe(`parley: ${text} cannot be sent: it is not a WAV file (no RIFF/WAVE header). Convert it with: ffmpeg -i in.wav -c:a pcm_s16le out.wav (or sox in.wav -b 16 -e signed-integer out.wav)\n`);
    expect(results[2]!.stderr).toBe(`parley: Cannot read ${missing}: no such file.\n`);
  });
});

describe('models: failures', () => {
  it('no server at the address: exit 1, and how to read the config instead', async () => {
    const port = await closedPort();

    const result = await runCli(['models', '--url', `http://127.0.0.1:${port}`]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`parley: Cannot reach Parley at http://127.0.0.1:${port}: nothing is listening there (connection refused).`);
    expect(result.stderr).toContain('Or read the configuration with --local or --config <file>.');
  });
});

describe('command-line mistakes exit 2', () => {
  it.each([
    [['talk', '--bogus'], 'parley: Unknown option \'--bogus\' for "parley talk". Run "parley talk --help" for its options.'],
    [['models', '--verbose'], 'parley: Unknown option \'--verbose\' for "parley models". Run "parley models --help" for its options.'],
    [['serve', '--prot', '8080'], 'parley: Unknown option \'--prot\'. Run "parley serve --help" for the options.'],
    [['talk', '--url'], 'parley: --url needs a value. Run "parley talk --help" for its options.'],
    [['talk', 'hello'], 'parley: Unexpected argument \'hello\' for "parley talk". Run "parley talk --help" for its options.'],
    [['talk', '--out', 'reply.wav'], 'parley: --out needs --wav: it writes the reply to the spoken turn from that file.'],
    [['talk', '--dialect', 'klingon'], "parley: --dialect must be one of ga, beta, voicelive, got 'klingon'."],
    [['models', '--local', '--url', 'ws://127.0.0.1:1'], 'parley: --url asks a server; --config and --local read a configuration: give one or the other.'],
  ])('parley %j', async (args, message) => {
    const result = await runCli(args);

    expect(result.stderr).toBe(`${message}\n`);
    expect(result.code).toBe(2);
  });

  it('an unknown command, with the list of commands', async () => {
    const result = await runCli(['tlak']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Unknown command 'tlak'\.\n\nUsage: parley <command> \[options\]/);
    expect(result.stderr).toContain('  talk ');
  });
});
