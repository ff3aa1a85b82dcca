/**
 * The built-in default model at start-up, against a local stand-in for Hugging Face (never the
 * real one: PARLEY_DEFAULT_MODEL_URL points at it and PARLEY_CACHE_DIR at a temporary cache).
 * The "hub" answers the `resolve` URL as Hugging Face does for an LFS file: a redirect whose
 * `X-Linked-Etag` states the SHA-256, to a "CDN" that serves the tiny random GGUF.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFromConfig } from '../../src/app.js';
import { buildEngines, type BuiltEngines } from '../../src/config/build.js';
import { loadConfig } from '../../src/config/load.js';
import type { LlmEvent } from '../../src/engines/llm/index.js';
import type { Logger } from '../../src/logger.js';
import { DEFAULT_MODEL } from '../../src/models/default-model.js';
import type { ParleyServer } from '../../src/server.js';
import { connectRealtime } from '../support/realtime-client.js';
import { buildTinyLlama } from '../support/tiny-gguf.js';

const GGUF = buildTinyLlama();
const SHA = createHash('sha256').update(GGUF).digest('hex');
const RESOLVE_PATH = `/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/${DEFAULT_MODEL.name}`;

let hub: Server;
let hubUrl: string;
let requests: string[] = [];

beforeAll(async () => {
  hub = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(`${req.method} ${path}`);
    if (path === RESOLVE_PATH) return void res.writeHead(302, { location: '/cdn/blob', 'x-linked-etag': `"${SHA}"` }).end();
    if (path === '/cdn/blob') return void res.writeHead(200, { 'content-length': GGUF.length }).end(GGUF);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}${RESOLVE_PATH}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => hub.close(() => resolve()));
});

let built: BuiltEngines | undefined;
let server: ParleyServer | undefined;
afterEach(async () => {
  await built?.close();
  await server?.close();
  built = server = undefined;
  requests = [];
});

async function closedUrl(): Promise<string> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  return `http://127.0.0.1:${port}${RESOLVE_PATH}`;
}

function recordingLogger(): Logger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const logger = {
    lines,
    debug: (msg: string) => void lines.push({ level: 'debug', msg }),
    info: (msg: string) => void lines.push({ level: 'info', msg }),
    warn: (msg: string) => void lines.push({ level: 'warn', msg }),
    error: (msg: string) => void lines.push({ level: 'error', msg }),
    child: () => logger,
  };
  return logger;
}

const NO_SPEECH = ['--vad', 'none', '--stt', 'none', '--tts', 'none'];

async function collect(stream: AsyncIterable<LlmEvent>): Promise<LlmEvent[]> {
  const events: LlmEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('the built-in default model at start-up', () => {
  it('missing and the hub reachable: downloaded (verified against the stated SHA-256), then run with llama.cpp', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'parley-cache-'));
    const env = { PARLEY_CACHE_DIR: cache, PARLEY_DEFAULT_MODEL_URL: hubUrl };
    const logger = recordingLogger();
    built = await buildEngines(loadConfig(NO_SPEECH, env, cache), logger);
    const file = join(cache, 'models', DEFAULT_MODEL.name);
    expect(built.registry.defaultProfile.llm.label).toBe(`llama-cpp(${file})`);
    expect(readFileSync(file).equals(GGUF)).toBe(true);
    expect(readFileSync(`${file}.sha256`, 'utf8')).toMatch(new RegExp(`^${SHA}  ${DEFAULT_MODEL.name.replace(/\./g, '\\.')}\\n`));
    expect(requests).toEqual([`GET ${RESOLVE_PATH}`, 'GET /cdn/blob']);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(logger.lines.map((l) => l.msg)).toContain(
      `The default language model, ${DEFAULT_MODEL.title} (${DEFAULT_MODEL.license}), is not in the model cache yet: downloading it once, from ${hubUrl} to ${file}`,
    );
    // Progress, as plain lines (the test's stderr is no terminal), up to 100 %.
    expect(logger.lines.some((l) => l.msg.startsWith(`${DEFAULT_MODEL.name}: 100% `))).toBe(true);
    const events = await collect(
      built.registry.defaultProfile.llm.stream({ messages: [{ role: 'user', content: 'Hi' }], tools: [], tool_choice: 'auto', max_output_tokens: 4, signal: AbortSignal.timeout(30_000) }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'finish' });
    await built.close();

    // The next start finds it in the cache, with its recorded hash: no request, even with the hub gone.
    requests = [];
    built = await buildEngines(loadConfig(NO_SPEECH, { ...env, PARLEY_DEFAULT_MODEL_URL: await closedUrl() }, cache), recordingLogger());
    expect(built.registry.defaultProfile.llm.label).toBe(`llama-cpp(${file})`);
    expect(requests).toEqual([]);
  }, 120_000);

  it('missing and the hub unreachable: the server starts; the log names the file and the commands; users hear a notice and get an error', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'parley-cache-'));
    const url = await closedUrl();
    const file = join(cache, 'models', DEFAULT_MODEL.name);
    const logger = recordingLogger();
    const started = performance.now();
    server = await startFromConfig(loadConfig([...NO_SPEECH, '--port', '0'], { PARLEY_CACHE_DIR: cache, PARLEY_DEFAULT_MODEL_URL: url }, cache), logger);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(existsSync(file)).toBe(false);

    const errors = logger.lines.filter((l) => l.level === 'error').map((l) => l.msg);
    expect(errors).toHaveLength(1);
    const log = errors[0]!;
    expect(log).toContain(`The default language model, ${DEFAULT_MODEL.title} (${DEFAULT_MODEL.license}), is missing: ${file} does not exist, and downloading it from ${url} failed (offline).`);
    expect(log).toContain(`mkdir -p '${join(cache, 'models')}' && curl -fL -o '${file}' '${url}'`);
    expect(log).toContain(`sha256sum '${file}' must print the SHA-256 the publisher states, which this shows (x-linked-etag): curl -sI '${url}' | grep -i etag`);
    expect(log).toContain('PARLEY_LLM_MODEL_PATH=/path/to/model.gguf');
    expect(log).toContain('PARLEY_LLM_URL=http://127.0.0.1:11434/v1');
    expect(logger.lines.some((l) => l.msg.startsWith('Parley is listening on'))).toBe(true);

    const client = await connectRealtime(`${server.wsUrl}/v1/realtime`);
    await client.waitFor('session.created');
    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello?' }] } });
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    const done = await client.waitFor('response.done');
    expect(done.response).toMatchObject({ status: 'completed' });
    const error = client.events.find((e) => e.type === 'error');
    expect(error?.error).toMatchObject({ type: 'server_error', code: 'engine_unavailable' });
    expect((error?.error as { message: string }).message).toContain(`${file} does not exist, and it could not be downloaded (offline`);
    const text = await client.waitFor('response.output_text.done');
    expect(text.text).toMatch(/^Sorry, my language model is not installed/);
    await client.close();
  }, 60_000);

  it('<cache>/default.gguf, when present, is run instead, and nothing is downloaded', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'parley-cache-'));
    mkdirSync(join(cache, 'models'));
    writeFileSync(join(cache, 'models', 'default.gguf'), GGUF);
    built = await buildEngines(loadConfig(NO_SPEECH, { PARLEY_CACHE_DIR: cache, PARLEY_DEFAULT_MODEL_URL: hubUrl }, cache), recordingLogger());
    expect(built.registry.defaultProfile.llm.label).toBe(`llama-cpp(${join(cache, 'models', 'default.gguf')})`);
    expect(requests).toEqual([]);
  }, 60_000);
});
