/**
 * A realtime server in memory, for testing code built on `RealtimeClient` offline: pass its
 * `createSocket` to the client, then script the server side through `connections`.
 *
 * @example
 * const server = new InMemoryRealtimeServer();
 * const client = new RealtimeClient({ url: 'ws://parley.test/v1/realtime', createSocket: server.createSocket });
 * await client.connect();
 * const connection = server.connection!;
 * client.createResponse();
 * await connection.nextEvent('response.create');
 * connection.push({ type: 'response.created', response: … });
 */
import type { Dialect, SessionObject } from '@parley/protocol';
import { dialectOfPath } from '../endpoints.js';
import type { RealtimeSocket, SocketFactory, SocketRequest } from '../socket.js';
import { fakeSession } from './fake-session.js';
import { InMemoryConnection } from './in-memory-connection.js';

export interface InMemoryServerOptions {
  /**
   * Send `session.created` as each connection opens, as real servers do (default true); an
   * object overrides fields of the fake session.
   */
  sessionCreated?: boolean | Partial<SessionObject>;
}

/** The dialect a real server would pick for this request: by path, then the beta marker. */
function dialectOf(request: SocketRequest): Dialect {
  const byPath = dialectOfPath(request.url) ?? 'ga';
  const betaHeader = Object.entries(request.headers).some(([name, value]) => name.toLowerCase() === 'openai-beta' && /realtime=v1/.test(value));
  return byPath === 'ga' && (betaHeader || request.protocols.includes('openai-beta.realtime-v1')) ? 'beta' : byPath;
}

export class InMemoryRealtimeServer {
  /** Every connection made, in order, closed ones included. */
  readonly connections: InMemoryConnection[] = [];
  /** While false, connection attempts fail as if the server were down (error, then close 1006). */
  accepting = true;
  readonly #options: InMemoryServerOptions;
  readonly #waiters = new Set<() => void>();

  constructor(options: InMemoryServerOptions = {}) {
    this.#options = options;
  }

  /** The latest connection. */
  get connection(): InMemoryConnection | undefined {
    return this.connections.at(-1);
  }

  /** Resolves with connection number `index` (0-based) once it has opened. */
  waitForConnection(index = 0): Promise<InMemoryConnection> {
    return new Promise((resolve) => {
      const check = () => {
        const connection = this.connections[index];
        if (!connection) return;
        this.#waiters.delete(check);
        resolve(connection);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** A `SocketFactory` for `RealtimeClientOptions.createSocket`. */
  readonly createSocket: SocketFactory = (request, handlers): RealtimeSocket => {
    if (!this.accepting) {
      queueMicrotask(() => {
        handlers.onError(new Error('connect ECONNREFUSED (in-memory server not accepting)'));
        handlers.onClose(1006, '');
      });
      return { send() {}, close() {} };
    }
    const connection = new InMemoryConnection(request, dialectOf(request), handlers);
    queueMicrotask(() => {
      if (!connection.isOpen) return;
      this.connections.push(connection);
      handlers.onOpen();
      const created = this.#options.sessionCreated ?? true;
      if (created !== false) {
        const model = new URL(request.url).searchParams.get('model') ?? 'gpt-realtime';
        connection.push({ type: 'session.created', session: fakeSession({ model, ...(created === true ? {} : created) }) });
      }
      for (const wake of [...this.#waiters]) wake();
    });
    return {
      send: (text) => queueMicrotask(() => connection.receive(text)),
      // Queued behind earlier sends, which a real socket also delivers before its close.
      close: (code = 1000, reason = '') => queueMicrotask(() => connection.closeFromClient(code, reason)),
    };
  };
}
