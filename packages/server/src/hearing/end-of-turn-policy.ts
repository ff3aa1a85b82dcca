/**
 * What each `turn_detection` type means, as numbers the turn detector applies frame by frame:
 * when a frame is speech, how much speech opens a turn, how much audio before it belongs to
 * the turn, and — the part that differs between types — how long a silence ends it.
 *
 * - `server_vad`: a fixed `silence_duration_ms`.
 * - `semantic_vad`: the silence needed depends on how finished the words so far sound
 *   (utterance-completeness.ts) and on `eagerness`. A finished-sounding utterance ends after a
 *   short pause; an unfinished one is given up to the eagerness's maximum (8 s low, 4 s
 *   medium/auto, 2 s high — the hosted service's figures).
 * - `azure_semantic_vad*`: `silence_duration_ms` when the utterance sounds finished; when it
 *   sounds unfinished, `end_of_utterance_detection.timeout_ms` (default 1000) more at most.
 *   `threshold_level` sets how sure the judgement must be (low 0.3, medium/default 0.5, high
 *   0.7). `remove_filler_words` keeps "um", "uh", "hmm" from opening a turn (so they never
 *   interrupt the assistant) and from the transcript.
 */
import type { TurnDetection } from '@parley/protocol';
import { completeness } from './utterance-completeness.js';

export interface EndOfTurnPolicy {
  /** A frame with this speech probability or more is speech. */
  readonly threshold: number;
  /** Speech must last this long before the turn opens (a cough or click does not). */
  readonly speechDurationMs: number;
  /** Audio kept before the first speech frame; `audio_start_ms` includes it. */
  readonly prefixPaddingMs: number;
  /** Whether the turn must wait for a non-filler word before it opens. */
  readonly ignoreFillers: boolean;
  /** Whether the turn's end depends on its words (the detector then asks for the transcript). */
  readonly semantic: boolean;
  /** How much silence after the last speech ends the turn, given the words heard so far. */
  silenceMs(transcript: string): number;
}

/** A frame is silence below `threshold - HYSTERESIS` (Silero's own rule), so speech hovering at the threshold does not flicker. */
export const HYSTERESIS = 0.15;

const EAGERNESS = {
  low: { finishedMs: 1000, unfinishedMs: 8000 },
  medium: { finishedMs: 500, unfinishedMs: 4000 },
  auto: { finishedMs: 500, unfinishedMs: 4000 },
  high: { finishedMs: 200, unfinishedMs: 2000 },
} as const;

const THRESHOLD_LEVEL = { low: 0.3, medium: 0.5, default: 0.5, high: 0.7 } as const;

/** Semantic VAD's own defaults for the energy side (not configurable there). */
const SEMANTIC_VAD_FRAME = { threshold: 0.5, speechDurationMs: 0, prefixPaddingMs: 300 };

export function endOfTurnPolicy(td: TurnDetection): EndOfTurnPolicy {
  switch (td.type) {
    case 'server_vad': {
      const silence = td.silence_duration_ms ?? 500;
      return {
        threshold: td.threshold ?? 0.5,
        speechDurationMs: td.speech_duration_ms ?? 0,
        prefixPaddingMs: td.prefix_padding_ms ?? 300,
        ignoreFillers: false,
        semantic: false,
        silenceMs: () => silence,
      };
    }
    case 'semantic_vad': {
      const { finishedMs, unfinishedMs } = EAGERNESS[td.eagerness ?? 'auto'];
      return {
        ...SEMANTIC_VAD_FRAME,
        ignoreFillers: false,
        semantic: true,
        silenceMs: (transcript) => {
          // Completeness 0.8 or more waits finishedMs, 0.2 or less unfinishedMs, linear between.
          const sure = Math.min(1, Math.max(0, (completeness(transcript) - 0.2) / 0.6));
          return Math.round(unfinishedMs - (unfinishedMs - finishedMs) * sure);
        },
      };
    }
    default: {
      const silence = td.silence_duration_ms ?? 500;
      const eou = td.end_of_utterance_detection;
      const needed = THRESHOLD_LEVEL[eou?.threshold_level ?? 'default'];
      const extraMs = eou?.timeout_ms ?? 1000;
      return {
        threshold: td.threshold ?? 0.5,
        speechDurationMs: td.speech_duration_ms ?? 80,
        prefixPaddingMs: td.prefix_padding_ms ?? 300,
        ignoreFillers: td.remove_filler_words ?? false,
        semantic: eou != null,
        silenceMs: eou ? (transcript) => (completeness(transcript) >= needed ? silence : silence + extraMs) : () => silence,
      };
    }
  }
}
