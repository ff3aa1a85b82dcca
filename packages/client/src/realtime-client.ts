/**
 * A typed realtime client for Parley, the OpenAI Realtime API (GA and beta) and Azure Voice
 * Live. Applications speak one vocabulary — the canonical (GA) events and shapes of
 * @parley/protocol — and the client encodes what it sends and decodes what it receives for
 * the connection's dialect.
 *
 * @example
 * const client = new RealtimeClient({ ...parleyEndpoint({ baseUrl: 'ws://127.0.0.1:8080' }), auth: { type: 'bearer', token: 'sk-…' } });
 * client.on('response.output_text.delta', (event) => process.stdout.write(event.delta));
 * await client.connect();
 * client.updateSession({ output_modalities: ['text'] });
 * client.createItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello!' }] });
 * client.createResponse();
 */
import {
  createClientEncoder,
  createServerDecoder,
  type Dialect,
  type ItemInput,
  type OutgoingClientEvent,
  type ResponseParams,
  type ServerEvent,
  type ServerEventType,
  type SessionObject,
  type SessionPatch,
  type WireFrame,
} from '@parley/protocol';
import { inputAudioToBase64, type InputAudio } from './audio/input-audio.js';
import type { Auth } from './auth.js';
import { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from './backoff.js';
import type { RealtimeClientEvents } from './client-events.js';
import { Connection } from './connection.js';
import type { ConnectionState, ConnectionStatus } from './connection-state.js';
import { createEventIds } from './event-ids.js';
import { parseFrame } from './parse-frame.js';
import { mergeSessionPatch } from './session-config.js';
import { defaultSocketFactory, type SocketFactory } from './socket.js';
import { buildSocketRequest, resolveDialect } from './socket-request.js';
import { TypedEmitter, type Listener } from './typed-emitter.js';

export interface RealtimeClientOptions {
  /** The realtime WebSocket URL, query included; see `parleyEndpoint`, `openAiEndpoint`, `azureOpenAiEndpoint`, `voiceLiveEndpoint`. */
  url: string;
  /** The dialect to speak. Default: the one the URL's path implies (GA for `/v1/realtime`). */
  dialect?: Dialect;
  auth?: Auth;
  /** Extra handshake headers (Node only). */
  headers?: Record<string, string>;
  /** Extra subprotocols to offer. */
  protocols?: string[];
  /** Reconnect after abnormal closes (default: on, `DEFAULT_RECONNECT_POLICY`); `false` never does. */
  reconnect?: Partial<ReconnectPolicy> | false;
  /** How long a connection attempt may take to open, ms. Default 15 000. */
  connectTimeoutMs?: number;
  /** Where sockets come from. Default: the runtime's WebSocket, or `ws` on Node when headers are needed. */
  createSocket?: SocketFactory;
  /**
   * Called with the error when a listener throws (the other listeners still run). Default:
   * rethrown from a microtask, an uncaught error as from an EventEmitter listener.
   */
  onListenerError?: (error: unknown) => void;
}

export interface WaitForOptions<K extends ServerEventType> {
  predicate?: (event: ServerEvent<K>) => boolean;
  /** Reject after this long, ms. Default: wait until the event, an abort or the client's close. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Raised outside the client's own call stack, so a throwing listener cannot cut short the
 * client's bookkeeping (such as scheduling a reconnect).
 */
function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

export class RealtimeClient {
  readonly url: string;
  readonly dialect: Dialect;
  readonly #emitter = new TypedEmitter<RealtimeClientEvents>();
  readonly #connection: Connection;
  readonly #encode: (event: OutgoingClientEvent) => string;
  readonly #nextEventId = createEventIds();
  #decode: (frame: WireFrame) => ServerEvent | undefined;
  #session: SessionObject | null = null;
  #config: SessionPatch = {};
  /** Event id for the `session.update` owed to the next socket, when there is one. */
  #pendingConfigId: string | null = null;
  /** Frames sent while no socket was open, in order; sent after the session config on the next open. */
  #queue: string[] = [];
  readonly #onListenerError: (error: unknown) => void;

  constructor(options: RealtimeClientOptions) {
    this.#onListenerError = options.onListenerError ?? rethrowLater;
    this.dialect = resolveDialect(options.url, options.dialect);
    const request = buildSocketRequest({ ...options, dialect: this.dialect });
    this.url = request.url;
    this.#encode = createClientEncoder(this.dialect);
    this.#decode = createServerDecoder(this.dialect);
    this.#connection = new Connection({
      request,
      createSocket: options.createSocket ?? defaultSocketFactory,
      reconnect: options.reconnect === false ? null : { ...DEFAULT_RECONNECT_POLICY, ...options.reconnect },
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      onOpen: (send) => this.#opened(send),
      onMessage: (data) => this.#received(data),
      onState: (state, previous) => this.#raise(this.#emitter.emit('state', state, previous)),
    });
  }

  get state(): ConnectionStatus {
    return this.#connection.state.status;
  }

  /** The full state, with the attempt and close details of `reconnecting` and `closed`. */
  get connectionState(): ConnectionState {
    return this.#connection.state;
  }

  /** The server's session as last reported (`session.created` / `session.updated`), canonical shape. */
  get session(): SessionObject | null {
    return this.#session;
  }

  /** Every `updateSession` merged: what a reconnect asks the new session for. */
  get sessionConfig(): SessionPatch {
    return this.#config;
  }

  /**
   * Opens the connection; resolves once the socket is open (`session.created` follows). A first
   * connection that fails rejects and leaves the client `closed`: reconnecting is for drops.
   */
  connect(): Promise<void> {
    return this.#connection.connect();
  }

  /** Final: closes the socket and stops reconnecting. Resolves once the socket has closed. */
  close(code = 1000, reason = 'Client closed'): Promise<void> {
    return this.#connection.close(code, reason);
  }

  on<K extends keyof RealtimeClientEvents>(type: K, listener: Listener<RealtimeClientEvents[K]>): () => void {
    return this.#emitter.on(type, listener);
  }

  once<K extends keyof RealtimeClientEvents>(type: K, listener: Listener<RealtimeClientEvents[K]>): () => void {
    return this.#emitter.once(type, listener);
  }

  off<K extends keyof RealtimeClientEvents>(type: K, listener: Listener<RealtimeClientEvents[K]>): void {
    this.#emitter.off(type, listener);
  }

  /** The next server event of `type` (that satisfies `predicate`); rejects on timeout, abort, or close. */
  waitFor<K extends ServerEventType>(type: K, options: WaitForOptions<K> = {}): Promise<ServerEvent<K>> {
    return new Promise((resolve, reject) => {
      const cleanups: (() => void)[] = [];
      const finish = (settle: () => void) => {
        for (const cleanup of cleanups) cleanup();
        settle();
      };
      cleanups.push(
        this.on(type, (...args: RealtimeClientEvents[K]) => {
          const event = args[0] as ServerEvent<K>;
          if (!options.predicate || options.predicate(event)) finish(() => resolve(event));
        }),
        this.on('state', (state) => {
          if (state.status === 'closed') finish(() => reject(new Error(`The client closed while waiting for ${type}.`)));
        }),
      );
      if (options.timeoutMs !== undefined) {
        const timer = setTimeout(() => finish(() => reject(new Error(`Timed out after ${options.timeoutMs} ms waiting for ${type}.`))), options.timeoutMs);
        cleanups.push(() => clearTimeout(timer));
      }
      if (options.signal) {
        const signal = options.signal;
        const onAbort = () => finish(() => reject(signal.reason));
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
      if (this.state === 'closed') finish(() => reject(new Error(`The client is closed; ${type} will not come.`)));
    });
  }

  /**
   * Sends a canonical client event, encoded for the dialect, and returns its `event_id` (the
   * server's `error.event_id` names it). Before the socket opens, and while reconnecting, events
   * wait in order and go out once a socket opens. Throws once the client is closed, and for an
   * event the dialect does not have.
   */
  send(event: OutgoingClientEvent): string {
    const event_id = event.event_id ?? this.#nextEventId();
    this.#transmit(this.#encode({ ...event, event_id }));
    return event_id;
  }

  /** Sends a frame exactly as given: for events the canonical model does not cover. */
  sendRaw(frame: { type: string; [field: string]: unknown }): void {
    this.#transmit(JSON.stringify(frame));
  }

  /**
   * `session.update`, merged into `sessionConfig`. While no socket is open, the updates are
   * merged into one that goes out first when one opens.
   */
  updateSession(session: SessionPatch): string {
    this.#config = mergeSessionPatch(this.#config, session);
    if (this.state === 'connected') return this.send({ type: 'session.update', session });
    this.#assertOpenable();
    this.#pendingConfigId = this.#nextEventId();
    return this.#pendingConfigId;
  }

  appendInputAudio(audio: InputAudio): string {
    return this.send({ type: 'input_audio_buffer.append', audio: inputAudioToBase64(audio) });
  }

  commitInputAudio(): string {
    return this.send({ type: 'input_audio_buffer.commit' });
  }

  clearInputAudio(): string {
    return this.send({ type: 'input_audio_buffer.clear' });
  }

  /** Stops server-side playout (WebRTC, SIP, Voice Live avatars); send `cancelResponse` first. */
  clearOutputAudio(): string {
    return this.send({ type: 'output_audio_buffer.clear' });
  }

  /** Adds an item; `previousItemId`: after that item (`'root'`: first), default last. */
  createItem(item: ItemInput, previousItemId?: string | null): string {
    return this.send({ type: 'conversation.item.create', item, ...(previousItemId !== undefined ? { previous_item_id: previousItemId } : {}) });
  }

  retrieveItem(itemId: string): string {
    return this.send({ type: 'conversation.item.retrieve', item_id: itemId });
  }

  /** Cuts an assistant item's audio at `audioEndMs`, what the user actually heard. */
  truncateItem(itemId: string, contentIndex: number, audioEndMs: number): string {
    return this.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: contentIndex, audio_end_ms: Math.round(audioEndMs) });
  }

  deleteItem(itemId: string): string {
    return this.send({ type: 'conversation.item.delete', item_id: itemId });
  }

  createResponse(response?: ResponseParams): string {
    return this.send({ type: 'response.create', ...(response ? { response } : {}) });
  }

  cancelResponse(responseId?: string): string {
    return this.send({ type: 'response.cancel', ...(responseId ? { response_id: responseId } : {}) });
  }

  /** The result of a function call, as a `function_call_output` item; follow with `createResponse()`. */
  sendFunctionCallOutput(callId: string, output: string): string {
    return this.createItem({ type: 'function_call_output', call_id: callId, output });
  }

  /** Answers an `mcp_approval_request` item (GA and Voice Live). */
  sendMcpApprovalResponse(approvalRequestId: string, approve: boolean, reason?: string): string {
    return this.createItem({ type: 'mcp_approval_response', approval_request_id: approvalRequestId, approve, ...(reason !== undefined ? { reason } : {}) });
  }

  #assertOpenable(): void {
    if (this.state === 'closed') throw new Error('The client is closed; create a new one to connect again.');
  }

  #transmit(text: string): void {
    if (this.#connection.send(text)) return;
    this.#assertOpenable();
    this.#queue.push(text);
  }

  /** A socket opened: a new server session. Ask for the configuration first, then what waited. */
  #opened(send: (text: string) => void): void {
    this.#decode = createServerDecoder(this.dialect);
    this.#session = null;
    if (this.#pendingConfigId !== null || Object.keys(this.#config).length > 0) {
      send(this.#encode({ type: 'session.update', event_id: this.#pendingConfigId ?? this.#nextEventId(), session: this.#config }));
    }
    this.#pendingConfigId = null;
    const queued = this.#queue;
    this.#queue = [];
    for (const text of queued) send(text);
  }

  #received(data: unknown): void {
    const parsed = parseFrame(data);
    if (!parsed.ok) return this.#raise(this.#emitter.emit('invalid_frame', data, parsed.reason));
    const { frame } = parsed;
    const failures = [this.#emitter.emit('raw', frame)];
    const event = this.#decode(frame);
    if (event) {
      if (event.type === 'session.created' || event.type === 'session.updated') this.#session = event.session;
      failures.push(this.#emitter.emit('*', event, frame));
      failures.push((this.#emitter.emit as (type: ServerEventType, ...args: [ServerEvent, WireFrame]) => unknown)(event.type, event, frame));
    }
    this.#raise(failures.find((failure) => failure !== undefined));
  }

  /** A listener threw; every other listener has run. */
  #raise(failure: unknown): void {
    if (failure !== undefined) this.#onListenerError(failure);
  }
}
