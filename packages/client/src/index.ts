/**
 * @parley/client — a typed realtime client for Parley, the OpenAI Realtime API (GA and beta)
 * and Azure Voice Live, for Node and browsers: canonical (GA) event names and shapes in every
 * dialect, send helpers, reconnect with backoff, audio helpers, and an in-memory server for
 * testing offline.
 */
export { RealtimeClient, type RealtimeClientOptions, type WaitForOptions } from './realtime-client.js';
export type { InputAudio } from './audio/input-audio.js';
export type { RealtimeClientEvents, RealtimeClientEventName, ServerEventListeners, ClientOwnEvents } from './client-events.js';
export type { ConnectionState, ConnectionStatus } from './connection-state.js';
export { DEFAULT_RECONNECT_POLICY, reconnectDelayMs, type ReconnectPolicy } from './backoff.js';
export { isAbnormalClose } from './close-codes.js';
export type { Auth } from './auth.js';
export {
  azureOpenAiEndpoint,
  dialectOfPath,
  openAiEndpoint,
  parleyEndpoint,
  voiceLiveEndpoint,
  AZURE_BETA_API_VERSION,
  VOICE_LIVE_API_VERSION,
  type Endpoint,
} from './endpoints.js';
export { buildSocketRequest } from './socket-request.js';
export {
  defaultSocketFactory,
  webSocketFactory,
  type RealtimeSocket,
  type SocketFactory,
  type SocketHandlers,
  type SocketRequest,
} from './socket.js';
export { mergeSessionPatch } from './session-config.js';
export { TypedEmitter, type EventMap, type Listener } from './typed-emitter.js';
export { bytesToBase64, base64ToBytes } from './audio/base64.js';
export { float32ToPcm16, int16ToPcm16, pcm16DurationMs, pcm16ToFloat32, pcm16ToInt16, PCM16_BYTES } from './audio/pcm16.js';
export { LinearResampler, resampleLinear } from './audio/resampler.js';
export { chunkByteLength, chunkPcm16, type ChunkOptions } from './audio/chunks.js';
export { InMemoryRealtimeServer, type InMemoryServerOptions } from './testing/in-memory-server.js';
export { InMemoryConnection } from './testing/in-memory-connection.js';
export { fakeSession } from './testing/fake-session.js';
export type {
  Dialect,
  ItemInput,
  OutgoingClientEvent,
  ResponseParams,
  ServerEvent,
  ServerEventType,
  SessionObject,
  SessionPatch,
  WireFrame,
} from '@parley/protocol';
