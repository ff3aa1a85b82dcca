import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { DEFAULT_MODEL } from '../../src/models/default-model.js';

function dir(files: Record<string, unknown> = {}): string {
  const d = mkdtempSync(join(tmpdir(), 'parley-config-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(d, name), typeof content === 'string' ? content : JSON.stringify(content));
  return d;
}

/** An empty model cache, so that no test depends on what is in ~/.cache. */
function cacheEnv(): { PARLEY_CACHE_DIR: string } {
  return { PARLEY_CACHE_DIR: mkdtempSync(join(tmpdir(), 'parley-cache-')) };
}

describe('loadConfig', () => {
  it('without a file: one default profile from the settings defaults, on the built-in default model', () => {
    const env = cacheEnv();
    const c = loadConfig([], env, dir());
    expect(c.file).toBeNull();
    expect(c.defaultProfile).toBe('default');
    expect(c.profiles).toEqual([
      {
        name: 'default',
        instructions: expect.any(String),
        voice: 'alloy',
        llm: [
          {
            engine: 'llama-cpp',
            model_path: join(env.PARLEY_CACHE_DIR, 'models', 'qwen2.5-0.5b-instruct-q4_k_m.gguf'),
            download: { url: 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf', sha256: 'publisher' },
          },
        ],
        stt: { engine: 'pocketsphinx' },
        vad: { engine: 'silero' },
        tts: { engine: 'flite' },
        file_search: null,
        web_search: null,
      },
    ]);
  });

  it('reads ./parley.config.json: server settings, profiles, the default profile, fallbacks', () => {
    const d = dir({
      'parley.config.json': {
        server: { port: 9100, api_keys: ['k1'], log_level: 'debug' },
        default_profile: 'local',
        profiles: {
          remote: { instructions: 'Remote.', llm: { engine: 'openai-compatible', url: 'https://api.example.com/v1', model: 'big' } },
          local: {
            voice: 'rms',
            llm: [
              { engine: 'openai-compatible', url: 'http://10.0.0.2:8000/v1', model: 'qwen' },
              { engine: 'openai-compatible', url: 'http://127.0.0.1:11434/v1', model: 'llama3.2' },
            ],
            stt: { engine: 'none' },
          },
        },
      },
    });
    const c = loadConfig([], {}, d);
    expect(c.file).toBe(join(d, 'parley.config.json'));
    expect(c.settings).toMatchObject({ port: 9100, apiKeys: ['k1'], logLevel: 'debug', host: '127.0.0.1' });
    expect(c.defaultProfile).toBe('local');
    const local = c.profiles.find((p) => p.name === 'local')!;
    expect(local.llm.map((l) => (l.engine === 'openai-compatible' ? l.url : ''))).toEqual(['http://10.0.0.2:8000/v1', 'http://127.0.0.1:11434/v1']);
    expect(local).toMatchObject({ voice: 'rms', stt: { engine: 'none' }, vad: { engine: 'silero' } });
    expect(c.profiles.find((p) => p.name === 'remote')).toMatchObject({ instructions: 'Remote.', voice: 'alloy' });
  });

  it('flags win over variables, which win over the file; engine variables change only the default profile', () => {
    const d = dir({
      'my.json': {
        server: { port: 9100, host: '0.0.0.0' },
        profiles: { a: { llm: { engine: 'openai-compatible', url: 'http://file/v1', model: 'm' } }, b: {} },
      },
    });
    const c = loadConfig(['--port', '9300', '--config', 'my.json'], { PARLEY_PORT: '9200', PARLEY_LLM_URL: 'http://env/v1', PARLEY_STT: 'none' }, d);
    expect(c.settings.port).toBe(9300);
    expect(c.settings.host).toBe('0.0.0.0');
    const [a, b] = c.profiles;
    expect(a).toMatchObject({ name: 'a', stt: { engine: 'none' }, llm: [{ url: 'http://env/v1', model: 'llama3.2' }] });
    expect(b).toMatchObject({ name: 'b', stt: { engine: 'pocketsphinx' } });
  });

  it('PARLEY_LLM_MODEL_PATH runs that GGUF file in-process; PARLEY_LLM_URL still wins', () => {
    expect(loadConfig([], { PARLEY_LLM_MODEL_PATH: '/m/q.gguf' }, dir()).profiles[0]!.llm).toEqual([{ engine: 'llama-cpp', model_path: '/m/q.gguf' }]);
    expect(loadConfig([], { PARLEY_LLM_MODEL_PATH: '/m/q.gguf', PARLEY_LLM_URL: 'http://h/v1' }, dir()).profiles[0]!.llm).toMatchObject([{ engine: 'openai-compatible', url: 'http://h/v1' }]);
  });

  it('PARLEY_LLM_URL or PARLEY_LLM_MODEL alone means an OpenAI-compatible server (Ollama\'s URL by default)', () => {
    expect(loadConfig(['--llm-url', 'http://127.0.0.1:11434/v1'], cacheEnv(), dir()).profiles[0]!.llm).toEqual([
      { engine: 'openai-compatible', url: 'http://127.0.0.1:11434/v1', model: 'llama3.2', timeout_ms: 30_000 },
    ]);
    expect(loadConfig([], { ...cacheEnv(), PARLEY_LLM_MODEL: 'qwen2.5:7b' }, dir()).profiles[0]!.llm).toEqual([
      { engine: 'openai-compatible', url: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b', timeout_ms: 30_000 },
    ]);
  });

  it('the default model: <cache>/default.gguf when present (no download), and PARLEY_DEFAULT_MODEL_URL for a mirror', () => {
    const env = cacheEnv();
    const mirror = 'http://127.0.0.1:9/mirror/model.gguf';
    expect(loadConfig([], { ...env, PARLEY_DEFAULT_MODEL_URL: mirror }, dir()).profiles[0]!.llm).toEqual([
      { engine: 'llama-cpp', model_path: join(env.PARLEY_CACHE_DIR, 'models', DEFAULT_MODEL.name), download: { url: mirror, sha256: 'publisher' } },
    ]);
    mkdirSync(join(env.PARLEY_CACHE_DIR, 'models'));
    writeFileSync(join(env.PARLEY_CACHE_DIR, 'models', 'default.gguf'), 'mine');
    expect(loadConfig([], env, dir()).profiles[0]!.llm).toEqual([{ engine: 'llama-cpp', model_path: join(env.PARLEY_CACHE_DIR, 'models', 'default.gguf') }]);
    expect(() => loadConfig([], { ...env, PARLEY_DEFAULT_MODEL_URL: 'ftp://x/m.gguf' }, dir())).toThrow(/PARLEY_DEFAULT_MODEL_URL must be an http\(s\) URL/);
  });

  it("a config file's llm wins for its profiles (over the default model, not over PARLEY_LLM_MODEL_PATH); profiles without one get the default model", () => {
    const env = cacheEnv();
    const fileLlm = { engine: 'openai-compatible', url: 'http://file/v1', model: 'm' } as const;
    const d = dir({ 'parley.config.json': { profiles: { a: { llm: fileLlm }, b: {} } } });
    const [a, b] = loadConfig([], env, d).profiles;
    expect(a!.llm).toEqual([fileLlm]);
    expect(b!.llm).toMatchObject([{ engine: 'llama-cpp', model_path: join(env.PARLEY_CACHE_DIR, 'models', DEFAULT_MODEL.name), download: { sha256: 'publisher' } }]);
    const [a2, b2] = loadConfig(['--llm-model-path', '/m/q.gguf'], env, d).profiles;
    expect(a2!.llm).toEqual([{ engine: 'llama-cpp', model_path: '/m/q.gguf' }]);
    expect(b2!.llm).toMatchObject([{ engine: 'llama-cpp', model_path: join(env.PARLEY_CACHE_DIR, 'models', DEFAULT_MODEL.name) }]);
  });

  it('names the file and every bad field', () => {
    const d = dir({
      'parley.config.json': { server: { port: 'eighty' }, profiles: { p: { llm: { engine: 'openai-compatible', url: 'ftp://x', model: 'm' }, tts: { engine: 'espeak' }, colour: 'red' } } },
    });
    let error: unknown;
    try {
      loadConfig([], {}, d);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(join(d, 'parley.config.json'));
    expect(message).toMatch(/server\.port: /);
    expect(message).toMatch(/profiles\.p\.llm\.url: must be an http\(s\) URL/);
    expect(message).toMatch(/profiles\.p\.tts\.engine: /);
    expect(message).toMatch(/profiles\.p: .*colour/);
  });

  it('refuses broken JSON, a missing file and an unknown default profile', () => {
    expect(() => loadConfig([], {}, dir({ 'parley.config.json': '{ "server": ' }))).toThrow(/parley\.config\.json is not valid JSON/);
    expect(() => loadConfig(['--config', 'nope.json'], {}, dir())).toThrow(/nope\.json cannot be read: ENOENT/);
    expect(() => loadConfig([], {}, dir({ 'parley.config.json': { default_profile: 'x', profiles: { a: {} } } }))).toThrow(/default_profile 'x' is not one of the profiles \(a\)/);
  });
});
