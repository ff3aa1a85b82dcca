/**
 * Server settings from flags over environment over defaults, and a clear error naming the
 * variable or flag and the bad value.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_INSTRUCTIONS, loadSettings, SETTINGS, SettingsError, settingsHelp } from '../../src/settings.js';

function error(argv: string[], env: Record<string, string> = {}): SettingsError {
  try {
    loadSettings(argv, env);
  } catch (err) {
    if (err instanceof SettingsError) return err;
    throw err;
  }
  throw new Error('expected a SettingsError');
}

describe('defaults', () => {
  it('listens on 127.0.0.1:8080 and talks to a local OpenAI-compatible server, with no client keys', () => {
    const s = loadSettings([], {});
    expect(s).toEqual({
      host: '127.0.0.1',
      port: 8080,
      llmUrl: 'http://127.0.0.1:11434/v1',
      llmModel: 'llama3.2',
      llmApiKey: null,
      llmTimeoutMs: 30_000,
      llmModelPath: null,
      apiKeys: null,
      secret: null,
      allowedOrigins: null,
      maxSessions: 1000,
      maxSessionsPerKey: 100,
      connectionsPerMinute: 600,
      instructions: DEFAULT_INSTRUCTIONS,
      tlsCert: null,
      tlsKey: null,
      vad: 'silero',
      stt: 'pocketsphinx',
      tts: 'flite',
      voice: 'alloy',
      fileSearchFolder: null,
      webSearchUrl: null,
      logLevel: 'info',
      logFormat: null,
      config: null,
      shutdownGraceMs: 25_000,
    });
  });

  it('ignores unrelated and empty environment variables', () => {
    expect(loadSettings([], { PATH: '/bin', PARLEY_PORT: '', PARLEY_HOST: '' })).toMatchObject({ host: '127.0.0.1', port: 8080 });
  });
});

describe('environment variables', () => {
  it('reads every PARLEY_* variable', () => {
    const s = loadSettings([], {
      PARLEY_HOST: '0.0.0.0',
      PARLEY_PORT: '9000',
      PARLEY_LLM_URL: 'https://llm.example.com/v1',
      PARLEY_LLM_MODEL: 'qwen2.5',
      PARLEY_LLM_API_KEY: 'sk-upstream',
      PARLEY_LLM_TIMEOUT_MS: '5000',
      PARLEY_LLM_MODEL_PATH: '/models/q.gguf',
      PARLEY_API_KEYS: 'k1,k2',
      PARLEY_SECRET: 'new-secret-0123456789abcdef-0123456789,old-secret-0123456789abcdef-0123456789',
      PARLEY_ALLOWED_ORIGINS: 'https://app.example.com, https://*.example.org:8443, http://localhost:5173/',
      PARLEY_MAX_SESSIONS: '50',
      PARLEY_MAX_SESSIONS_PER_KEY: '5',
      PARLEY_CONNECTIONS_PER_MINUTE: '0',
      PARLEY_INSTRUCTIONS: 'Be a pirate.',
      PARLEY_TLS_CERT: '/etc/cert.pem',
      PARLEY_TLS_KEY: '/etc/key.pem',
      PARLEY_VAD: 'none',
      PARLEY_STT: 'none',
      PARLEY_TTS: 'none',
      PARLEY_VOICE: 'slt',
      PARLEY_FILE_SEARCH_FOLDER: './knowledge',
      PARLEY_WEB_SEARCH_URL: 'http://127.0.0.1:8888',
      PARLEY_LOG_LEVEL: 'debug',
      PARLEY_LOG_FORMAT: 'json',
      PARLEY_CONFIG: '/etc/parley.json',
      PARLEY_SHUTDOWN_GRACE_MS: '5000',
    });
    expect(s).toEqual({
      host: '0.0.0.0',
      port: 9000,
      llmUrl: 'https://llm.example.com/v1',
      llmModel: 'qwen2.5',
      llmApiKey: 'sk-upstream',
      llmTimeoutMs: 5000,
      llmModelPath: '/models/q.gguf',
      apiKeys: ['k1', 'k2'],
      secret: ['new-secret-0123456789abcdef-0123456789', 'old-secret-0123456789abcdef-0123456789'],
      allowedOrigins: ['https://app.example.com', 'https://*.example.org:8443', 'http://localhost:5173'],
      maxSessions: 50,
      maxSessionsPerKey: 5,
      connectionsPerMinute: 0,
      instructions: 'Be a pirate.',
      tlsCert: '/etc/cert.pem',
      tlsKey: '/etc/key.pem',
      vad: 'none',
      stt: 'none',
      tts: 'none',
      voice: 'slt',
      fileSearchFolder: './knowledge',
      webSearchUrl: 'http://127.0.0.1:8888',
      logLevel: 'debug',
      logFormat: 'json',
      config: '/etc/parley.json',
      shutdownGraceMs: 5000,
    });
  });

  it('reads PARLEY_API_KEYS as a comma list, trimming spaces and dropping empty entries', () => {
    expect(loadSettings([], { PARLEY_API_KEYS: ' k1 , ,k2,, k3 ' }).apiKeys).toEqual(['k1', 'k2', 'k3']);
    expect(loadSettings([], { PARLEY_API_KEYS: 'only' }).apiKeys).toEqual(['only']);
    expect(loadSettings([], { PARLEY_API_KEYS: ' , ' }).apiKeys).toBeNull();
  });

  it('refuses a short PARLEY_SECRET and an origin that is not one, naming the variable', () => {
    expect(error([], { PARLEY_SECRET: 'short' }).message).toBe(
      'PARLEY_SECRET: each secret must be at least 32 characters long (one is 5); make one with: openssl rand -base64 32',
    );
    expect(error([], { PARLEY_ALLOWED_ORIGINS: 'https://ok.example.com,https://app.example.com/path' }).message).toBe(
      "PARLEY_ALLOWED_ORIGINS: 'https://app.example.com/path' is not an origin: write only scheme://host[:port], without a path, e.g. https://app.example.com.",
    );
    expect(error(['--allowed-origins', 'app.example.com']).message).toMatch(/^--allowed-origins: 'app\.example\.com' is not an origin/);
    expect(loadSettings([], { PARLEY_ALLOWED_ORIGINS: '*, null' }).allowedOrigins).toEqual(['*', 'null']);
  });

  it('accepts port 0 (pick a free port)', () => {
    expect(loadSettings([], { PARLEY_PORT: '0' }).port).toBe(0);
  });
});

describe('CLI flags', () => {
  it('win over the environment', () => {
    const s = loadSettings(['--port', '7000', '--host=::1', '--llm-model', 'phi3', '--api-keys', 'a,b'], {
      PARLEY_PORT: '9000',
      PARLEY_HOST: '0.0.0.0',
      PARLEY_LLM_MODEL: 'qwen2.5',
      PARLEY_API_KEYS: 'z',
    });
    expect(s).toMatchObject({ port: 7000, host: '::1', llmModel: 'phi3', apiKeys: ['a', 'b'] });
  });

  it('has one flag per setting, named in the help with its environment variable', () => {
    const help = settingsHelp();
    for (const s of SETTINGS) {
      expect(help).toContain(`--${s.flag}`);
      expect(help).toContain(s.env);
      expect(s.env).toMatch(/^PARLEY_[A-Z_]+$/);
    }
    expect(new Set(SETTINGS.map((s) => s.flag)).size).toBe(SETTINGS.length);
    expect(help).toContain('default: 127.0.0.1');
    expect(help).toContain('default: 8080');
  });

  it('reads every setting from its flag', () => {
    const s = loadSettings(
      ['--llm-url', 'http://10.0.0.2:8000/v1', '--llm-api-key', 'sk-x', '--llm-timeout-ms', '100', '--instructions', 'Hi', '--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--log-level', 'warn', '--log-format', 'pretty'],
      {},
    );
    expect(s).toMatchObject({
      llmUrl: 'http://10.0.0.2:8000/v1',
      llmApiKey: 'sk-x',
      llmTimeoutMs: 100,
      instructions: 'Hi',
      tlsCert: 'c.pem',
      tlsKey: 'k.pem',
      logLevel: 'warn',
      logFormat: 'pretty',
    });
  });
});

describe('bad values get a clear error naming where they came from', () => {
  it.each([
    [{ PARLEY_PORT: 'eighty' }, [], "PARLEY_PORT must be an integer from 0 to 65535, got 'eighty'."],
    [{ PARLEY_PORT: '70000' }, [], "PARLEY_PORT must be an integer from 0 to 65535, got '70000'."],
    [{ PARLEY_PORT: '-1' }, [], "PARLEY_PORT must be an integer from 0 to 65535, got '-1'."],
    [{ PARLEY_PORT: '80.5' }, [], "PARLEY_PORT must be an integer from 0 to 65535, got '80.5'."],
    [{}, ['--port', '1e3'], "--port must be an integer from 0 to 65535, got '1e3'."],
    [{ PARLEY_LLM_TIMEOUT_MS: '0' }, [], "PARLEY_LLM_TIMEOUT_MS must be an integer from 1 to 3600000, got '0'."],
    [{ PARLEY_LOG_LEVEL: 'verbose' }, [], "PARLEY_LOG_LEVEL must be one of debug, info, warn, error, got 'verbose'."],
    [{}, ['--log-format', 'xml'], "--log-format must be one of json, pretty, got 'xml'."],
  ] as [Record<string, string>, string[], string][])('%j %j', (env, argv, message) => {
    expect(error(argv, env).message).toBe(message);
  });

  it.each(['127.0.0.1:11434/v1', 'ftp://host/v1', 'not a url', 'ws://127.0.0.1/v1'])('refuses PARLEY_LLM_URL=%s', (value) => {
    const e = error([], { PARLEY_LLM_URL: value });
    expect(e.message).toContain('PARLEY_LLM_URL must be an http(s) URL');
    expect(e.message).toContain(`got '${value}'`);
  });

  it('refuses a TLS certificate without its key, and the reverse', () => {
    expect(error([], { PARLEY_TLS_CERT: 'c.pem' }).message).toMatch(/PARLEY_TLS_CERT and PARLEY_TLS_KEY .* must be given together/);
    expect(error(['--tls-key', 'k.pem'], {}).message).toMatch(/must be given together/);
  });

  it('refuses unknown flags, flags without a value and positional arguments', () => {
    expect(error(['--prot', '80']).message).toMatch(/--prot/);
    expect(error(['--port']).message).toMatch(/--port/);
    expect(error(['serve-now']).message).toMatch(/serve-now/);
  });

  it('is a SettingsError, so the CLI can print it without a stack trace', () => {
    const e = error([], { PARLEY_PORT: 'x' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('SettingsError');
  });
});
