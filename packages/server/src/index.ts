/** @parley/server — the Parley realtime voice-agent server, as a library. */
export { startServer, type ParleyServer, type ParleyServerOptions } from './server.js';
export { startFromSettings, profilesFromSettings, DEFAULT_PROFILE_NAME } from './app.js';
export { loadSettings, SETTINGS, SettingsError, type ServerSettings } from './settings.js';
export { ProfileRegistry, type ModelProfile } from './profiles.js';
export { Session, type SessionOptions } from './session/session.js';
export { createLogger, silentLogger, type Logger } from './logger.js';
export type * from './engines/llm/index.js';
export { OpenAiCompatibleLlm, type OpenAiCompatibleOptions } from './engines/llm/openai-compatible.js';
