/**
 * One logical connection over a succession of sockets: opens the first, and after an abnormal
 * close opens new ones with backoff until one opens or the attempts run out. Knows nothing of
 * the protocol: it moves text frames and reports state.
 *
 * Every socket gets a generation number; callbacks from a socket that is no longer current
 * (timed out, replaced, or closed by `close()`) are ignored, so a late event from an old socket
 * can never change the state.
 */
import { reconnectDelayMs, type ReconnectPolicy } from './backoff.js';
import { isAbnormalClose } from './close-codes.js';
import type { ConnectionState, ConnectionStatus } from './connection-state.js';
import type { RealtimeSocket, SocketFactory, SocketRequest } from './socket.js';

/**
 * How long `close()` waits for the socket to confirm, ms. A server that never answers the close
 * handshake would otherwise hold it for `ws`'s 30 s close timeout; the socket is gone either way.
 */
const CLOSE_WAIT_MS = 2000;

export interface ConnectionOptions {
  request: SocketRequest;
  createSocket: SocketFactory;
  /** `null`: never reconnect. */
  reconnect: ReconnectPolicy | null;
  /** How long an attempt may take to open, ms. */
  connectTimeoutMs: number;
  /** Each time a socket opens, before the state becomes `connected`: the place to send first frames. */
  onOpen(send: (text: string) => void): void;
  onMessage(data: unknown): void;
  onState(state: ConnectionState, previous: ConnectionStatus): void;
}

export class Connection {
  readonly #options: ConnectionOptions;
  #state: ConnectionState = { status: 'idle' };
  #socket: RealtimeSocket | null = null;
  #generation = 0;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #firstOpen: { promise: Promise<void>; resolve(): void; reject(error: Error): void } | undefined;
  /** Resolves when the current socket has closed. */
  #socketClosed: Promise<void> = Promise.resolve();

  constructor(options: ConnectionOptions) {
    this.#options = options;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Opens the first socket; resolves once it is open, rejects if it fails (no retry for a first connection). */
  connect(): Promise<void> {
    if (this.#state.status === 'closed') return Promise.reject(new Error('The client is closed; create a new one to connect again.'));
    if (this.#firstOpen) return this.#firstOpen.promise;
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#firstOpen = { promise, resolve, reject };
    this.#setState({ status: 'connecting' });
    void this.#open();
    return promise;
  }

  /** Sends on the open socket; false when there is none. */
  send(text: string): boolean {
    if (this.#state.status !== 'connected' || !this.#socket) return false;
    this.#socket.send(text);
    return true;
  }

  /** Final: stops any reconnecting, closes the socket, and resolves once it has closed (or after CLOSE_WAIT_MS). */
  async close(code = 1000, reason = 'Client closed'): Promise<void> {
    if (this.#state.status === 'closed') return this.#closedOrGaveUp();
    this.#generation++;
    clearTimeout(this.#retryTimer);
    const socket = this.#socket;
    this.#socket = null;
    this.#setState({ status: 'closed', closeCode: code, closeReason: reason });
    this.#firstOpen?.reject(new Error('The client was closed before it connected.'));
    if (socket) closeQuietly(socket, code, reason);
    return this.#closedOrGaveUp();
  }

  #closedOrGaveUp(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    return Promise.race([this.#socketClosed, gaveUp]).finally(() => clearTimeout(timer));
  }

  async #open(): Promise<void> {
    // A state listener may have closed the client on the way here.
    if (this.#state.status === 'closed') return;
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    let socket: RealtimeSocket | undefined;
    let opened = false;
    /** A factory may report `open` before it has returned the socket; then it is handled after. */
    let openedEarly = false;
    let lastError: Error | undefined;
    let markClosed!: () => void;
    this.#socketClosed = new Promise<void>((resolve) => (markClosed = resolve));
    const timeout = setTimeout(() => {
      if (!current()) return;
      markClosed(); // abandoned: nothing waits for its close
      this.#generation++;
      this.#socket = null;
      if (socket) closeQuietly(socket, 1000, 'Connect timeout');
      this.#dropped(1006, 'connect timeout', false, new Error(`The connection did not open within ${this.#options.connectTimeoutMs} ms.`));
    }, this.#options.connectTimeoutMs);
    const handleOpen = (open: RealtimeSocket) => {
      clearTimeout(timeout);
      opened = true;
      this.#attempt = 0;
      this.#socket = open;
      this.#options.onOpen((text) => open.send(text));
      this.#setState({ status: 'connected' });
      this.#firstOpen?.resolve();
    };

    try {
      socket = await this.#options.createSocket(this.#options.request, {
        onOpen: () => {
          if (!current()) return;
          if (socket) handleOpen(socket);
          else openedEarly = true;
        },
        onMessage: (data) => {
          if (current() && this.#state.status === 'connected') this.#options.onMessage(data);
        },
        onError: (error) => {
          if (current()) lastError = error;
        },
        onClose: (code, reason) => {
          markClosed();
          if (!current()) return;
          clearTimeout(timeout);
          this.#socket = null;
          this.#dropped(code, reason, opened, lastError);
        },
      });
    } catch (error) {
      markClosed();
      if (!current()) return;
      clearTimeout(timeout);
      this.#dropped(1006, '', false, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (!current()) closeQuietly(socket, 1000, 'Client closed');
    else if (openedEarly) handleOpen(socket);
  }

  /** A socket closed (or never opened): reconnect, or give up. */
  #dropped(code: number, reason: string, opened: boolean, error: Error | undefined): void {
    const status = this.#state.status;
    if (status === 'closed') return;
    const firstAttempt = status === 'connecting';
    // A socket that opened and then closed cleanly ended on purpose; a failed attempt while
    // reconnecting is one more drop.
    const retry = !firstAttempt && (opened ? isAbnormalClose(code) : true);
    const policy = this.#options.reconnect;
    if (retry && policy && this.#attempt < policy.maxAttempts) {
      this.#attempt++;
      const delayMs = reconnectDelayMs(this.#attempt, policy);
      const generation = this.#generation;
      // Scheduled before the state is announced, so a listener's close() can cancel it.
      this.#retryTimer = setTimeout(() => {
        if (generation === this.#generation) void this.#open();
      }, delayMs);
      this.#setState({ status: 'reconnecting', attempt: this.#attempt, delayMs, closeCode: code, closeReason: reason, ...(error ? { error } : {}) });
      return;
    }
    const failure = error ?? (opened ? undefined : new Error(`The connection closed before it opened (code ${code}${reason ? `: ${reason}` : ''}).`));
    this.#setState({ status: 'closed', closeCode: code, closeReason: reason, ...(failure ? { error: failure } : {}) });
    if (firstAttempt) this.#firstOpen?.reject(failure ?? new Error(`The connection closed (code ${code}).`));
  }

  #setState(state: ConnectionState): void {
    const previous = this.#state.status;
    this.#state = state;
    this.#options.onState(state, previous);
  }
}

function closeQuietly(socket: RealtimeSocket, code: number, reason: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // Browsers refuse codes other than 1000 and 3000–4999, and some runtimes refuse to close a
    // socket that is still connecting; the socket is being dropped either way.
    try {
      socket.close();
    } catch {
      // Nothing more can be done with it.
    }
  }
}
