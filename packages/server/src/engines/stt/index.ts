/**
 * The speech-to-text engine contract.
 *
 * An engine opens one `SttStream` per utterance. The caller writes PCM16 mono at the engine's
 * `capabilities.sampleRate` as it arrives (resampling is shared code, not the engine's job),
 * calls `end()` when the utterance is over, and iterates the stream's events:
 *
 *   partial* final            (then the iteration ends)
 *
 * - `partial` carries two views of the same hypothesis. `text` is the engine's whole current
 *   hypothesis, which may still revise earlier words ("turn on the kids" → "turn on the kitchen
 *   lights"): good for a live display and for semantic turn detection. `delta` is append-only:
 *   the text that became *stable* since the last event (see `StableText`), so that the deltas
 *   joined are always a prefix of what the user said as far as the engine knows. The protocol's
 *   `conversation.item.input_audio_transcription.delta` events send `delta` when it is not ''.
 * - `final` is the authoritative transcript (→ `...transcription.completed`). Its `delta` is
 *   the rest of the transcript after the deltas already sent, when they are a prefix of it; if
 *   the engine revised a word it had already let out as stable (rare), `delta` is '' and only
 *   `text` is right. Optional `words` give per-word times (ms from the first sample written)
 *   and a confidence in [0, 1].
 *
 * Writes never block and may come before the engine is ready (a decoder still loading); they
 * are queued. Aborting the `signal` stops the work, frees or recycles the engine's resources,
 * and makes the iteration throw the signal's reason. Failures make the iteration throw a
 * `ParleyError` (`engine_unavailable` when the engine cannot run here at all, with what to
 * install; `engine_stream_error` when decoding failed); the caller then sends
 * `...transcription.failed` and the session carries on.
 */

export interface SttCapabilities {
  /** Whether `partial` events arrive while audio is written (false: only the `final`). */
  partials: boolean;
  /** Whether `final.words` is filled in. */
  wordTimings: boolean;
  /** The PCM16 mono sample rate `write()` takes, in Hz (16000 for pocketsphinx). */
  sampleRate: number;
  /** Languages it recognises, as BCP-47 primary tags (`en`); undefined: any. */
  languages?: readonly string[];
}

export interface SttOpenOptions {
  signal: AbortSignal;
  /** The language the client asked for (`transcription.language`), BCP-47 or ISO-639-1. */
  language?: string;
  /** `transcription.prompt`: vocabulary and style hints, for engines that take them. */
  prompt?: string;
}

export interface SttWord {
  text: string;
  /** From the first sample written, in ms. */
  startMs: number;
  endMs: number;
  /** Posterior probability in [0, 1], when the engine computes one. */
  confidence?: number;
}

export interface SttPartial {
  type: 'partial';
  /** The whole current hypothesis; later partials may revise any of it. */
  text: string;
  /** Newly stable text, append-only; '' when nothing became stable. */
  delta: string;
}

export interface SttFinal {
  type: 'final';
  /** The final transcript ('' when nothing was recognised). */
  text: string;
  /** The rest of `text` after the deltas already sent, or '' if they are not a prefix of it. */
  delta: string;
  words?: SttWord[];
  /** Confidence of the whole transcript in [0, 1], when the engine computes one. */
  confidence?: number;
  /** Audio written, in ms (for `usage: {type: "duration"}`). */
  audioMs: number;
}

export type SttEvent = SttPartial | SttFinal;

export interface SttStream extends AsyncIterable<SttEvent> {
  /** Queues PCM16 mono samples at `capabilities.sampleRate`. Throws after `end()`. */
  write(pcm: Int16Array): void;
  /** No more audio: the engine finishes decoding and sends the `final` event. */
  end(): void;
}

