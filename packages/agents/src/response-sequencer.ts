/**
 * One `response.create` at a time. A server refuses a second response while one is active, so
 * a request made then (a tool's output is ready, a guardrail wants the model to answer again)
 * waits for the active response's end; requests made meanwhile become one.
 */
export const ACTIVE_RESPONSE_CODE = 'conversation_already_has_active_response';

export class ResponseSequencer {
  #state: 'idle' | 'requested' | 'active' = 'idle';
  /** The `event_id` of the `response.create` the server has not answered yet. */
  #inFlight: string | null = null;
  #owed = false;
  readonly #send: () => string;

  constructor(send: () => string) {
    this.#send = send;
  }

  /** Whether a response is being produced (or asked for). */
  get busy(): boolean {
    return this.#state !== 'idle';
  }

  request(): void {
    if (this.#state !== 'idle') {
      this.#owed = true;
      return;
    }
    this.#state = 'requested';
    this.#inFlight = this.#send();
  }

  /** `response.created`, ours or the server's own (a detected turn, an answered approval). */
  created(): void {
    this.#state = 'active';
    this.#inFlight = null;
  }

  /** `response.done`. */
  done(): void {
    this.#state = 'idle';
    if (!this.#owed) return;
    this.#owed = false;
    this.request();
  }

  /** An `error` event; true when it refused our `response.create`. */
  refused(eventId: string | null | undefined, code: string | null | undefined): boolean {
    if (eventId == null || eventId !== this.#inFlight) return false;
    this.#inFlight = null;
    if (code === ACTIVE_RESPONSE_CODE) {
      // Another response (the server's own) got there first: ask again once it ends.
      this.#state = 'active';
      this.#owed = true;
    } else {
      this.#state = 'idle';
    }
    return true;
  }

  /** A new server session (reconnect): nothing is active or owed. */
  reset(): void {
    this.#state = 'idle';
    this.#inFlight = null;
    this.#owed = false;
  }
}
