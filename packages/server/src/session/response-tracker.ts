/**
 * Which responses are running. At most one belongs to the default conversation at a time;
 * out-of-band responses (`conversation: "none"`) run beside it and each other.
 */
import type { ResponseRun } from './response-run.js';

export class ResponseTracker {
  #current: ResponseRun | null = null;
  readonly #outOfBand = new Set<ResponseRun>();

  /** The running response of the default conversation, if any. */
  get current(): ResponseRun | null {
    return this.#current;
  }

  add(run: ResponseRun): void {
    if (run.inConversation) {
      if (this.#current) throw new Error(`response ${this.#current.id} is still running`);
      this.#current = run;
    } else {
      this.#outOfBand.add(run);
    }
  }

  remove(run: ResponseRun): void {
    if (this.#current === run) this.#current = null;
    this.#outOfBand.delete(run);
  }

  find(id: string): ResponseRun | undefined {
    if (this.#current?.id === id) return this.#current;
    for (const run of this.#outOfBand) if (run.id === id) return run;
    return undefined;
  }

  all(): ResponseRun[] {
    return this.#current ? [this.#current, ...this.#outOfBand] : [...this.#outOfBand];
  }
}
