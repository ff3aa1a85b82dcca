/**
 * One assistant message spoken aloud. The LLM's text comes in as it streams; it is cut into
 * clauses, each synthesized as soon as it is complete (while the LLM goes on writing), and the
 * audio goes out as `response.output_audio.delta` chunks of at most 100 ms in the session's
 * output format. The transcript keeps pace with the audio: a word's transcript delta follows
 * the audio chunk in which that word begins. With timing marks from the engine, word
 * timestamps (and, through `onMarks`, lip-sync data) are sent alongside.
 *
 * Clauses are spoken strictly in order, one at a time. Aborting the signal stops synthesis;
 * nothing more is emitted after that. An engine failure stops it too, and is reported through
 * `onFailure` at once. Of a clause cut off mid-way, the audio already sent stays, with the words
 * the engine's marks place in it (without marks, none of its words: which were said is unknown).
 */
import type { AudioFormat, ServerEventInit } from '@parley/protocol';
import type { TtsEngine, TtsMark } from '../engines/tts/index.js';
import type { AnimationStreams } from './animation-streams.js';
import { ClauseSplitter } from './clause-splitter.js';
import { OutputEncoder, type EncodedChunk } from './output-encoder.js';
import { SpokenAudio } from './spoken-audio.js';

export interface PartRef {
  response_id: string;
  item_id: string;
  output_index: number;
  content_index: number;
}

export interface SpeechOutputOptions {
  tts: TtsEngine;
  /** The engine's voice name (already resolved). */
  voice: string;
  speed: number;
  format: AudioFormat;
  ref: PartRef;
  emit(event: ServerEventInit): void;
  /** Word timestamps requested (`output_audio_timestamp_types: ["word"]`). */
  wordTimestamps: boolean;
  /** Lip-sync streams, when the session asked for them. */
  animation?: AnimationStreams;
  signal: AbortSignal;
  /** Told when the speech engine fails (not when `signal` stopped it); `finish()` rejects too. */
  onFailure?(error: unknown): void;
  /** Told when the engine's first audio of a clause comes and when audio goes out, for latency metrics. */
  timing?: SpeechTiming;
}

export interface SpeechTiming {
  ttsFirstByte(ms: number): void;
  audioSent(): void;
}

interface PendingWord {
  text: string;
  startMs: number;
  endMs: number;
}

export class SpeechOutput {
  readonly spoken: SpokenAudio;
  readonly #o: SpeechOutputOptions;
  readonly #splitter = new ClauseSplitter();
  readonly #clauses: string[] = [];
  #wake: (() => void) | null = null;
  #finished = false;
  readonly #done: Promise<void>;
  #encoder: OutputEncoder | null = null;
  /** performance.now() when the first audio delta went out: where real-time playback began. */
  firstAudioAt: number | null = null;

  constructor(options: SpeechOutputOptions) {
    this.#o = options;
    this.spoken = new SpokenAudio(options.format);
    this.#done = this.#run();
    // The caller awaits `finish()`; an early failure must not be an unhandled rejection meanwhile.
    this.#done.catch(() => undefined);
  }

  /** Ends the timing streams: their done events, before the audio's. */
  closeStreams(): void {
    if (this.#o.wordTimestamps) this.#o.emit({ type: 'response.audio_timestamp.done', ...this.#o.ref });
    this.#o.animation?.close(this.spoken.durationMs);
  }

  /** The next LLM text. */
  push(text: string): void {
    this.#enqueue(this.#splitter.push(text));
  }

  /** The LLM is done: speaks what is left and resolves when all audio is out. */
  finish(): Promise<void> {
    if (!this.#finished) {
      this.#enqueue(this.#splitter.flush());
      this.#finished = true;
      this.#wake?.();
    }
    return this.#done;
  }

  #enqueue(clauses: string[]): void {
    if (clauses.length === 0) return;
    this.#clauses.push(...clauses);
    this.#wake?.();
  }

