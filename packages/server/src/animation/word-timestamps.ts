/**
 * Word marks → `response.audio_timestamp.delta` payloads (Voice Live,
 * `output_audio_timestamp_types: ["word"]`): each spoken word with where it starts in the
 * response's audio and how long it lasts, in whole ms.
 */

/** One `response.audio_timestamp.delta` payload (without the response/item refs). */
export interface WordTimestamp {
  /** Where the word starts, in ms of the response's audio. */
  audio_offset_ms: number;
  audio_duration_ms: number;
  text: string;
  timestamp_type: 'word';
}

/**
 * A timed word: a TTS `word` mark. Marks of another `type` (e.g. `phoneme`) are skipped, so a
 * chunk's whole `marks` array can be passed.
 */
export interface WordTiming {
  type?: string;
  text: string;
  /** From the first sample of the clause's audio, in ms. */
  startMs: number;
  endMs: number;
}

export interface WordTimestampOptions {
  /**
   * The clause's audio length in ms: words are clipped to `[0, clauseDurationMs]` of the clause
   * (engines' last marks may overrun the audio by a few ms). Not clipped at the end if not given.
   */
  clauseDurationMs?: number;
  /**
   * No word starts before this (response clock), e.g. the end of the previous clause's last word.
   * Default: the clause's start, `offsetMs`.
   */
  notBeforeMs?: number;
}

/**
 * The word timestamps of one clause's `word` marks, with `offsetMs` (the clause's position in the
 * response's audio) added. In order, monotonic and not overlapping (each word starts at or after
 * the previous one's end), inside the clause's audio. Start and end are rounded to whole ms and
 * the duration is their difference, so adjacent words stay adjacent. Words with no text are
 * skipped.
 */
export function wordTimestampsFor(wordMarks: readonly WordTiming[], offsetMs = 0, options: WordTimestampOptions = {}): WordTimestamp[] {
  const clauseEnd = options.clauseDurationMs === undefined ? Infinity : offsetMs + Math.max(0, options.clauseDurationMs);
  const clauseStart = Math.round(offsetMs);
  let floor = Math.max(clauseStart, Math.round(options.notBeforeMs ?? -Infinity));
  const out: WordTimestamp[] = [];
  for (const mark of wordMarks) {
    if (mark.type !== undefined && mark.type !== 'word') continue;
    const text = mark.text.trim();
    if (text === '') continue;
    const ceiling = Math.round(clauseEnd);
    const start = Math.min(Math.max(Math.round(offsetMs + mark.startMs), floor), ceiling);
    const end = Math.min(Math.max(Math.round(offsetMs + mark.endMs), start), ceiling);
    out.push({ audio_offset_ms: start, audio_duration_ms: end - start, text, timestamp_type: 'word' });
    floor = end;
  }
  return out;
}

/**
 * Word timestamps over a stream of clauses (or chunks of one clause), in order: each call's words
 * start no earlier than the end of the last word returned before, so that the response's words
 * never overlap nor go back, whatever the clause offsets.
 */
export class WordTimestampTrack {
  #endMs = -Infinity;

  /** Where the last word returned so far ends (response clock), or -Infinity. */
  get endMs(): number {
    return this.#endMs;
  }

  /** The new words of `marks` (a clause's or a chunk's marks; clause clock, `offsetMs` added). */
  push(marks: readonly WordTiming[], offsetMs = 0, clauseDurationMs?: number): WordTimestamp[] {
    const words = wordTimestampsFor(marks, offsetMs, { clauseDurationMs, notBeforeMs: this.#endMs });
    const last = words.at(-1);
    if (last) this.#endMs = last.audio_offset_ms + last.audio_duration_ms;
    return words;
  }
}
