/** Builds a running server from the configuration: the profiles and their engines, TLS files. */
import { readFileSync } from 'node:fs';
import { buildEngines } from './config/build.js';
import type { ParleyConfig } from './config/load.js';
import type { Logger } from './logger.js';
import type { WarmupReporter } from './config/warmup.js';
import { startServer, type ParleyServer, type ParleyServerOptions } from './server.js';
import type { LimitsSpec } from './config/schema.js';
import type { SessionLimits } from './session/limits.js';
import { DEFAULT_OUTBOUND_LIMITS } from './transport/outbound.js';

/** The config file's `limits`, as server options (absent fields keep the defaults). */
function limitsOptions(l: LimitsSpec): Pick<ParleyServerOptions, 'limits' | 'outbound' | 'maxFrameBytes'> {
  const limits: Partial<SessionLimits> = {};
  if (l.max_session_ms !== undefined) limits.maxSessionMs = l.max_session_ms;
  if (l.idle_ms !== undefined) limits.idleMs = l.idle_ms;
  if (l.max_input_buffer_ms !== undefined) limits.maxInputBufferMs = l.max_input_buffer_ms;
  if (l.max_conversation_items !== undefined) limits.maxConversationItems = l.max_conversation_items;
  if (l.max_context_tokens !== undefined) limits.maxContextTokens = l.max_context_tokens;
  const outbound = {
    softBytes: l.outbound_soft_bytes ?? DEFAULT_OUTBOUND_LIMITS.softBytes,
    hardBytes: l.outbound_hard_bytes ?? DEFAULT_OUTBOUND_LIMITS.hardBytes,
  };
  return { limits, outbound, maxFrameBytes: l.max_frame_bytes };
}

/** `warmup` follows the engines as they load (the CLI's progress display). */
export async function startFromConfig(config: ParleyConfig, logger: Logger, warmup?: WarmupReporter): Promise<ParleyServer> {
  const { settings } = config;
  if (config.file) logger.info(`config file ${config.file}`);
  const started = performance.now();
  const engines = await buildEngines(config, logger, warmup);
  const tls = settings.tlsCert && settings.tlsKey ? { cert: readFileSync(settings.tlsCert), key: readFileSync(settings.tlsKey) } : null;
  const mcp = { connectTimeoutMs: config.mcp.connect_timeout_ms, callTimeoutMs: config.mcp.call_timeout_ms, allowedUrls: config.mcp.allowed_urls };
  const server = await startServer({
    host: settings.host,
    port: settings.port,
    profiles: engines.registry,
    apiKeys: settings.apiKeys,
    secret: settings.secret,
    allowedOrigins: settings.allowedOrigins,
    admission: { maxSessions: settings.maxSessions, maxSessionsPerKey: settings.maxSessionsPerKey, connectionsPerMinute: settings.connectionsPerMinute },
    tls,
    logger,
    mcp,
    ...limitsOptions(config.limits),
  });
  logger.info(`Parley is listening on ${server.wsUrl}`, {
    ga: `${server.wsUrl}/v1/realtime`,
    voice_live: `${server.wsUrl}/voice-live/realtime`,
    engines_ready_ms: Math.round(performance.now() - started),
  });
  for (const profile of engines.registry.list()) {
    logger.info(`model profile '${profile.name}'${profile === engines.registry.defaultProfile ? ' (default)' : ''}`, {
      llm: profile.llm.label,
      vad: profile.hearing?.vad?.label ?? 'none',
      stt: profile.hearing?.stt?.label ?? 'none',
      tts: profile.tts?.label ?? 'none',
      voice: profile.voice,
      ...(profile.search ? { search: profile.search.kinds.join(', ') } : {}),
    });
  }
  if (server.auth.open) logger.warn('PARLEY_API_KEYS is not set: every API key is accepted. Set it before exposing this server.');
  return {
    ...server,
    // A spread copies a getter's value once: this one must stay live.
    get connections() {
      return server.connections;
    },
    close: async () => {
      await server.close();
      await engines.close();
    },
    drain: async (graceMs) => {
      await server.drain(graceMs);
      await engines.close();
    },
  };
}