  async #run(): Promise<void> {
    const o = this.#o;
    try {
      this.#encoder = await OutputEncoder.create(o.format, o.tts.capabilities.sampleRate);
      for (;;) {
        if (o.signal.aborted) return;
        const clause = this.#clauses.shift();
        if (clause === undefined) {
          if (this.#finished) return;
          await new Promise<void>((resolve) => (this.#wake = resolve));
          this.#wake = null;
          continue;
        }
        await this.#speak(clause);
      }
    } catch (error) {
      if (!o.signal.aborted) o.onFailure?.(error);
      throw error;
    } finally {
      this.#encoder?.close();
    }
  }

  async #speak(clause: string): Promise<void> {
    const o = this.#o;
    const encoder = this.#encoder!;
    const offsetMs = this.spoken.durationMs;
    const tokens = clause.split(/\s+/).filter(Boolean);
    const lead = this.spoken.transcript.length > 0 ? ' ' : '';
    const marks: TtsMark[] = [];
    const words: PendingWord[] = [];
    let engineMs = 0;
    let used = 0;
    let askedAt: number | null = performance.now();
    for await (const chunk of o.tts.synthesize({ text: clause, voice: o.voice, speed: o.speed, signal: o.signal })) {
      if (o.signal.aborted) return;
      if (askedAt !== null && chunk.audio.length > 0) {
        o.timing?.ttsFirstByte(performance.now() - askedAt);
        askedAt = null;
      }
      marks.push(...chunk.marks);
      for (const mark of chunk.marks) {
        if (mark.type !== 'word' || used >= tokens.length) continue;
        words.push({ text: (used === 0 ? lead : ' ') + tokens[used]!, startMs: offsetMs + mark.startMs, endMs: offsetMs + mark.endMs });
        used++;
      }
      engineMs += (chunk.audio.length * 1000) / o.tts.capabilities.sampleRate;
      this.#send(encoder.push(chunk.audio), words);
      o.animation?.audio(chunk.marks, offsetMs, offsetMs + engineMs);
    }
    if (o.signal.aborted) return;
    this.#send(encoder.flush(), words);
    const durationMs = this.spoken.durationMs - offsetMs;
    if (used === 0 && tokens.length > 0) {
      // Without word marks the clause's words are spread evenly over its audio.
      const step = (durationMs || engineMs) / tokens.length;
      tokens.forEach((token, i) =>
        words.push({ text: (i === 0 ? lead : ' ') + token, startMs: offsetMs + i * step, endMs: offsetMs + (i + 1) * step }),
      );
    } else if (used < tokens.length) {
      // Fewer marks than written words: the rest is said by the end of the clause.
      const endMs = offsetMs + durationMs;
      words.push({ text: ' ' + tokens.slice(used).join(' '), startMs: endMs, endMs });
    }
    this.#sendWords(words, Number.POSITIVE_INFINITY);
  }

  /** Sends audio chunks, each followed by the words that begin within it. */
  #send(chunks: EncodedChunk[], words: PendingWord[]): void {
    const o = this.#o;
    for (const chunk of chunks) {
      if (o.signal.aborted) return;
      if (this.firstAudioAt === null) {
        this.firstAudioAt = performance.now();
        o.timing?.audioSent();
      }
      this.spoken.appendAudio(chunk.bytes);
      o.emit({ type: 'response.output_audio.delta', ...o.ref, delta: chunk.bytes.toString('base64') });
      this.#sendWords(words, this.spoken.durationMs);
    }
  }

  /** Sends the transcript (and timestamps) of the words starting before `untilMs`, removing them from `words`. */
  #sendWords(words: PendingWord[], untilMs: number): void {
    const o = this.#o;
    while (words.length > 0 && words[0]!.startMs < untilMs) {
      const word = words.shift()!;
      this.spoken.appendText(word);
      o.emit({ type: 'response.output_audio_transcript.delta', ...o.ref, delta: word.text });
      if (o.wordTimestamps) {
        o.emit({
          type: 'response.audio_timestamp.delta',
          ...o.ref,
          audio_offset_ms: Math.round(word.startMs),
          audio_duration_ms: Math.max(0, Math.round(word.endMs - word.startMs)),
          text: word.text.trim(),
          timestamp_type: 'word',
        });
      }
    }
  }
}
