/**
 * The effective configuration: defaults, under the config file, under environment variables,
 * under flags. The settings table (settings.ts) names each variable and flag; those that
 * describe engines (PARLEY_LLM_URL, PARLEY_STT, …) apply to the default profile.
 *
 * The default profile's LLM, first that applies: PARLEY_LLM_URL or PARLEY_LLM_MODEL → that
 * OpenAI-compatible server; PARLEY_LLM_MODEL_PATH → that GGUF file, in-process; the config
 * file's `llm`; the built-in default model (models/default-model.ts: `<cache>/default.gguf`
 * when present, else Qwen2.5-0.5B-Instruct, downloaded on first start when missing). Other
 * profiles: their `llm`, else the built-in default model.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultModel, DEFAULT_MODEL_URL_ENV } from '../models/default-model.js';
import { defaultSettings, explicitSettings, SettingsError, type ServerSettings } from '../settings.js';
import { normalizeOriginPattern } from '../transport/origins.js';
import {
  configFile,
  type ConfigFile,
  type FileSearchSpec,
  type LlmEngineSpec,
  type LimitsSpec,
  type McpSpec,
  type ProfileSpec,
  type SttEngineSpec,
  type TtsEngineSpec,
  type VadEngineSpec,
  type WebSearchSpec,
} from './schema.js';

export const DEFAULT_CONFIG_FILE = 'parley.config.json';
export const DEFAULT_PROFILE_NAME = 'default';

export interface ResolvedProfile {
  name: string;
  instructions: string;
  voice: string;
  /** Tried in order: the first that answers serves. */
  llm: LlmEngineSpec[];
  stt: SttEngineSpec;
  vad: VadEngineSpec;
  tts: TtsEngineSpec;
  file_search: FileSearchSpec | null;
  web_search: WebSearchSpec | null;
}

export interface ParleyConfig {
  settings: ServerSettings;
  profiles: ResolvedProfile[];
  defaultProfile: string;
  /** MCP timeouts and allowed server URLs. */
  mcp: McpSpec;
  /** Per-session limits (docs/limits.md). */
  limits: LimitsSpec;
  /** The config file read, if any. */
  file: string | null;
}

/** A config file that cannot be used; the message names the file and the field. */
export class ConfigError extends SettingsError {
  override name = 'ConfigError';
}

export function readConfigFile(path: string): ConfigFile {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = configFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
      return `  ${field || '(top level)'}: ${issue.message}`;
    });
    throw new ConfigError(`${path} has ${problems.length === 1 ? 'an error' : 'errors'}:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): ParleyConfig {
  const explicit = explicitSettings(argv, env);
  const mirror = env[DEFAULT_MODEL_URL_ENV];
  if (mirror && !/^https?:\/\/[^/]/.test(mirror)) {
    throw new SettingsError(`${DEFAULT_MODEL_URL_ENV} must be an http(s) URL of the default model's file, got '${mirror}'.`);
  }
  const path = explicit.config ? resolve(cwd, explicit.config) : existsSync(resolve(cwd, DEFAULT_CONFIG_FILE)) ? resolve(cwd, DEFAULT_CONFIG_FILE) : null;
  const file = path ? readConfigFile(path) : {};
  const base: ServerSettings = { ...defaultSettings(), ...fromFile(file) };
  const settings: ServerSettings = { ...base, ...explicit, config: path };
  if ((settings.tlsCert === null) !== (settings.tlsKey === null)) {
    throw new SettingsError('A TLS certificate and key (PARLEY_TLS_CERT and PARLEY_TLS_KEY, or server.tls_cert and server.tls_key) must be given together.');
  }
  const specs: Record<string, ProfileSpec> = file.profiles && Object.keys(file.profiles).length > 0 ? file.profiles : { [DEFAULT_PROFILE_NAME]: {} };
  const names = Object.keys(specs);
  const defaultProfile = file.default_profile ?? names[0]!;
  if (!specs[defaultProfile]) {
    throw new ConfigError(`${path}: default_profile '${defaultProfile}' is not one of the profiles (${names.join(', ')}).`);
  }
  // Engine flags and variables are about the default profile; the others start from the defaults.
  const profiles = names.map((name) => (name === defaultProfile ? resolveProfile(name, specs[name]!, settings, explicit, env) : resolveProfile(name, specs[name]!, base, {}, env)));
  return { settings, profiles, defaultProfile, mcp: file.mcp ?? {}, limits: file.limits ?? {}, file: path };
}