export interface SttEngine {
  /** Names the engine in logs and errors, e.g. `pocketsphinx(/usr/share/pocketsphinx/model/en-us)`. */
  readonly label: string;
  readonly capabilities: SttCapabilities;
  /** Opens one transcription. Never throws: problems come out of the iteration. */
  open(options: SttOpenOptions): SttStream;
  /**
   * Loads what the engine needs before the first utterance (libraries, a decoder), so the first
   * turn does not pay for it, and fails early with the engine's `engine_unavailable` error.
   */
  warmup?(): Promise<void>;
  /** Frees everything the engine holds. Streams still open are aborted. */
  close?(): Promise<void>;
}

/**
 * Turns a series of whole hypotheses into append-only deltas. A word becomes stable once it is
 * followed by another word (the last word may still be half-heard) and sits at the same place
 * in the previous hypothesis too (it survived one more chunk of audio). Stable text is never
 * taken back; when a later hypothesis contradicts it, nothing more becomes stable until the
 * final, whose own `delta` is '' unless the stable text is a prefix of it.
 */
export class StableText {
  #stable: string[] = [];
  #previous: string[] = [];
  #diverged = false;

  /** The stable text so far: the deltas returned, joined. */
  get text(): string {
    return this.#stable.join(' ');
  }

  /** Takes the next whole hypothesis; returns the text that became stable ('' if none). */
  update(hypothesis: string): string {
    const words = wordsOf(hypothesis);
    const previous = this.#previous;
    this.#previous = words;
    if (this.#diverged) return '';
    let agreed = 0;
    while (agreed < words.length - 1 && agreed < previous.length && words[agreed] === previous[agreed]) agreed++;
    return this.#extend(words, agreed);
  }

  /** Takes the final transcript; returns what remains of it after the stable text, or ''. */
  finish(transcript: string): string {
    const words = wordsOf(transcript);
    this.#previous = words;
    if (this.#diverged) return '';
    return this.#extend(words, words.length);
  }

  /** Extends the stable words to `words[0..count)` if they are a prefix of those. */
  #extend(words: string[], count: number): string {
    const stable = this.#stable;
    for (let i = 0; i < stable.length; i++) {
      if (i >= count) return ''; // agreed on less than is already stable: wait
      if (words[i] !== stable[i]) {
        this.#diverged = true;
        return '';
      }
    }
    if (count <= stable.length) return '';
    const added = words.slice(stable.length, count);
    const delta = (stable.length > 0 ? ' ' : '') + added.join(' ');
    stable.push(...added);
    return delta;
  }
}

function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

/** Whether an engine declaring `languages` handles `language` (`en-US`, `en`, `EN_us` all match `en`). */
export function supportsLanguage(capabilities: SttCapabilities, language: string | undefined): boolean {
  if (!language || !capabilities.languages) return true;
  const requested = language
    .split(',')
    .map((tag) => tag.trim().toLowerCase().split(/[-_]/)[0])
    .filter((tag): tag is string => !!tag);
  return requested.length === 0 || requested.some((tag) => capabilities.languages!.includes(tag));
}

/**
 * Transcribes a whole utterance that is already buffered: writes it in `chunkMs` pieces, ends
 * the stream, and returns the final event (partials are passed to `onPartial`). Used for
 * `input_audio_buffer.commit` without streaming, and by tests and benchmarks.
 */
export async function transcribe(
  engine: SttEngine,
  pcm: Int16Array,
  options: SttOpenOptions & { chunkMs?: number; onPartial?: (partial: SttPartial) => void },
): Promise<SttFinal> {
  const stream = engine.open(options);
  const chunk = Math.max(1, Math.round((engine.capabilities.sampleRate * (options.chunkMs ?? 100)) / 1000));
  for (let i = 0; i < pcm.length; i += chunk) stream.write(pcm.subarray(i, i + chunk));
  stream.end();
  let final: SttFinal | undefined;
  for await (const event of stream) {
    if (event.type === 'partial') options.onPartial?.(event);
    else final = event;
  }
  if (!final) throw new Error(`${engine.label} ended a transcription without a final event`);
  return final;
}
