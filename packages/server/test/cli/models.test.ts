/** `parley models`: the profiles of a running server, or of a config file without starting engines; and `talk --model`. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiCompatibleLlm } from '../../src/engines/llm/openai-compatible.js';
import { FliteTts } from '../../src/engines/tts/flite.js';
import { silentLogger } from '../../src/logger.js';
import { ProfileRegistry } from '../../src/profiles.js';
import { startServer, type ParleyServer } from '../../src/server.js';
import { startScriptedLlm, type ScriptedLlm } from '../support/scripted-llm.js';
import { runCli } from './run-cli.js';

let llm: ScriptedLlm;
let server: ParleyServer;
let tts: FliteTts;
let dir: string;

beforeAll(async () => {
  llm = await startScriptedLlm();
  tts = new FliteTts();
  const engine = (model: string) => new OpenAiCompatibleLlm({ baseUrl: llm.url, model, connectTimeoutMs: 5_000, idleTimeoutMs: 5_000 });
  const profiles = new ProfileRegistry(
    [
      { name: 'plain', llm: engine('small-model'), instructions: 'You are plain.', voice: 'alloy' },
      { name: 'pirate', llm: engine('big-model'), instructions: 'You are a pirate.', voice: 'echo', tts },
    ],
    'pirate',
  );
  server = await startServer({ logger: silentLogger, host: '127.0.0.1', port: 0, profiles });
  dir = mkdtempSync(join(tmpdir(), 'parley-cli-models-'));
});
afterAll(async () => {
  await server?.close();
  await llm?.close();
  await tts?.close?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const url = () => `http://127.0.0.1:${server.port}`;
const columns = (line: string) => line.split(/ {2,}/);

const CONFIG = {
  default_profile: 'kokoro',
  profiles: {
    default: {
      voice: 'alloy',
      llm: [
        { engine: 'openai-compatible', url: 'http://127.0.0.1:11434/v1', model: 'llama3.2' },
        { engine: 'openai-compatible', url: 'http://127.0.0.1:8000/v1', model: 'qwen' },
      ],
      stt: { engine: 'pocketsphinx' },
      tts: { engine: 'flite' },
    },
    kokoro: {
      voice: 'af_heart',
      llm: { engine: 'llama-cpp', model_path: '/models/small.gguf' },
      stt: { engine: 'none' },
      tts: { engine: 'openai-speech', url: 'http://127.0.0.1:8880/v1', model: 'kokoro' },
    },
  },
};

describe('parley models', () => {
  it('lists a running server’s profiles as a table, the default marked', async () => {
    const result = await runCli(['models', '--url', url()]);

    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(columns(header!)).toEqual(['PROFILE', 'LLM', 'STT', 'TTS', 'VOICE']);
    expect(rows.map(columns)).toEqual([
      ['plain', `openai-compatible(${llm.url}, small-model)`, 'none', 'none', 'alloy'],
      ['pirate (default)', `openai-compatible(${llm.url}, big-model)`, 'none', 'flite(wasi)', 'echo'],
    ]);
  });

  it('--json: the same as JSON, from a ws:// URL too', async () => {
    const result = await runCli(['models', '--url', `ws://127.0.0.1:${server.port}`, '--json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { name: 'plain', default: false, llm: `openai-compatible(${llm.url}, small-model)`, stt: 'none', tts: 'none', voice: 'alloy' },
      { name: 'pirate', default: true, llm: `openai-compatible(${llm.url}, big-model)`, stt: 'none', tts: 'flite(wasi)', voice: 'echo' },
    ]);
  });

  it('--config: the file’s profiles, with no server and no engine started', async () => {
    const file = join(dir, 'profiles.json');
    writeFileSync(file, JSON.stringify(CONFIG));

    const result = await runCli(['models', '--config', file, '--json']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        name: 'default',
        default: false,
        llm: 'openai-compatible(http://127.0.0.1:11434/v1, llama3.2) → openai-compatible(http://127.0.0.1:8000/v1, qwen)',
        stt: 'pocketsphinx',
        tts: 'flite',
        voice: 'alloy',
      },
      { name: 'kokoro', default: true, llm: 'llama-cpp(/models/small.gguf)', stt: 'none', tts: 'openai-speech(http://127.0.0.1:8880/v1, kokoro)', voice: 'af_heart' },
    ]);
  });

  it('--local: ./parley.config.json with the PARLEY_* variables over it, as serve would', async () => {
    const here = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(here, 'parley.config.json'), JSON.stringify(CONFIG));

    const result = await runCli(['models', '--local'], { cwd: here, env: { PARLEY_VOICE: 'rms', PARLEY_STT: 'none' } });

    expect(result.code).toBe(0);
    const rows = result.stdout.trimEnd().split('\n').slice(1).map(columns);
    // The variables are about the default profile only.
    expect(rows).toEqual([
      ['default', 'openai-compatible(http://127.0.0.1:11434/v1, llama3.2) → openai-compatible(http://127.0.0.1:8000/v1, qwen)', 'pocketsphinx', 'flite', 'alloy'],
      ['kokoro (default)', 'llama-cpp(/models/small.gguf)', 'none', 'openai-speech(http://127.0.0.1:8880/v1, kokoro)', 'rms'],
    ]);
  });

  it('a config file with a mistake: exit 2 and the field named', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify({ profiles: { default: { tts: { engine: 'espeak' } } } }));

    const result = await runCli(['models', '--config', file]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`parley: ${file} has an error:`);
    expect(result.stderr).toContain('profiles.default.tts');
    expect(result.stdout).toBe('');
  });
});

describe('parley talk --model', () => {
  it('talks to the profile asked for', async () => {
    llm.enqueue({ text: ['Plain answer.'] });

    const result = await runCli(['talk', '--url', url(), '--model', 'plain'], { stdin: 'Hello\n' });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Plain answer.\n');
    expect(llm.requests.at(-1)!.body).toMatchObject({ model: 'small-model', messages: [{ role: 'system', content: expect.stringContaining('You are plain.') }, { role: 'user', content: 'Hello' }] });
  });
});
