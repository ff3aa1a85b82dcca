/**
 * The text-to-speech engine contract.
 *
 * The response pipeline cuts the LLM's streaming text into speakable clauses and calls
 * `synthesize` once per clause, in order, while the LLM is still generating. An engine returns
 * that clause's audio as PCM16 mono at `capabilities.sampleRate`, in chunks (the caller re-cuts
 * and resamples for the wire), each with the timing marks that fall in it. Marks are what lip-sync
 * and word timestamps are built from:
 *
 * - `word` marks: each spoken word of the clause, in order, with its start and end in ms from the
 *   first sample of this clause's audio; `text` is the word as written in the clause.
 * - `phoneme` marks: each phone (engine's phone set, ARPAbet-like for Flite: `pau`, `ax`, `dh`…),
 *   same clock. Pauses are marks too (`pau`), so the marks tile the audio.
 *
 * Aborting `signal` stops the synthesis: the iteration ends by throwing the signal's reason, and
 * nothing more is produced. Failures throw a `ParleyError` (`engine_unavailable` when the engine
 * cannot run here, `engine_stream_error` otherwise).
 */
import type { Voice } from '@parley/protocol';

export interface TtsCapabilities {
  /** The PCM16 mono sample rate of the audio produced, in Hz. */
  sampleRate: number;
  /**
   * The engine's own voice names; empty when the engine takes any name and leaves it to its
   * server to judge (an HTTP engine without a configured list).
   */
  voices: readonly string[];
  /** Whether `word` marks are produced. */
  wordTimings: boolean;
  /** Whether `phoneme` marks are produced. */
  phonemeTimings: boolean;
  /** Whether `speed` is honoured. */
  speed: boolean;
}

export interface TtsMark {
  type: 'word' | 'phoneme';
  text: string;
  /** From the first sample of this synthesis, in ms. */
  startMs: number;
  endMs: number;
}

export interface TtsChunk {
  /** PCM16 mono at `capabilities.sampleRate`. */
  audio: Int16Array;
  /** Marks that start within this chunk, in order. */
  marks: TtsMark[];
}

export interface TtsRequest {
  text: string;
  /** An engine voice name, as returned by `resolveVoice`. */
  voice: string;
  /** 0.25–4; 1 is the voice's natural pace. */
  speed?: number;
  signal: AbortSignal;
}

export interface TtsEngine {
  /** Names the engine in logs and errors, e.g. `flite(wasi)`. */
  readonly label: string;
  readonly capabilities: TtsCapabilities;
  /**
   * The engine voice for a protocol voice (an OpenAI name such as `alloy`, an engine voice name,
   * or a Voice Live voice object). An unknown voice throws a `ParleyError` `invalid_value` with
   * `param` 'voice' naming the voices there are.
   */
  resolveVoice(voice: Voice): string;
  synthesize(request: TtsRequest): AsyncIterable<TtsChunk>;
  /** Loads what the first synthesis would otherwise pay for. */
  warmup?(): Promise<void>;
  close?(): Promise<void>;
}
