/**
 * A small typed event emitter (no `node:events`, so it runs in browsers): event name → listener
 * argument tuple, as in `{ 'response.done': [event: ServerEvent<'response.done'>] }`.
 */
export type EventMap<T> = { [K in keyof T]: unknown[] };

export type Listener<Args extends unknown[]> = (...args: Args) => void;

export class TypedEmitter<Events extends EventMap<Events>> {
  /** Listeners are stored untyped; `on` is the one place their type is checked. */
  readonly #listeners = new Map<keyof Events, Set<unknown>>();

  /** Calls `listener` on every `type` event until the returned function (or `off`) removes it. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => this.off(type, listener);
  }

  /** Calls `listener` on the next `type` event only. */
  once<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(type, ((...args: Events[K]) => {
      off();
      listener(...args);
    }) as Listener<Events[K]>);
    return off;
  }

  off<K extends keyof Events>(type: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(type)?.delete(listener);
  }

  /**
   * Calls every listener of `type`, in the order they were added. A listener that throws does
   * not keep the others from running; the first error is returned for the caller to raise once
   * its own state is consistent.
   */
  emit<K extends keyof Events>(type: K, ...args: Events[K]): unknown {
    const set = this.#listeners.get(type);
    if (!set) return undefined;
    let failure: unknown;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(...args);
      } catch (error) {
        failure ??= error;
      }
    }
    return failure;
  }

  listenerCount(type: keyof Events): number {
    return this.#listeners.get(type)?.size ?? 0;
  }
}
