/** Engines built from a configuration, with the real engines where they run here. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEngines, type BuiltEngines } from '../../src/config/build.js';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/logger.js';
import { writeTinyLlama } from '../support/tiny-gguf.js';

let built: BuiltEngines | undefined;
afterEach(async () => {
  await built?.close();
  built = undefined;
});

describe('buildEngines', () => {
  it('shares one engine between profiles that name the same one, and leaves out what is "none"', async () => {
    const d = mkdtempSync(join(tmpdir(), 'parley-build-'));
    // An OpenAI-compatible LLM, which connects only when asked: the default model would be downloaded.
    const config = loadConfig(['--vad', 'none', '--stt', 'none', '--llm-url', 'http://127.0.0.1:11434/v1'], { PARLEY_CACHE_DIR: d }, d);
    config.profiles.push({ ...config.profiles[0]!, name: 'second' });
    built = await buildEngines(config, silentLogger);
    const [a, b] = built.registry.list();
    expect(a!.tts).toBeDefined();
    expect(a!.tts).toBe(b!.tts);
    expect(a!.llm).toBe(b!.llm);
    expect(a!.hearing).toEqual({ vad: null, stt: null });
  }, 60_000);

  it('runs a GGUF file in-process, and a missing one becomes an engine that says so', async () => {
    const d = mkdtempSync(join(tmpdir(), 'parley-build-'));
    const model = writeTinyLlama();
    const config = loadConfig(['--vad', 'none', '--stt', 'none', '--tts', 'none', '--llm-model-path', model], { PARLEY_CACHE_DIR: d }, d);
    config.profiles.push({ ...config.profiles[0]!, name: 'missing', llm: [{ engine: 'llama-cpp', model_path: join(d, 'nope.gguf') }] });
    built = await buildEngines(config, silentLogger);
    const [local, missing] = built.registry.list();
    expect(local!.llm.label).toMatch(/llama/);
    const events = [];
    for await (const event of local!.llm.stream({ messages: [{ role: 'user', content: 'Hi' }], tools: [], tool_choice: 'auto', max_output_tokens: 4, signal: AbortSignal.timeout(30_000) })) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: 'finish' });
    expect(missing!.llm.label).toBe(`unavailable(llama-cpp(${join(d, 'nope.gguf')}))`);
  }, 120_000);
});
