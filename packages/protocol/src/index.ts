/**
 * @parley/protocol — the realtime wire protocol as Parley speaks it: canonical event types,
 * runtime schemas for every client and server event of the three dialects, the dialect codecs
 * and the error registry. Used by the server and by Parley's SDK.
 */
export * from './dialect.js';
export * from './ids.js';
export * from './errors.js';
export * from './base64.js';
export * from './session-defaults.js';
export { MAX_ERROR_MESSAGE_CHARS } from './quote.js';
export { formatParamPath, schemaErrorToParley } from './validation.js';
export type * from './model/session.js';
export type * from './model/items.js';
export type * from './model/response.js';
export type * from './model/client-events.js';
export type * from './model/server-events.js';
export * from './codec/index.js';
export type { WireEventName, WireServerEventType } from './codec/event-names.js';
export * as wire from './schemas/shared.js';
export type {
  Animation,
  Avatar,
  EchoCancellation,
  FunctionTool,
  InputAudioTranscription,
  InterimResponse,
  McpTool,
  NoiseReduction,
  Prompt,
  Tool,
  ToolChoice,
  Tracing,
  Truncation,
  VoiceLiveVoiceObject,
} from './schemas/shared.js';
export * from './schemas/client-events.js';
export * from './schemas/items.js';
export * from './schemas/session.js';
export * from './schemas/response-params.js';
export * from './schemas/server-events.js';
