/**
 * The server end of one in-memory socket: push server events (encoded for the dialect by
 * Parley's own server codec) and read what the client sent (decoded and validated by Parley's
 * own server decoder, so a frame a real Parley would refuse shows up in `refused`).
 *
 * Delivery in both directions is asynchronous (a microtask), as on a real socket, and in order.
 */
import {
  createCodec,
  type ClientEvent,
  type ClientEventOf,
  type ClientEventType,
  type Dialect,
  type ParleyError,
  type ServerEvent,
  type ServerEventInit,
  type WireFrame,
} from '@parley/protocol';
import type { SocketHandlers, SocketRequest } from '../socket.js';

export class InMemoryConnection {
  readonly request: SocketRequest;
  readonly dialect: Dialect;
  /** Every frame the client sent, parsed. */
  readonly frames: WireFrame[] = [];
  /** The client's frames that Parley's decoder accepted, as canonical events. */
  readonly events: ClientEvent[] = [];
  /** The client's frames that Parley's decoder refused, with the error Parley would have sent. */
  readonly refused: { frame: string; error: ParleyError }[] = [];
  /** How the client closed the socket, once it has. */
  closedByClient: { code: number; reason: string } | null = null;
  readonly #handlers: SocketHandlers;
  readonly #codec;
  #open = true;
  #eventCount = 0;
  /** Index of the first event `nextEvent` has not handed out yet. */
  #cursor = 0;
  readonly #waiters = new Set<() => void>();

  constructor(request: SocketRequest, dialect: Dialect, handlers: SocketHandlers) {
    this.request = request;
    this.dialect = dialect;
    this.#handlers = handlers;
    this.#codec = createCodec(dialect);
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Sends a canonical server event as this dialect's frame; `event_id` is added when missing. */
  push(event: ServerEventInit | ServerEvent): void {
    const stamped = { event_id: `event_fake_${++this.#eventCount}`, ...event } as ServerEvent;
    const frame = this.#codec.encode(stamped);
    if (frame === undefined) throw new TypeError(`The ${this.dialect} dialect has no '${event.type}' event.`);
    this.pushFrame(frame);
  }

  /** Sends a frame exactly as given (an object is JSON-encoded). */
  pushFrame(frame: object | string): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    queueMicrotask(() => {
      if (this.#open) this.#handlers.onMessage(text);
    });
  }

  /**
   * The next client event not yet handed out (of `type`, when given; events of other types
   * before it are skipped). Waits for it when it has not arrived.
   */
  nextEvent<T extends ClientEventType>(type?: T): Promise<ClientEventOf<T>> {
    return new Promise((resolve) => {
      const check = () => {
        const index = this.events.findIndex((event, i) => i >= this.#cursor && (type === undefined || event.type === type));
        if (index < 0) return false;
        this.#cursor = index + 1;
        this.#waiters.delete(wake);
        resolve(this.events[index] as ClientEventOf<T>);
        return true;
      };
      const wake = () => void check();
      if (!check()) this.#waiters.add(wake);
    });
  }

  /** The server closes the socket cleanly with `code`. */
  close(code = 1000, reason = ''): void {
    this.#end(() => this.#handlers.onClose(code, reason));
  }

  /** The connection breaks without a close frame: the client sees an error and code 1006. */
  drop(): void {
    this.#end(() => {
      this.#handlers.onError(new Error('The in-memory connection was dropped.'));
      this.#handlers.onClose(1006, '');
    });
  }

  /** From the client's socket. */
  receive(text: string): void {
    if (!this.#open) return;
    try {
      this.frames.push(JSON.parse(text) as WireFrame);
    } catch {
      // Kept out of `frames`; the decoder below reports it in `refused`.
    }
    const result = this.#codec.decode(text);
    if (result.ok) this.events.push(result.event);
    else this.refused.push({ frame: text, error: result.error });
    for (const wake of [...this.#waiters]) wake();
  }

  /** From the client's socket. */
  closeFromClient(code: number, reason: string): void {
    if (!this.#open) return;
    this.closedByClient = { code, reason };
    this.#end(() => this.#handlers.onClose(code, reason));
  }

  #end(notify: () => void): void {
    if (!this.#open) return;
    this.#open = false;
    queueMicrotask(notify);
  }
}
