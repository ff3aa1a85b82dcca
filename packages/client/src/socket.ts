/**
 * The socket seam. The client asks a `SocketFactory` for one socket per connection attempt and
 * hears back through `SocketHandlers`; the default factory uses the runtime's WebSocket, and the
 * in-memory transport (`InMemoryRealtimeServer`) is another factory.
 */

/** What a connection attempt asks for: the URL (query included), subprotocols and headers. */
export interface SocketRequest {
  url: string;
  protocols: string[];
  /** Empty unless the auth or the caller needs headers; browsers cannot send any. */
  headers: Record<string, string>;
}

export interface SocketHandlers {
  onOpen(): void;
  /** A frame: a string for text frames (the only kind the realtime protocols use). */
  onMessage(data: unknown): void;
  onError(error: Error): void;
  /** Called once per socket, also when it never opened (then usually with 1006). */
  onClose(code: number, reason: string): void;
}

export interface RealtimeSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (request: SocketRequest, handlers: SocketHandlers) => RealtimeSocket | Promise<RealtimeSocket>;

/** The WHATWG WebSocket surface used here (browsers, Node ≥ 22, and `ws`'s compatible API). */
interface WhatwgWebSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string; error?: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
}

type WhatwgWebSocketConstructor = new (url: string, protocols?: string[]) => WhatwgWebSocket;
type WsConstructor = new (url: string, protocols: string[], options: { headers: Record<string, string> }) => WhatwgWebSocket;

function adapt(socket: WhatwgWebSocket, handlers: SocketHandlers): RealtimeSocket {
  socket.onopen = () => handlers.onOpen();
  socket.onmessage = (event) => handlers.onMessage(event.data);
  socket.onerror = (event) => {
    const cause = event.error instanceof Error ? event.error : undefined;
    handlers.onError(cause ?? new Error(event.message || 'WebSocket error'));
  };
  socket.onclose = (event) => handlers.onClose(event.code, event.reason);
  return socket;
}

const runsOnNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * The runtime's global `WebSocket` (browsers, Node ≥ 22) when no headers are needed; otherwise,
 * on Node, the `ws` package, which can send headers. A browser cannot send headers at all: use
 * `subprotocol` or `api-key-query` auth there.
 */
export const defaultSocketFactory: SocketFactory = async (request, handlers) => {
  const needsHeaders = Object.keys(request.headers).length > 0;
  const Native = (globalThis as { WebSocket?: WhatwgWebSocketConstructor }).WebSocket;
  if (Native && (!needsHeaders || !runsOnNode())) {
    if (needsHeaders) {
      throw new TypeError(
        `This runtime's WebSocket cannot send headers (${Object.keys(request.headers).join(', ')}): use auth { type: 'subprotocol' } or { type: 'api-key-query' }, or pass createSocket.`,
      );
    }
    return adapt(new Native(request.url, request.protocols), handlers);
  }
  const { WebSocket: Ws } = (await import('ws')) as unknown as { WebSocket: WsConstructor };
  return adapt(new Ws(request.url, request.protocols, { headers: request.headers }), handlers);
};

/** A factory around a WHATWG-compatible WebSocket class of your choice (headers are not sent). */
export function webSocketFactory(WebSocketClass: new (url: string, protocols?: string[]) => unknown): SocketFactory {
  return (request, handlers) => adapt(new WebSocketClass(request.url, request.protocols) as WhatwgWebSocket, handlers);
}
