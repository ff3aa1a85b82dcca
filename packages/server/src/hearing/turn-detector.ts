/**
 * Turn detection as a pure state machine over VAD frames: speech probabilities in, turn
 * signals out. Times are the session's audio clock: ms of input audio since the session began
 * (what `audio_start_ms` / `audio_end_ms` count), so results do not depend on how fast the
 * audio arrives or how long inference takes.
 *
 *   idle ──speech ≥ speechDurationMs──► detected ──a non-filler word (or fillers allowed)──► speaking
 *     ▲                                   │ silence: fillers only → discarded                   │
 *     └───────────────────────────────────┴──────────── silence ≥ policy.silenceMs ─────────────┘ stopped
 */
import { HYSTERESIS, type EndOfTurnPolicy } from './end-of-turn-policy.js';
import { isFillerOnly, wordsOf } from './utterance-completeness.js';

export type TurnSignal =
  /** Audio from `audio_start_ms` may be a turn: start transcribing it. */
  | { type: 'speech_detected'; audio_start_ms: number }
  /** The turn is real: announce it (and interrupt the assistant). */
  | { type: 'speech_started'; audio_start_ms: number }
  /** The turn ended at `audio_end_ms`; it was recognised at `commit_ms`, where the commit cuts. */
  | { type: 'speech_stopped'; audio_start_ms: number; audio_end_ms: number; commit_ms: number }
  /** What was detected was only fillers: forget it. */
  | { type: 'speech_discarded'; audio_start_ms: number; audio_end_ms: number };

type State =
  | { kind: 'idle'; runStartMs: number | null }
  | { kind: 'detected' | 'speaking'; startMs: number; lastSpeechEndMs: number };

export class TurnDetector {
  #state: State = { kind: 'idle', runStartMs: null };
  readonly #policy: EndOfTurnPolicy;
  readonly #transcript: () => string;

  /** `transcript` returns the words recognised so far in the current turn (may be ''). */
  constructor(policy: EndOfTurnPolicy, transcript: () => string) {
    this.#policy = policy;
    this.#transcript = transcript;
  }

  get policy(): EndOfTurnPolicy {
    return this.#policy;
  }

  /** Whether a turn has been detected and not yet ended. */
  get inTurn(): boolean {
    return this.#state.kind !== 'idle';
  }

  /** Forgets any turn in progress (after a manual commit or clear). */
  reset(): void {
    this.#state = { kind: 'idle', runStartMs: null };
  }

  /** One VAD frame covering [startMs, endMs) with speech probability `p`. */
  frame(p: number, startMs: number, endMs: number): TurnSignal[] {
    const policy = this.#policy;
    const state = this.#state;
    const out: TurnSignal[] = [];
    if (state.kind === 'idle') {
      if (p < policy.threshold) {
        // Between the two thresholds a run in progress survives; below them it is over.
        if (p < policy.threshold - HYSTERESIS) state.runStartMs = null;
        return out;
      }
      state.runStartMs ??= startMs;
      if (endMs - state.runStartMs < policy.speechDurationMs) return out;
      const audioStartMs = Math.max(0, state.runStartMs - policy.prefixPaddingMs);
      this.#state = { kind: 'detected', startMs: audioStartMs, lastSpeechEndMs: endMs };
      out.push({ type: 'speech_detected', audio_start_ms: audioStartMs });
      this.#maybeAnnounce(out);
      return out;
    }
    if (p >= policy.threshold - HYSTERESIS) state.lastSpeechEndMs = endMs;
    if (state.kind === 'detected') this.#maybeAnnounce(out);
    const silenceMs = endMs - state.lastSpeechEndMs;
    if (silenceMs > 0 && silenceMs >= policy.silenceMs(this.#transcript())) {
      const current = this.#state as Extract<State, { kind: 'detected' | 'speaking' }>;
      this.reset();
      if (current.kind === 'detected') {
        out.push({ type: 'speech_discarded', audio_start_ms: current.startMs, audio_end_ms: current.lastSpeechEndMs });
      } else {
        out.push({ type: 'speech_stopped', audio_start_ms: current.startMs, audio_end_ms: current.lastSpeechEndMs, commit_ms: endMs });
      }
    }
    return out;
  }

  #maybeAnnounce(out: TurnSignal[]): void {
    const state = this.#state;
    if (state.kind !== 'detected') return;
    if (this.#policy.ignoreFillers) {
      const transcript = this.#transcript();
      if (wordsOf(transcript).length === 0 || isFillerOnly(transcript)) return;
    }
    this.#state = { ...state, kind: 'speaking' };
    out.push({ type: 'speech_started', audio_start_ms: state.startMs });
  }
}
