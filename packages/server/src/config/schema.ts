/**
 * The config file (`parley.config.json`): the server's settings and the model profiles clients
 * choose with `?model=`. Every field is snake_case, as on the wire; unknown fields are errors,
 * so a typo is caught at start-up rather than silently ignored.
 */
import { z } from 'zod';
import { MIN_SERVER_SECRET_LENGTH } from '../transport/client-secrets.js';
import { normalizeOriginPattern } from '../transport/origins.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:11434/v1' });
const ms = z.number().int().min(1).max(3_600_000);

export const llmEngineSpec = z.discriminatedUnion('engine', [
  z.strictObject({
    engine: z.literal('openai-compatible'),
    url: httpUrl,
    model: z.string().min(1),
    api_key: z.string().optional(),
    timeout_ms: ms.optional(),
  }),
  z.strictObject({
    engine: z.literal('llama-cpp'),
    /** A GGUF file. */
    model_path: z.string().min(1),
    /** Downloaded to `model_path` when missing (and the machine is online). */
    download: z.strictObject({ url: httpUrl, sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits') }).optional(),
    threads: z.number().int().min(1).max(256).optional(),
    context_size: z.number().int().min(256).optional(),
  }),
]);

export const sttEngineSpec = z.discriminatedUnion('engine', [
  z.strictObject({ engine: z.literal('pocketsphinx'), model_dir: z.string().optional() }),
  z.strictObject({ engine: z.literal('openai-transcriptions'), url: httpUrl, model: z.string().min(1), api_key: z.string().optional(), timeout_ms: ms.optional() }),
  z.strictObject({ engine: z.literal('whisper-cpp'), model_path: z.string().min(1) }),
  z.strictObject({ engine: z.literal('none') }),
]);

export const vadEngineSpec = z.discriminatedUnion('engine', [
  z.strictObject({ engine: z.literal('silero'), model_path: z.string().optional() }),
  z.strictObject({ engine: z.literal('none') }),
]);

export const ttsEngineSpec = z.discriminatedUnion('engine', [
  z.strictObject({ engine: z.literal('flite'), voice_map: z.record(z.string(), z.string()).optional() }),
  z.strictObject({
    engine: z.literal('openai-speech'),
    url: httpUrl,
    model: z.string().min(1),
    api_key: z.string().optional(),
    voices: z.array(z.string()).optional(),
    sample_rate: z.number().int().optional(),
    timeout_ms: ms.optional(),
  }),
  z.strictObject({ engine: z.literal('none') }),
]);

/** `file_search`: the profile's documents, searched by the LLM. */
export const fileSearchSpec = z.strictObject({
  /** A folder of .txt, .md, .rst, .csv, .json or .yaml files (subfolders included), relative to the working directory. */
  folder: z.string().min(1),
  max_num_results: z.number().int().min(1).max(50).optional(),
});

/** `web_search`: a search provider the LLM asks. */
export const webSearchSpec = z.strictObject({
  engine: z.literal('searxng'),
  url: httpUrl,
  api_key: z.string().optional(),
  language: z.string().optional(),
  max_num_results: z.number().int().min(1).max(50).optional(),
  timeout_ms: ms.optional(),
});

export const profileSpec = z.strictObject({
  instructions: z.string().optional(),
  voice: z.string().min(1).optional(),
  /** One engine, or a list tried in order: when one fails before answering, the next takes over. */
  llm: z.union([llmEngineSpec, z.array(llmEngineSpec).min(1)]).optional(),
  stt: sttEngineSpec.optional(),
  vad: vadEngineSpec.optional(),
  tts: ttsEngineSpec.optional(),
  file_search: fileSearchSpec.optional(),
  web_search: webSearchSpec.optional(),
});

/** The MCP servers that sessions' `mcp` tools name. */
export const mcpSpec = z.strictObject({
  /** Connecting, the handshake and listing tools, each. */
  connect_timeout_ms: ms.optional(),
  /** One tool call. */
  call_timeout_ms: ms.optional(),
  /**
   * URL prefixes a session's `server_url` must start with, e.g. "https://mcp.example.com/".
   * Not given: any URL. A server that clients can reach with a key should list its MCP servers.
   */
  allowed_urls: z.array(httpUrl).optional(),
});

const serverSecret = z.string().min(MIN_SERVER_SECRET_LENGTH, {
  error: `must be at least ${MIN_SERVER_SECRET_LENGTH} characters long; make one with: openssl rand -base64 32`,
});
const originPattern = z.string().superRefine((value, ctx) => {
  try {
    normalizeOriginPattern(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
  }
});
/** A count limit: 0 is no limit. */
const limit = z.number().int().min(0).max(10_000_000);

/** What each session may hold and how long it may last (docs/limits.md). */
export const limitsSpec = z.strictObject({
  max_session_ms: z.number().int().min(1_000).max(24 * 3_600_000).optional(),
  idle_ms: z.number().int().min(1_000).max(24 * 3_600_000).optional(),
  max_input_buffer_ms: z.number().int().min(1_000).max(3_600_000).optional(),
  max_conversation_items: z.number().int().min(1).max(1_000_000).optional(),
  max_context_tokens: z.number().int().min(256).max(10_000_000).optional(),
  /** The largest WebSocket frame a client may send; larger ones close the socket with 1009. */
  max_frame_bytes: z.number().int().min(64 * 1024).max(256 * 1024 * 1024).optional(),
  /** Outbound buffer above which best-effort events are dropped. */
  outbound_soft_bytes: z.number().int().min(64 * 1024).optional(),
  /** Outbound buffer above which the session is closed with 1008. */
  outbound_hard_bytes: z.number().int().min(64 * 1024).optional(),
});

export const configFile = z.strictObject({
  $schema: z.string().optional(),
  server: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65535).optional(),
      api_keys: z.array(z.string().min(1)).optional(),
      /** Signs client secrets; a list: the first signs, all verify (rotation). */
      secret: z.union([serverSecret, z.array(serverSecret).min(1)]).optional(),
      /** Browser origins allowed to connect and mint client secrets. */
      allowed_origins: z.array(originPattern).optional(),
      max_sessions: limit.optional(),
      max_sessions_per_key: limit.optional(),
      connections_per_minute: limit.optional(),
      tls_cert: z.string().optional(),
      tls_key: z.string().optional(),
      log_level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
      log_format: z.enum(['json', 'pretty']).optional(),
      /** PARLEY_SHUTDOWN_GRACE_MS. */
      shutdown_grace_ms: z.number().int().min(0).max(3_600_000).optional(),
    })
    .optional(),
  mcp: mcpSpec.optional(),
  limits: limitsSpec.optional(),
  /** The profile for a `?model=` that names none; the first profile when not given. */
  default_profile: z.string().optional(),
  profiles: z.record(z.string().regex(/^[\w.:-]{1,64}$/, 'profile names are 1–64 letters, digits, _ . : or -'), profileSpec).optional(),
});

export type LlmEngineSpec = z.infer<typeof llmEngineSpec>;
export type SttEngineSpec = z.infer<typeof sttEngineSpec>;
export type VadEngineSpec = z.infer<typeof vadEngineSpec>;
export type TtsEngineSpec = z.infer<typeof ttsEngineSpec>;
export type ProfileSpec = z.infer<typeof profileSpec>;
export type FileSearchSpec = z.infer<typeof fileSearchSpec>;
export type WebSearchSpec = z.infer<typeof webSearchSpec>;
export type McpSpec = z.infer<typeof mcpSpec>;
export type LimitsSpec = z.infer<typeof limitsSpec>;
export type ConfigFile = z.infer<typeof configFile>;
