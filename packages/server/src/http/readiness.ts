/**
 * Whether the server should be sent new sessions, for `GET /readyz`. It is not while something
 * it waits for is still loading (or failed to), and never again once it drains for shutdown.
 * `/healthz` (liveness) ignores all this: it answers while the process serves.
 */

export interface NotReady {
  /** What is not ready: a component's name, or `server` while draining. */
  component: string;
  reason: string;
}

export class Readiness {
  /** Components waited for, with why each is not ready. */
  readonly #waiting = new Map<string, string>();
  #draining: string | null = null;

  /** Not ready until `loading` settles; if it rejects, not ready for good, with its error as the reason. */
  waitFor(component: string, loading: Promise<unknown>): void {
    this.#waiting.set(component, 'loading');
    loading.then(
      () => this.#waiting.delete(component),
      (err: unknown) => this.#waiting.set(component, `failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  /** The server stops taking sessions (shutdown): not ready from now on. */
  setDraining(reason = 'draining: the server is shutting down'): void {
    this.#draining ??= reason;
  }

  get draining(): boolean {
    return this.#draining !== null;
  }

  get ready(): boolean {
    return this.#draining === null && this.#waiting.size === 0;
  }

  /** What keeps the server from being ready; empty when it is. */
  notReady(): NotReady[] {
    const reasons = [...this.#waiting].map(([component, reason]) => ({ component, reason }));
    if (this.#draining !== null) reasons.push({ component: 'server', reason: this.#draining });
    return reasons;
  }
}
