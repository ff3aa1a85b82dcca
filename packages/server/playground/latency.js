/**
 * Per-turn latency as the user feels it: from the server's `speech_stopped` (the end of the
 * user's turn) to the first audio of the answer.
 */

export class LatencyMeter {
  #list;
  #latest;
  #stoppedAt = null;
  #turn = 0;

  constructor(list, latest) {
    this.#list = list;
    this.#latest = latest;
  }

  speechStopped(atMs) {
    this.#stoppedAt = atMs;
  }

  /** The user spoke again before an answer came: that turn has no latency. */
  speechStarted() {
    this.#stoppedAt = null;
  }

  firstAudio(atMs) {
    if (this.#stoppedAt === null) return;
    const ms = Math.round(atMs - this.#stoppedAt);
    this.#stoppedAt = null;
    this.#turn += 1;
    const li = document.createElement('li');
    li.textContent = `turn ${this.#turn}: ${ms} ms`;
    li.dataset.ms = String(ms);
    this.#list.prepend(li);
    this.#latest.textContent = `${ms} ms`;
    this.#latest.dataset.ms = String(ms);
  }
}
