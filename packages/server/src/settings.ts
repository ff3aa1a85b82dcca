/**
 * Server settings: one table defines each setting's environment variable, CLI flag, default
 * and meaning. The CLI's help, the parser and the README all follow it; flags win over the
 * environment, the environment over the defaults.
 */
import { parseArgs } from 'node:util';
import type { LogLevel } from './logger.js';
import { MIN_SERVER_SECRET_LENGTH } from './transport/client-secrets.js';
import { normalizeOriginPattern } from './transport/origins.js';

export interface ServerSettings {
  host: string;
  port: number;
  llmUrl: string;
  llmModel: string;
  llmApiKey: string | null;
  llmTimeoutMs: number;
  llmModelPath: string | null;
  apiKeys: string[] | null;
  /** Signs client secrets; the first signs, every one verifies. */
  secret: string[] | null;
  /** Browser origins allowed; null: every origin. */
  allowedOrigins: string[] | null;
  /** Concurrent sessions on this server (0: no limit). */
  maxSessions: number;
  /** Concurrent sessions per API key (0: no limit). */
  maxSessionsPerKey: number;
  /** New connections per minute per API key (0: no limit). */
  connectionsPerMinute: number;
  instructions: string;
  tlsCert: string | null;
  tlsKey: string | null;
  vad: 'silero' | 'none';
  stt: 'pocketsphinx' | 'none';
  tts: 'flite' | 'none';
  voice: string;
  /** A folder of documents for the default profile's `file_search` tool. */
  fileSearchFolder: string | null;
  /** A SearXNG instance for the default profile's `web_search` tool. */
  webSearchUrl: string | null;
  logLevel: LogLevel;
  logFormat: 'json' | 'pretty' | null;
  /** The config file, if any. */
  config: string | null;
  /** How long SIGTERM waits for running responses before closing their sessions. */
  shutdownGraceMs: number;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

type Parse<T> = (raw: string, source: string) => T;

interface SettingSpec<K extends keyof ServerSettings> {
  key: K;
  env: string;
  flag: string;
  default: ServerSettings[K];
  /** Shown in `--help` and the README. */
  description: string;
  parse: Parse<ServerSettings[K]>;
}

const text: Parse<string> = (raw) => raw;
const optionalText: Parse<string | null> = (raw) => raw.trim() || null;

function integer(min: number, max: number): Parse<number> {
  return (raw, source) => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      throw new SettingsError(`${source} must be an integer from ${min} to ${max}, got '${raw}'.`);
    }
    return value;
  };
}

function oneOf<T extends string>(values: readonly T[]): Parse<T> {
  return (raw, source) => {
    if (!values.includes(raw as T)) throw new SettingsError(`${source} must be one of ${values.join(', ')}, got '${raw}'.`);
    return raw as T;
  };
}

const url: Parse<string> = (raw, source) => {
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new SettingsError(`${source} must be an http(s) URL such as http://127.0.0.1:11434/v1, got '${raw}'.`);
  }
  return raw;
};

const keyList: Parse<string[] | null> = (raw) => {
  const keys = raw
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return keys.length > 0 ? keys : null;
};

/** Server secrets, comma-separated: each long enough not to be guessed. */
export const secretList: Parse<string[] | null> = (raw, source) => {
  const secrets = keyList(raw, source);
  for (const secret of secrets ?? []) {
    if (secret.length < MIN_SERVER_SECRET_LENGTH) {
      throw new SettingsError(
        `${source}: each secret must be at least ${MIN_SERVER_SECRET_LENGTH} characters long (one is ${secret.length}); make one with: openssl rand -base64 32`,
      );
    }
  }
  return secrets;
};

