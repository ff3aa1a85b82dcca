/**
 * What a `RealtimeClient` emits, as event name → listener arguments. Server events arrive under
 * their canonical (GA) names in every dialect, with the canonical shapes of @parley/protocol, so
 * one handler serves GA, beta and Voice Live alike; the frame as it came off the wire is the
 * second argument.
 */
import type { ServerEvent, ServerEventType, WireFrame } from '@parley/protocol';
import type { ConnectionState, ConnectionStatus } from './connection-state.js';

export type ServerEventListeners = { [K in ServerEventType]: [event: ServerEvent<K>, frame: WireFrame] };

export interface ClientOwnEvents {
  /** Every server event the dialect defines, after decoding (before the event's own listeners). */
  '*': [event: ServerEvent, frame: WireFrame];
  /** Every frame that is a JSON object with a string `type`, known to the dialect or not, before decoding. */
  raw: [frame: WireFrame];
  /** A frame that is not a JSON object with a string `type` (a server bug, or binary data). */
  invalid_frame: [data: unknown, reason: string];
  /** Every change of connection state; `previous` is the status before it. */
  state: [state: ConnectionState, previous: ConnectionStatus];
}

export type RealtimeClientEvents = ServerEventListeners & ClientOwnEvents;

export type RealtimeClientEventName = keyof RealtimeClientEvents;
