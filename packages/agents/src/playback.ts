/**
 * How much of the assistant's audio the user has heard: what `conversation.item.truncate` must
 * say when the answer is cut off. The application's player knows best and may report it; if it
 * does not, playback is assumed to run in real time from the item's first audio delta, and never
 * past the audio received.
 */
export interface PlayingAudio {
  itemId: string;
  contentIndex: number;
  playedMs: number;
}

interface AudioItem {
  itemId: string;
  contentIndex: number;
  receivedMs: number;
  firstAudioAt: number;
  reportedMs: number | null;
}

export class AudioPlayback {
  #current: AudioItem | null = null;
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** An audio delta of `durationMs` for `itemId` arrived. */
  received(itemId: string, contentIndex: number, durationMs: number): void {
    if (this.#current?.itemId !== itemId || this.#current.contentIndex !== contentIndex) {
      this.#current = { itemId, contentIndex, receivedMs: 0, firstAudioAt: this.#now(), reportedMs: null };
    }
    this.#current.receivedMs += durationMs;
  }

  /** The player's own position in the latest item's audio. */
  report(playedMs: number): void {
    if (this.#current) this.#current.reportedMs = Math.max(0, playedMs);
  }

  /** The latest item's audio, if the user may still be hearing it; `playedMs` overrides the estimate. */
  playing(playedMs?: number): PlayingAudio | null {
    const item = this.#current;
    if (!item) return null;
    const estimate = playedMs ?? item.reportedMs ?? this.#now() - item.firstAudioAt;
    const heard = Math.min(item.receivedMs, Math.max(0, estimate));
    if (playedMs === undefined && heard >= item.receivedMs) return null;
    return { itemId: item.itemId, contentIndex: item.contentIndex, playedMs: Math.floor(heard) };
  }

  /** Playback stopped (interrupted, or a new session): nothing is playing. */
  stop(): void {
    this.#current = null;
  }
}
