/** Builds a running server from the configuration: the profiles and their engines, TLS files. */
import { readFileSync } from 'node:fs';
import { buildEngines } from './config/build.js';
import type { ParleyConfig } from './config/load.js';
import type { Logger } from './logger.js';
import { startServer, type ParleyServer } from './server.js';

export async function startFromConfig(config: ParleyConfig, logger: Logger): Promise<ParleyServer> {
  const { settings } = config;
  if (config.file) logger.info(`config file ${config.file}`);
  const started = performance.now();
  const engines = await buildEngines(config, logger);
  const tls = settings.tlsCert && settings.tlsKey ? { cert: readFileSync(settings.tlsCert), key: readFileSync(settings.tlsKey) } : null;
  const mcp = { connectTimeoutMs: config.mcp.connect_timeout_ms, callTimeoutMs: config.mcp.call_timeout_ms, allowedUrls: config.mcp.allowed_urls };
  const server = await startServer({ host: settings.host, port: settings.port, profiles: engines.registry, apiKeys: settings.apiKeys, tls, logger, mcp });
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
    close: async () => {
      await server.close();
      await engines.close();
    },
  };
}
