/**
 * Word marks → audio timestamps: a real Flite sentence's words (their marks built from Flite's
 * phone timings and the words' pronunciations), and the edge cases: offsets, clipping to the
 * clause's audio, overlaps, rounding, other marks.
 */
import { describe, expect, it } from 'vitest';
import { WordTimestampTrack, wordTimestampsFor, type WordTimestamp, type WordTiming } from '../../src/animation/word-timestamps.js';
import { synthesizeSpeech } from '../support/speech.js';
import { durationMs } from './fixtures.js';

/** The sentence's words and how many phones Flite gives each. */
const WORDS: [string, number][] = [
  ['Pack', 3], ['my', 2], ['box', 4], ['with', 3], ['five', 3], ['dozen', 5], ['liquor', 4], ['jugs.', 4],
];

/** Word marks as a TTS engine reports them: each word's first phone start to last phone end. */
async function sentence(): Promise<{ marks: WordTiming[]; duration: number }> {
  const speech = await synthesizeSpeech(WORDS.map(([word]) => word).join(' '));
  const spoken = speech.phones.filter((p) => p.phone !== 'pau');
  expect(spoken.map((p) => p.phone).join(' ')).toBe('p ae k m ay b aa k s w ih dh f ay v d ah z ax n l ih k er jh ah g z');
  const marks: WordTiming[] = [];
  let at = 0;
  for (const [word, count] of WORDS) {
    const phones = spoken.slice(at, at + count);
    marks.push({ type: 'word', text: word, startMs: phones[0]!.startMs, endMs: phones.at(-1)!.endMs });
    at += count;
  }
  return { marks, duration: durationMs(speech) };
}

describe('wordTimestampsFor', () => {
  it("places a real sentence's words in order, inside the clause, at its offset", async () => {
    const { marks, duration } = await sentence();
    const offset = 2500.6;
    const stamps = wordTimestampsFor(marks, offset, { clauseDurationMs: duration });
    expect(stamps.map((s) => s.text)).toEqual(WORDS.map(([word]) => word));
    for (const [i, stamp] of stamps.entries()) {
      expect(stamp.timestamp_type).toBe('word');
      expect(Number.isInteger(stamp.audio_offset_ms) && Number.isInteger(stamp.audio_duration_ms)).toBe(true);
      expect(stamp.audio_duration_ms).toBeGreaterThan(50);
      expect(stamp.audio_offset_ms).toBeGreaterThanOrEqual(offset);
      expect(stamp.audio_offset_ms + stamp.audio_duration_ms).toBeLessThanOrEqual(offset + duration + 0.5);
      expect(Math.abs(stamp.audio_offset_ms - (offset + marks[i]!.startMs))).toBeLessThanOrEqual(1);
      expect(Math.abs(stamp.audio_offset_ms + stamp.audio_duration_ms - (offset + marks[i]!.endMs))).toBeLessThanOrEqual(1);
      // Adjacent words stay adjacent after rounding; none overlaps the previous one.
      if (i > 0) {
        const prev = stamps[i - 1]!;
        expect(stamp.audio_offset_ms).toBe(prev.audio_offset_ms + prev.audio_duration_ms);
      }
    }
    // The sentence starts after Flite's leading pause.
    expect(stamps[0]!.audio_offset_ms).toBeGreaterThan(offset + 100);
  });

  it('clips to the clause audio and never overlaps or goes back', () => {
    const marks: WordTiming[] = [
      { type: 'word', text: 'one', startMs: 100, endMs: 300 },
      { type: 'phoneme', text: 'w', startMs: 100, endMs: 150 },
      { type: 'word', text: 'two', startMs: 250, endMs: 500 }, // overlaps "one"
      { type: 'word', text: '  ', startMs: 500, endMs: 520 },
      { type: 'word', text: 'three', startMs: 520, endMs: 980 }, // runs past the audio
      { type: 'word', text: 'four', startMs: 990, endMs: 1100 }, // after the audio
    ];
    expect(wordTimestampsFor(marks, 1000, { clauseDurationMs: 900 })).toEqual([
      { audio_offset_ms: 1100, audio_duration_ms: 200, text: 'one', timestamp_type: 'word' },
      { audio_offset_ms: 1300, audio_duration_ms: 200, text: 'two', timestamp_type: 'word' },
      { audio_offset_ms: 1520, audio_duration_ms: 380, text: 'three', timestamp_type: 'word' },
      { audio_offset_ms: 1900, audio_duration_ms: 0, text: 'four', timestamp_type: 'word' },
    ]);
  });

  it('rounds start and end, keeps words after notBeforeMs, and needs no duration', () => {
    const marks: WordTiming[] = [
      { text: 'a', startMs: -5, endMs: 10.4 },
      { text: 'b', startMs: 10.4, endMs: 20.6 },
    ];
    expect(wordTimestampsFor(marks, 0.3)).toEqual([
      { audio_offset_ms: 0, audio_duration_ms: 11, text: 'a', timestamp_type: 'word' },
      { audio_offset_ms: 11, audio_duration_ms: 10, text: 'b', timestamp_type: 'word' },
    ]);
    expect(wordTimestampsFor(marks, 0, { notBeforeMs: 15 })[0]).toEqual({ audio_offset_ms: 15, audio_duration_ms: 0, text: 'a', timestamp_type: 'word' });
    expect(wordTimestampsFor([], 100)).toEqual([]);
  });
});

describe('WordTimestampTrack', () => {
  it('keeps the words of successive clauses and chunks in order without overlap', async () => {
    const { marks, duration } = await sentence();
    const words = new WordTimestampTrack();
    const stamps: WordTimestamp[] = [];
    // Clause 1 in two chunks (no duration known yet), clause 2 whole right after it.
    stamps.push(...words.push(marks.slice(0, 3), 0));
    stamps.push(...words.push(marks.slice(3), 0, duration));
    stamps.push(...words.push(marks, duration, duration));
    expect(stamps.map((s) => s.text)).toEqual([...marks, ...marks].map((m) => m.text));
    for (let i = 1; i < stamps.length; i++) {
      const prev = stamps[i - 1]!;
      expect(stamps[i]!.audio_offset_ms).toBeGreaterThanOrEqual(prev.audio_offset_ms + prev.audio_duration_ms);
    }
    expect(Math.abs(stamps[8]!.audio_offset_ms - stamps[0]!.audio_offset_ms - duration)).toBeLessThanOrEqual(1);
    expect(words.endMs).toBe(stamps.at(-1)!.audio_offset_ms + stamps.at(-1)!.audio_duration_ms);
    // A clause placed too early cannot go back in time.
    const late = words.push([{ type: 'word', text: 'again', startMs: 0, endMs: 100 }], 0);
    expect(late[0]!.audio_offset_ms).toBe(words.endMs);
  });
});
