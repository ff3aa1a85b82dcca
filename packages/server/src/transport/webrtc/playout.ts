/**
 * Server-side playout of a WebRTC call: the assistant's audio (48 kHz) waits here and leaves in
 * 20 ms frames paced by the wall clock, so the server knows at any moment how much of each item
 * the client has been sent to hear — what a WebSocket client has to tell the server with
 * `conversation.item.truncate`.
 *
 * A response's playout starts with its first frame (`started`) and stops once the response is
 * done and its last frame has left (`stopped`). `clear()` drops what has not left yet and says
 * how far the item playing had got.
 */
import { FRAME_MS, FRAME_SAMPLES } from './opus.js';

const SAMPLES_PER_MS = FRAME_SAMPLES / FRAME_MS;

interface Segment {
  responseId: string;
  itemId: string;
  samples: Int16Array;
  at: number;
}

export interface PlayoutOptions {
  /** Sends one frame of FRAME_SAMPLES samples; `startsTalkspurt` after a pause. */
  sendFrame(frame: Int16Array, startsTalkspurt: boolean): void;
  started(responseId: string): void;
  stopped(responseId: string): void;
  /** ms on a monotonic clock; performance.now by default. */
  now?: () => number;
}

/** What was playing when the playout was cleared, and how much of it had been sent. */
export interface PlayoutCut {
  responseId: string;
  itemId: string;
  playedMs: number;
}

export class Playout {
  readonly #o: PlayoutOptions;
  readonly #now: () => number;
  readonly #queue: Segment[] = [];
  /** Samples sent of each item still in the conversation's last responses. */
  readonly #sentSamples = new Map<string, number>();
  /** Responses that will add no more audio. */
  readonly #done = new Set<string>();
  /** The response whose audio is leaving now (started, not yet stopped). */
  #playing: string | null = null;
  /** The item whose audio the last frame carried. */
  #playingItem: string | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** When the next frame is due, while frames are flowing. */
  #nextAt: number | null = null;
  #closed = false;

  constructor(options: PlayoutOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
  }

  /** The response whose audio is being played, if any. */
  get playing(): string | null {
    return this.#playing;
  }

  /** Audio still waiting to be sent, in ms. */
  get queuedMs(): number {
    return this.#queue.reduce((sum, s) => sum + s.samples.length - s.at, 0) / SAMPLES_PER_MS;
  }

  /** ms of `itemId` sent so far. */
  playedMs(itemId: string): number {
    return (this.#sentSamples.get(itemId) ?? 0) / SAMPLES_PER_MS;
  }

  enqueue(responseId: string, itemId: string, samples: Int16Array): void {
    if (this.#closed || samples.length === 0) return;
    this.#queue.push({ responseId, itemId, samples, at: 0 });
    this.#pump();
  }

  /** `responseId` will add no more audio: its playout stops when what it queued has left. */
  responseDone(responseId: string): void {
    if (this.#closed) return;
    if (this.#playing !== responseId && !this.#queue.some((s) => s.responseId === responseId)) return;
    this.#done.add(responseId);
    this.#pump();
  }

  /** Drops every frame not yet sent. Returns what was playing (null if nothing was). */
  clear(): PlayoutCut | null {
    const playing = this.#playing;
    const itemId = this.#playingItem;
    this.#queue.length = 0;
    this.#done.clear();
    this.#stopTimer();
    this.#playing = null;
    this.#playingItem = null;
    if (!playing || !itemId) return null;
    return { responseId: playing, itemId, playedMs: this.playedMs(itemId) };
  }

  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    this.#stopTimer();
  }

  /** Sends every frame that is due, then sleeps until the next one. */
  #pump(): void {
    if (this.#closed || this.#timer) return;
    const now = this.#now();
    this.#nextAt ??= now;
    while (this.#nextAt <= now + 1) {
      const talkspurt = this.#playing === null;
      const frame = this.#takeFrame();
      if (!frame) {
        this.#nextAt = null;
        return;
      }
      this.#o.sendFrame(frame, talkspurt);
      this.#nextAt += FRAME_MS;
      this.#finishIfDrained();
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#pump();
    }, this.#nextAt - now);
  }

  /** The next frame of the head response, or null if it has less than a frame and is not done. */
  #takeFrame(): Int16Array | null {
    const head = this.#queue[0];
    if (!head) {
      this.#finishIfDrained();
      return null;
    }
    const responseId = head.responseId;
    let available = 0;
    for (const s of this.#queue) {
      if (s.responseId !== responseId) break;
      available += s.samples.length - s.at;
    }
    if (available < FRAME_SAMPLES && !this.#done.has(responseId)) return null;
    if (this.#playing !== responseId) {
      this.#playing = responseId;
      this.#o.started(responseId);
    }
    const frame = new Int16Array(FRAME_SAMPLES);
    let filled = 0;
    while (filled < FRAME_SAMPLES && this.#queue[0]?.responseId === responseId) {
      const s = this.#queue[0];
      const n = Math.min(FRAME_SAMPLES - filled, s.samples.length - s.at);
      frame.set(s.samples.subarray(s.at, s.at + n), filled);
      s.at += n;
      filled += n;
      this.#sentSamples.set(s.itemId, (this.#sentSamples.get(s.itemId) ?? 0) + n);
      this.#playingItem = s.itemId;
      if (s.at === s.samples.length) this.#queue.shift();
    }
    return frame;
  }

  /** Stops the response playing once it is done and none of its audio is left. */
  #finishIfDrained(): void {
    const playing = this.#playing;
    if (!playing || !this.#done.has(playing) || this.#queue[0]?.responseId === playing) return;
    this.#playing = null;
    this.#playingItem = null;
    this.#done.delete(playing);
    this.#o.stopped(playing);
  }

  #stopTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#nextAt = null;
  }
}
