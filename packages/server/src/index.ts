/** @parley/server — the Parley realtime voice-agent server, as a library. */
export { startServer, type ParleyServer, type ParleyServerOptions } from './server.js';
export { ClientSecrets, keyOwner, looksLikeClientSecret, MIN_SERVER_SECRET_LENGTH, type ClientSecretClaims, type CarriedSession, type VerifyResult } from './transport/client-secrets.js';
export { Admission, DEFAULT_ADMISSION_LIMITS, type AdmissionLimits } from './transport/admission.js';
export { OriginPolicy, normalizeOriginPattern } from './transport/origins.js';
export { startFromConfig } from './app.js';
export { loadConfig, readConfigFile, ConfigError, DEFAULT_PROFILE_NAME, type ParleyConfig, type ResolvedProfile } from './config/load.js';
export { buildEngines } from './config/build.js';
export type { WarmupReporter, WarmupTask } from './config/warmup.js';
export type * from './config/schema.js';
export { FallbackLlm } from './engines/llm/fallback.js';
export { loadSettings, SETTINGS, SettingsError, type ServerSettings } from './settings.js';
export { ProfileRegistry, type ModelProfile } from './profiles.js';
export { Session, type SessionOptions } from './session/session.js';
export { DEFAULT_MCP_CALL_TIMEOUT_MS, DEFAULT_MCP_CONNECT_TIMEOUT_MS, type McpSettings } from './tools/mcp-registry.js';
export { createLogger, silentLogger, type Logger } from './logger.js';
export { ServerMetrics, type ServerMetricsOptions } from './metrics/server-metrics.js';
export type { SessionMetrics, SessionLabels } from './metrics/session-metrics.js';
export { Readiness, type NotReady } from './http/readiness.js';
export type * from './engines/llm/index.js';
export { OpenAiCompatibleLlm, type OpenAiCompatibleOptions } from './engines/llm/openai-compatible.js';
export { LlamaCppLlm, llamaThreads, type LlamaCppOptions, type LlamaCppGpu } from './engines/llm/llama-cpp.js';
export {
  ensureModel,
  downloadFile,
  defaultModelDir,
  manualDownloadHint,
  ModelDownloadError,
  type EnsureModelOptions,
  type EnsureModelStatus,
  type DownloadOptions,
  type DownloadProgress,
  type DownloadResult,
  type ModelDownloadErrorKind,
} from './models/download.js';
export { createProgressBar, renderProgressLine, type ProgressBar, type ProgressBarOptions } from './models/progress-bar.js';
export * from './audio/pcm.js';
export * from './audio/g711.js';
export * from './audio/wav.js';
export * from './audio/framer.js';
export * from './audio/input-format.js';
export * from './audio/resampler.js';
export * from './audio/denoiser.js';
export type * from './engines/vad/index.js';
export { VadModelError } from './engines/vad/index.js';
export * from './engines/vad/silero.js';
export type * from './engines/stt/index.js';
export { StableText, supportsLanguage, transcribe } from './engines/stt/index.js';
export {
  PocketsphinxStt,
  DEFAULT_POCKETSPHINX_MODEL_DIR,
  POCKETSPHINX_APT_PACKAGES,
  type PocketsphinxOptions,
  type PocketsphinxStats,
} from './engines/stt/pocketsphinx.js';
export {
  OpenAiTranscriptionsStt,
  audioTranscriptionsUrl,
  transcriptionLanguage,
  type OpenAiTranscriptionsOptions,
} from './engines/stt/openai-transcriptions.js';
export {
  WhisperCppStt,
  WHISPER_CPP_PACKAGE,
  WHISPER_SAMPLE_RATE,
  checkWhisperModel,
  type WhisperCppOptions,
  type WhisperCppVariant,
} from './engines/stt/whisper-cpp.js';
export type * from './engines/tts/index.js';
export {
  FliteTts,
  FLITE_VOICES,
  FLITE_VOICE_INFO,
  FLITE_SAMPLE_RATE,
  parseWav,
  OPENAI_VOICE_MAP,
  type FliteOptions,
  type FliteTiming,
  type FliteVoice,
} from './engines/tts/flite.js';
export { OpenAiSpeechTts, type OpenAiSpeechOptions } from './engines/tts/openai-speech.js';
export { prepareFlite, type FliteRun, type FliteRunResult, type PreparedFlite } from './engines/tts/flite-wasi.js';
export { Hearing, HEARING_RATE, type HearingConfig, type HearingEngines, type HearingSink, type SpeechStarted, type SpeechStopped } from './hearing/hearing.js';
