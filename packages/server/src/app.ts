/** Builds a running server from settings: the default profile, its engines, TLS files. */
import { readFileSync } from 'node:fs';
import { OpenAiCompatibleLlm } from './engines/llm/openai-compatible.js';
import type { Logger } from './logger.js';
import { ProfileRegistry } from './profiles.js';
import { startServer, type ParleyServer } from './server.js';
import type { ServerSettings } from './settings.js';

export const DEFAULT_PROFILE_NAME = 'default';

export function profilesFromSettings(settings: ServerSettings): ProfileRegistry {
  const llm = new OpenAiCompatibleLlm({
    baseUrl: settings.llmUrl,
    model: settings.llmModel,
    apiKey: settings.llmApiKey ?? undefined,
    connectTimeoutMs: settings.llmTimeoutMs,
    idleTimeoutMs: settings.llmTimeoutMs,
  });
  return new ProfileRegistry([{ name: DEFAULT_PROFILE_NAME, llm, instructions: settings.instructions, voice: 'alloy' }]);
}

export async function startFromSettings(settings: ServerSettings, logger: Logger): Promise<ParleyServer> {
  const profiles = profilesFromSettings(settings);
  const tls = settings.tlsCert && settings.tlsKey ? { cert: readFileSync(settings.tlsCert), key: readFileSync(settings.tlsKey) } : null;
  const server = await startServer({ host: settings.host, port: settings.port, profiles, apiKeys: settings.apiKeys, tls, logger });
  logger.info(`Parley is listening on ${server.wsUrl}`, {
    ga: `${server.wsUrl}/v1/realtime`,
    voice_live: `${server.wsUrl}/voice-live/realtime`,
  });
  for (const profile of profiles.list()) logger.info(`model profile '${profile.name}'`, { llm: profile.llm.label });
  if (server.auth.open) logger.warn('PARLEY_API_KEYS is not set: every API key is accepted. Set it before exposing this server.');
  return server;
}
