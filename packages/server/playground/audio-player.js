/**
 * Plays the assistant's audio deltas gap-free, one item after another, and knows how much of
 * the current item has been heard: the position on the item's audio clock that visemes and
 * `conversation.item.truncate` use.
 */
import { base64ToPcm16, pcm16ToFloat } from './pcm.js';

/** How far ahead the first chunk of an item is scheduled, to ride out network jitter. */
const START_DELAY_S = 0.08;

export class AudioPlayer {
  #context;
  #sampleRate;
  #sources = new Set();
  /** The current item's chunks: where each starts on the item's clock and on the context's. */
  #chunks = [];
  #itemId = null;
  #receivedMs = 0;
  #endTime = 0;

  constructor(context, sampleRate) {
    this.#context = context;
    this.#sampleRate = sampleRate;
  }

  get itemId() {
    return this.#itemId;
  }

  get receivedMs() {
    return this.#receivedMs;
  }

  /** Queues a base64 PCM16 delta of `itemId`; a new item starts when the previous one has played. */
  enqueue(itemId, base64) {
    const samples = pcm16ToFloat(base64ToPcm16(base64));
    if (samples.length === 0) return;
    const now = this.#context.currentTime;
    if (itemId !== this.#itemId) {
      this.#itemId = itemId;
      this.#chunks = [];
      this.#receivedMs = 0;
    }
    const startAt = Math.max(this.#endTime, now + (this.#chunks.length === 0 ? START_DELAY_S : 0.01));
    const buffer = this.#context.createBuffer(1, samples.length, this.#sampleRate);
    buffer.copyToChannel(samples, 0);
    const source = this.#context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.#context.destination);
    source.onended = () => this.#sources.delete(source);
    source.start(startAt);
    this.#sources.add(source);
    const durationMs = (samples.length * 1000) / this.#sampleRate;
    this.#chunks.push({ itemMs: this.#receivedMs, startAt, durationMs });
    this.#receivedMs += durationMs;
    this.#endTime = startAt + durationMs / 1000;
  }

  /** The context time of the sound leaving the speakers now (past the output latency). */
  #heardTime() {
    const stamp = this.#context.getOutputTimestamp?.();
    if (!stamp || !(stamp.contextTime > 0)) return this.#context.currentTime;
    return stamp.contextTime + Math.max(0, performance.now() - stamp.performanceTime) / 1000;
  }

  /** Milliseconds of the current item heard so far. */
  playedMs() {
    const t = this.#heardTime();
    let played = 0;
    for (const chunk of this.#chunks) {
      if (t <= chunk.startAt) break;
      played = chunk.itemMs + Math.min(chunk.durationMs, (t - chunk.startAt) * 1000);
    }
    return played;
  }

  /** Whether sound of the current item is coming out of the speakers now. */
  get playing() {
    return this.#chunks.length > 0 && this.#heardTime() < this.#endTime;
  }

  /** Silences everything at once; returns the item cut and how much of it was heard. */
  stop() {
    const cut = this.#itemId === null ? null : { itemId: this.#itemId, playedMs: Math.floor(this.playedMs()), receivedMs: this.#receivedMs };
    for (const source of this.#sources) source.stop();
    this.#sources.clear();
    this.#chunks = [];
    this.#itemId = null;
    this.#receivedMs = 0;
    this.#endTime = 0;
    return cut;
  }
}