function fromFile(file: ConfigFile): Partial<ServerSettings> {
  const s = file.server ?? {};
  const out: Partial<ServerSettings> = {};
  if (s.host !== undefined) out.host = s.host;
  if (s.port !== undefined) out.port = s.port;
  if (s.api_keys !== undefined) out.apiKeys = s.api_keys.length > 0 ? s.api_keys : null;
  if (s.secret !== undefined) out.secret = typeof s.secret === 'string' ? [s.secret] : s.secret;
  if (s.allowed_origins !== undefined) out.allowedOrigins = s.allowed_origins.length > 0 ? s.allowed_origins.map(normalizeOriginPattern) : null;
  if (s.max_sessions !== undefined) out.maxSessions = s.max_sessions;
  if (s.max_sessions_per_key !== undefined) out.maxSessionsPerKey = s.max_sessions_per_key;
  if (s.connections_per_minute !== undefined) out.connectionsPerMinute = s.connections_per_minute;
  if (s.tls_cert !== undefined) out.tlsCert = s.tls_cert;
  if (s.tls_key !== undefined) out.tlsKey = s.tls_key;
  if (s.log_level !== undefined) out.logLevel = s.log_level;
  if (s.log_format !== undefined) out.logFormat = s.log_format;
  if (s.shutdown_grace_ms !== undefined) out.shutdownGraceMs = s.shutdown_grace_ms;
  return out;
}

/** A profile with every engine named: the file's choice, else the settings' (flags and variables win for the default profile). */
function resolveProfile(name: string, spec: ProfileSpec, settings: ServerSettings, explicit: Partial<ServerSettings>, env: NodeJS.ProcessEnv): ResolvedProfile {
  const settingsLlm: LlmEngineSpec = {
    engine: 'openai-compatible',
    url: settings.llmUrl,
    model: settings.llmModel,
    ...(settings.llmApiKey ? { api_key: settings.llmApiKey } : {}),
    timeout_ms: settings.llmTimeoutMs,
  };
  const fileLlm = spec.llm === undefined ? undefined : Array.isArray(spec.llm) ? spec.llm : [spec.llm];
  // A URL or model given by flag or variable means that server, whatever the file says; a model
  // file given so means that file; then the file's choice; then the built-in default model.
  const llm =
    explicit.llmUrl !== undefined || explicit.llmModel !== undefined
      ? [settingsLlm]
      : explicit.llmModelPath
        ? [{ engine: 'llama-cpp' as const, model_path: explicit.llmModelPath }]
        : fileLlm
          ? fileLlm.map((e) => withExplicitLlm(e, explicit))
          : [localModel(settings, env)];
  return {
    name,
    instructions: explicit.instructions ?? spec.instructions ?? settings.instructions,
    voice: explicit.voice ?? spec.voice ?? settings.voice,
    llm,
    stt: explicit.stt !== undefined ? { engine: explicit.stt } : (spec.stt ?? { engine: settings.stt }),
    vad: explicit.vad !== undefined ? { engine: explicit.vad } : (spec.vad ?? { engine: settings.vad }),
    tts: explicit.tts !== undefined ? { engine: explicit.tts } : (spec.tts ?? { engine: settings.tts }),
    file_search: explicit.fileSearchFolder ? { ...spec.file_search, folder: explicit.fileSearchFolder } : (spec.file_search ?? null),
    web_search: explicit.webSearchUrl ? { ...spec.web_search, engine: 'searxng', url: explicit.webSearchUrl } : (spec.web_search ?? null),
  };
}

/** The local model: PARLEY_LLM_MODEL_PATH, else the built-in default model (with how to download it). */
function localModel(settings: ServerSettings, env: NodeJS.ProcessEnv): LlmEngineSpec {
  if (settings.llmModelPath) return { engine: 'llama-cpp', model_path: settings.llmModelPath };
  const model = defaultModel(env);
  return { engine: 'llama-cpp', model_path: model.path, ...(model.download ? { download: model.download } : {}) };
}

/** PARLEY_LLM_API_KEY and PARLEY_LLM_TIMEOUT_MS still apply to an OpenAI-compatible engine from the file. */
function withExplicitLlm(engine: LlmEngineSpec, explicit: Partial<ServerSettings>): LlmEngineSpec {
  if (engine.engine !== 'openai-compatible') return engine;
  return {
    ...engine,
    ...(explicit.llmApiKey ? { api_key: explicit.llmApiKey } : {}),
    ...(explicit.llmTimeoutMs !== undefined ? { timeout_ms: explicit.llmTimeoutMs } : {}),
  };
}