/** Origins, comma-separated, each checked and written in its normal form. */
export const originList: Parse<string[] | null> = (raw, source) => {
  const entries = keyList(raw, source);
  try {
    return entries ? entries.map(normalizeOriginPattern) : null;
  } catch (err) {
    throw new SettingsError(`${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
};

export const DEFAULT_INSTRUCTIONS =
  'You are a helpful voice assistant. Answer in short, natural spoken sentences, without markdown or lists.';

function spec<K extends keyof ServerSettings>(s: SettingSpec<K>): SettingSpec<K> {
  return s;
}

export const SETTINGS = [
  spec({ key: 'host', env: 'PARLEY_HOST', flag: 'host', default: '127.0.0.1', description: 'Address to listen on.', parse: text }),
  spec({ key: 'port', env: 'PARLEY_PORT', flag: 'port', default: 8080, description: 'Port to listen on (0 picks a free one).', parse: integer(0, 65535) }),
  spec({
    key: 'llmUrl',
    env: 'PARLEY_LLM_URL',
    flag: 'llm-url',
    default: 'http://127.0.0.1:11434/v1',
    description: 'Base URL of an OpenAI-compatible chat-completions server (Ollama, vLLM, llama.cpp server, LocalAI, OpenAI). When set, the default profile uses it; when not, a local GGUF model. The default shown is what PARLEY_LLM_MODEL alone points at (Ollama).',
    parse: url,
  }),
  spec({ key: 'llmModel', env: 'PARLEY_LLM_MODEL', flag: 'llm-model', default: 'llama3.2', description: 'Model name sent to that server.', parse: text }),
  spec({
    key: 'llmApiKey',
    env: 'PARLEY_LLM_API_KEY',
    flag: 'llm-api-key',
    default: null,
    description: 'API key for that server, sent as a Bearer token (none by default).',
    parse: optionalText,
  }),
  spec({
    key: 'llmTimeoutMs',
    env: 'PARLEY_LLM_TIMEOUT_MS',
    flag: 'llm-timeout-ms',
    default: 30_000,
    description: 'How long to wait for the LLM server to answer, and the longest silence allowed mid-stream, in ms.',
    parse: integer(1, 3_600_000),
  }),
  spec({
    key: 'llmModelPath',
    env: 'PARLEY_LLM_MODEL_PATH',
    flag: 'llm-model-path',
    default: null,
    description: 'A GGUF model file to run in-process (llama.cpp), used when PARLEY_LLM_URL is not set. Default: the cache\'s default.gguf if present, else the built-in Qwen2.5-0.5B-Instruct model, downloaded on first start (docs/llm.md).',
    parse: optionalText,
  }),
  spec({
    key: 'apiKeys',
    env: 'PARLEY_API_KEYS',
    flag: 'api-keys',
    default: null,
    description: 'Comma-separated API keys accepted from clients. Unset: every key is accepted (start-up says so).',
    parse: keyList,
  }),
  spec({
    key: 'secret',
    env: 'PARLEY_SECRET',
    flag: 'secret',
    default: null,
    description:
      'Secret (32+ characters) that signs and encrypts client secrets (ek_ keys); the same on every instance. Comma-separated: the first signs, all verify (rotation). Unset: a random one, so keys die with the process (start-up says so). Prefer the variable or the config file to the flag.',
    parse: secretList,
  }),
  spec({
    key: 'allowedOrigins',
    env: 'PARLEY_ALLOWED_ORIGINS',
    flag: 'allowed-origins',
    default: null,
    description:
      'Comma-separated browser origins (https://app.example.com, https://*.example.com, null, *) allowed to connect and mint client secrets; others get 403. Pages this server serves are always allowed. Unset: every origin.',
    parse: originList,
  }),
  spec({
    key: 'maxSessions',
    env: 'PARLEY_MAX_SESSIONS',
    flag: 'max-sessions',
    default: 1000,
    description: 'Concurrent sessions on this server; more get 429 (0: no limit).',
    parse: integer(0, 10_000_000),
  }),
  spec({
    key: 'maxSessionsPerKey',
    env: 'PARLEY_MAX_SESSIONS_PER_KEY',
    flag: 'max-sessions-per-key',
    default: 100,
    description: 'Concurrent sessions per API key, counting those of the client secrets it minted (per client address without a key); more get 429 (0: no limit).',
    parse: integer(0, 10_000_000),
  }),
  spec({
    key: 'connectionsPerMinute',
    env: 'PARLEY_CONNECTIONS_PER_MINUTE',
    flag: 'connections-per-minute',
    default: 600,
    description: 'New connections per minute per API key (per client address without a key), as a token bucket allowing a burst of that many; more get 429 with Retry-After (0: no limit).',
    parse: integer(0, 10_000_000),
  }),
  spec({
    key: 'instructions',
    env: 'PARLEY_INSTRUCTIONS',
    flag: 'instructions',
    default: DEFAULT_INSTRUCTIONS,
    description: 'Instructions every session starts with, until a client sends its own.',
    parse: text,
  }),
  spec({ key: 'tlsCert', env: 'PARLEY_TLS_CERT', flag: 'tls-cert', default: null, description: 'PEM certificate file: serve wss:// instead of ws://.', parse: optionalText }),
  spec({ key: 'tlsKey', env: 'PARLEY_TLS_KEY', flag: 'tls-key', default: null, description: 'PEM private key file for --tls-cert.', parse: optionalText }),
  spec({
    key: 'vad',
    env: 'PARLEY_VAD',
    flag: 'vad',
    default: 'silero',
    description: 'Voice activity detection for turn-taking: silero (Silero v5 on onnxruntime) or none (clients commit audio themselves).',
    parse: oneOf(['silero', 'none'] as const),
  }),
  spec({
    key: 'stt',
    env: 'PARLEY_STT',
    flag: 'stt',
    default: 'pocketsphinx',
    description: 'Speech recognition: pocketsphinx (Debian pocketsphinx + pocketsphinx-en-us, offline) or none.',
    parse: oneOf(['pocketsphinx', 'none'] as const),
  }),
  spec({
    key: 'tts',
    env: 'PARLEY_TTS',
    flag: 'tts',
    default: 'flite',
    description: 'Speech synthesis: flite (offline, WebAssembly from npm) or none (audio responses are given as text).',
    parse: oneOf(['flite', 'none'] as const),
  }),
  spec({
    key: 'voice',
    env: 'PARLEY_VOICE',
    flag: 'voice',
    default: 'alloy',
    description: 'The voice sessions start with: an OpenAI voice name (mapped onto a Flite voice) or a Flite voice (slt, rms, awb, kal16, kal).',
    parse: text,
  }),
  spec({
    key: 'fileSearchFolder',
    env: 'PARLEY_FILE_SEARCH_FOLDER',
    flag: 'file-search-folder',
    default: null,
    description: 'A folder of text and Markdown documents: the LLM gets a file_search tool over them and cites what it uses (docs/tools.md).',
    parse: optionalText,
  }),
  spec({
    key: 'webSearchUrl',
    env: 'PARLEY_WEB_SEARCH_URL',
    flag: 'web-search-url',
    default: null,
    description: 'Base URL of a SearXNG instance with its JSON format enabled: the LLM gets a web_search tool (docs/tools.md).',
    parse: (raw, source) => (raw.trim() ? url(raw.trim(), source) : null),
  }),
  spec({
    key: 'logLevel',
    env: 'PARLEY_LOG_LEVEL',
    flag: 'log-level',
    default: 'info',
    description: 'debug, info, warn or error.',
    parse: oneOf(['debug', 'info', 'warn', 'error'] as const),
  }),
  spec({
    key: 'logFormat',
    env: 'PARLEY_LOG_FORMAT',
    flag: 'log-format',
    default: null,
    description: 'json (one object per line) or pretty. Default: pretty on a terminal, json otherwise.',
    parse: oneOf(['json', 'pretty'] as const),
  }),
  spec({
    key: 'shutdownGraceMs',
    env: 'PARLEY_SHUTDOWN_GRACE_MS',
    flag: 'shutdown-grace-ms',
    default: 25_000,
    description:
      'On SIGTERM (or Ctrl-C), how long to let running responses finish before closing their sessions with 1001, in ms. New sessions are refused (503) meanwhile; a second signal stops at once. The default fits a 30 s orchestrator grace period.',
    parse: integer(0, 3_600_000),
  }),
  spec({
    key: 'config',
    env: 'PARLEY_CONFIG',
    flag: 'config',
    default: null,
    description: 'A config file (JSON) with the server settings and model profiles; the flags and variables here win over it. Default: ./parley.config.json when present.',
    parse: optionalText,
  }),
] as const;

/** Reads the settings from flags (`argv`, without the command) over the environment over the defaults. */
export function loadSettings(argv: readonly string[], env: NodeJS.ProcessEnv): ServerSettings {
  const settings = { ...defaultSettings(), ...explicitSettings(argv, env) };
  if ((settings.tlsCert === null) !== (settings.tlsKey === null)) {
    throw new SettingsError('PARLEY_TLS_CERT and PARLEY_TLS_KEY (--tls-cert, --tls-key) must be given together.');
  }
  return settings;
}

export function defaultSettings(): ServerSettings {
  return Object.fromEntries(SETTINGS.map((s) => [s.key, s.default])) as unknown as ServerSettings;
}

/** Only the settings a flag or an environment variable gives: what wins over the config file. */
export function explicitSettings(argv: readonly string[], env: NodeJS.ProcessEnv): Partial<ServerSettings> {
  const options = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const unknown = (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']+)'/.exec(message)?.[1] : undefined;
    throw new SettingsError(unknown ? `Unknown option '${unknown}'. Run "parley serve --help" for the options.` : message);
  }
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const fromFlag = values[s.flag];
    const fromEnv = env[s.env];
    if (typeof fromFlag === 'string') out[s.key] = s.parse(fromFlag, `--${s.flag}`);
    else if (fromEnv !== undefined && fromEnv !== '') out[s.key] = s.parse(fromEnv, s.env);
  }
  return out as Partial<ServerSettings>;
}

export function settingsHelp(): string {
  return SETTINGS.map((s) => {
    const def = s.default === null ? '' : ` (default: ${s.key === 'instructions' ? 'a short voice-assistant prompt' : String(s.default)})`;
    return `  --${s.flag.padEnd(16)} ${s.env.padEnd(22)} ${s.description}${def}`;
  }).join('\n');
}
