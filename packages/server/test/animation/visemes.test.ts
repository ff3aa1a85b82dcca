/**
 * Phones → Azure viseme ids: the table against Flite's phone set (the phones real synthesized
 * sentences contain, and the whole `us_phoneset`) and Azure's en-US table, and the viseme track
 * of real Flite sentences against their phone timings.
 */
import { describe, expect, it } from 'vitest';
import {
  FLITE_PHONE_VISEMES,
  FLITE_PHONES,
  VISEME_BILABIAL,
  VISEME_COUNT,
  VISEME_DESCRIPTIONS,
  VISEME_SILENCE,
  VisemeTrack,
  phoneVisemes,
  visemeIdForPhone,
  visemesFor,
  type PhoneTiming,
  type VisemeEvent,
} from '../../src/animation/visemes.js';
import { synthesizeSpeech } from '../support/speech.js';
import { durationMs, marksOf, PHONE_SENTENCES } from './fixtures.js';

/** Flite's `us_phoneset` (lang/usenglish/us_phoneset.c), all 50 names. */
const US_PHONESET =
  'aa ae ah ao aw ax axr ay b ch d dh dx eh el em en er ey f g hh hv ih iy jh k l m n nx ng ow oy p r s sh t th uh uw v w y z zh pau h# brth'.split(' ');

/** Azure's en-US phonetic set: SAPI phone → viseme id(s), as its table lists them. */
const AZURE_EN_US: Record<string, number[]> = {
  iy: [6], ih: [6], ey: [4, 6], eh: [4], ae: [1], aa: [2], ao: [3], uh: [4], ow: [8, 4], uw: [7], ah: [1], ay: [11], aw: [9], oy: [10], ax: [1],
  er: [5], w: [7], y: [6], p: [21], b: [21], t: [19], d: [19], k: [20], g: [20], m: [21], n: [19], ng: [20],
  f: [18], v: [18], th: [19], dh: [17], s: [15], z: [15], sh: [16], zh: [16], hh: [12], ch: [19, 16], jh: [19, 16], l: [14], r: [13],
};

/** The viseme in effect at `ms`. */
const activeAt = (visemes: readonly VisemeEvent[], ms: number) => visemes.findLast((v) => v.audio_offset_ms <= ms)?.viseme_id;

describe('the phone → viseme table', () => {
  it('maps every phone of real Flite sentences to an id in 0..21, pau to silence', async () => {
    const seen = new Set<string>();
    for (const text of PHONE_SENTENCES) for (const p of (await synthesizeSpeech(text)).phones) seen.add(p.phone);
    // Flite's lexicon and letter-to-sound rules produce the 39 CMU phones, `ax` and `pau`.
    expect([...seen].sort()).toEqual(
      'aa ae ah ao aw ax ay b ch d dh eh er ey f g hh ih iy jh k l m n ng ow oy p pau r s sh t th uh uw v w y z zh'.split(' '),
    );
    for (const phone of seen) {
      const visemes = phoneVisemes(phone);
      expect(visemes, phone).toBeDefined();
      for (const id of visemes!.ids) expect(id >= 0 && id < VISEME_COUNT && Number.isInteger(id), phone).toBe(true);
    }
    expect(visemeIdForPhone('pau')).toBe(VISEME_SILENCE);
  });

  it('covers the whole of Flite us_phoneset and nothing else', () => {
    expect([...FLITE_PHONES].sort()).toEqual([...US_PHONESET].sort());
    for (const phone of ['pau', 'h#', 'brth']) expect(phoneVisemes(phone)!.ids, phone).toEqual([0]);
    for (const [phone, { ids, split }] of Object.entries(FLITE_PHONE_VISEMES)) {
      expect(ids.length === 1 || (ids.length === 2 && split! > 0 && split! < 1), phone).toBe(true);
      for (const id of ids) expect(id >= 0 && id < VISEME_COUNT, phone).toBe(true);
    }
    expect(VISEME_DESCRIPTIONS).toHaveLength(VISEME_COUNT);
  });

  it("agrees with Azure's en-US phonetic set", () => {
    for (const [phone, ids] of Object.entries(AZURE_EN_US)) expect(phoneVisemes(phone)!.ids, phone).toEqual(ids);
  });

  it('maps the bilabials p, b, m to the closed-lips viseme 21', () => {
    for (const phone of ['p', 'b', 'm', 'em']) expect(visemeIdForPhone(phone), phone).toBe(VISEME_BILABIAL);
    expect(VISEME_BILABIAL).toBe(21);
    // No other phone closes the lips.
    for (const phone of FLITE_PHONES) if (!['p', 'b', 'm', 'em'].includes(phone)) expect(phoneVisemes(phone)!.ids).not.toContain(21);
  });

  it('ignores case and ARPAbet stress digits; unknown phones are undefined', () => {
    expect(visemeIdForPhone('AA1')).toBe(2);
    expect(visemeIdForPhone('ey0')).toBe(4);
    expect(visemeIdForPhone('xx')).toBeUndefined();
    expect(visemeIdForPhone('constructor')).toBeUndefined();
  });
});

describe('visemesFor', () => {
  it('follows the phones of a real Flite sentence', async () => {
    for (const text of PHONE_SENTENCES) {
      const speech = await synthesizeSpeech(text);
      const visemes = visemesFor(marksOf(speech.phones));
      const duration = durationMs(speech);
      expect(visemes[0]).toEqual({ audio_offset_ms: 0, viseme_id: 0 });
      for (let i = 0; i < visemes.length; i++) {
        const v = visemes[i]!;
        expect(Number.isInteger(v.audio_offset_ms)).toBe(true);
        expect(v.audio_offset_ms).toBeGreaterThanOrEqual(0);
        expect(v.audio_offset_ms).toBeLessThan(duration);
        if (i > 0) {
          expect(v.audio_offset_ms).toBeGreaterThan(visemes[i - 1]!.audio_offset_ms);
          expect(v.viseme_id).not.toBe(visemes[i - 1]!.viseme_id);
        }
      }
      // Each phone shows its viseme(s) over its span.
      for (const p of speech.phones) {
        const { ids, split } = phoneVisemes(p.phone)!;
        const length = p.endMs - p.startMs;
        if (ids.length === 1) {
          expect(activeAt(visemes, p.startMs + length / 2), `${p.phone} at ${p.startMs}`).toBe(ids[0]);
        } else {
          expect(activeAt(visemes, p.startMs + (length * split!) / 2), `${p.phone} at ${p.startMs}`).toBe(ids[0]);
          expect(activeAt(visemes, p.startMs + length * (1 + split!) / 2), `${p.phone} at ${p.startMs}`).toBe(ids[1]);
        }
      }
      // Every viseme starts where a phone (or the second half of a split phone) starts.
      const starts = new Set(
        speech.phones.flatMap((p) => {
          const { ids, split } = phoneVisemes(p.phone)!;
          const at = [Math.round(p.startMs)];
          if (ids.length === 2) at.push(Math.round(p.startMs + (p.endMs - p.startMs) * split!));
          return at;
        }),
      );
      for (const v of visemes) expect(starts.has(v.audio_offset_ms), `${v.audio_offset_ms}`).toBe(true);
    }
  });

  it('puts the clause at its offset in the response', async () => {
    const speech = await synthesizeSpeech('Pack my box with five dozen liquor jugs.');
    const base = visemesFor(marksOf(speech.phones));
    const shifted = visemesFor(marksOf(speech.phones), 1234.4);
    expect(shifted.map((v) => v.viseme_id)).toEqual(base.map((v) => v.viseme_id));
    for (let i = 0; i < base.length; i++) expect(Math.abs(shifted[i]!.audio_offset_ms - base[i]!.audio_offset_ms - 1234.4)).toBeLessThanOrEqual(1);
  });

  it('works on the 8 kHz kal voice too', async () => {
    const speech = await synthesizeSpeech('Bob, Mom, and the happy puppy went to the big yellow house.', { voice: 'kal' });
    const visemes = visemesFor(marksOf(speech.phones));
    expect(visemes.filter((v) => v.viseme_id === 21).length).toBeGreaterThanOrEqual(6);
    expect(visemes.at(-1)!.audio_offset_ms).toBeLessThan(durationMs(speech));
  });

  it('merges identical neighbours, skips word marks and unknown phones', () => {
    const marks: PhoneTiming[] = [
      { type: 'phoneme', text: 'pau', startMs: 0, endMs: 100 },
      { type: 'word', text: 'mob', startMs: 100, endMs: 400 },
      { type: 'phoneme', text: 'm', startMs: 100, endMs: 160 },
      { type: 'phoneme', text: 'aa', startMs: 160, endMs: 300 },
      { type: 'phoneme', text: 'qq', startMs: 300, endMs: 310 },
      { type: 'phoneme', text: 'b', startMs: 310, endMs: 350 },
      { type: 'phoneme', text: 'p', startMs: 350, endMs: 400 },
      { type: 'phoneme', text: 'ey', startMs: 400, endMs: 500 },
      { type: 'phoneme', text: 'iy', startMs: 500, endMs: 560 },
      { type: 'phoneme', text: 'pau', startMs: 560, endMs: 700 },
    ];
    expect(visemesFor(marks, 1000)).toEqual([
      { audio_offset_ms: 1000, viseme_id: 0 },
      { audio_offset_ms: 1100, viseme_id: 21 },
      { audio_offset_ms: 1160, viseme_id: 2 },
      { audio_offset_ms: 1310, viseme_id: 21 },
      { audio_offset_ms: 1400, viseme_id: 4 },
      { audio_offset_ms: 1455, viseme_id: 6 },
      { audio_offset_ms: 1560, viseme_id: 0 },
    ]);
  });

  it('drops a viseme shorter than 1 ms in favour of its successor', () => {
    const marks: PhoneTiming[] = [
      { text: 'aa', startMs: 0, endMs: 100 },
      { text: 's', startMs: 100, endMs: 100.3 },
      { text: 'm', startMs: 100.3, endMs: 150 },
      { text: 'aa', startMs: 150, endMs: 150.2 },
      { text: 'm', startMs: 150.2, endMs: 200 },
    ];
    expect(visemesFor(marks)).toEqual([
      { audio_offset_ms: 0, viseme_id: 2 },
      { audio_offset_ms: 100, viseme_id: 21 },
    ]);
  });
});

describe('VisemeTrack', () => {
  it('merges across clauses and chunks, with non-decreasing offsets', async () => {
    const first = await synthesizeSpeech('Pack my box with five dozen liquor jugs.');
    const second = await synthesizeSpeech('The quick brown fox jumps over the lazy dog.');
    const track = new VisemeTrack();
    const firstMarks = marksOf(first.phones);
    // The first clause in two chunks, then the second clause whole.
    const events = [
      ...track.push(firstMarks.slice(0, 10), 0),
      ...track.push(firstMarks.slice(10), 0),
      ...track.push(marksOf(second.phones), durationMs(first)),
    ];
    const whole = [...visemesFor(firstMarks, 0), ...visemesFor(marksOf(second.phones), durationMs(first))];
    // The first clause's final pau and the second's leading pau are one silence.
    expect(events.length).toBe(whole.length - 1);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.audio_offset_ms).toBeGreaterThanOrEqual(events[i - 1]!.audio_offset_ms);
      expect(events[i]!.viseme_id).not.toBe(events[i - 1]!.viseme_id);
    }
    expect(track.last).toEqual(events.at(-1));
    // An overlapping clause cannot move the track back in time.
    const late = track.push([{ text: 'aa', startMs: 0, endMs: 50 }], 100);
    expect(late).toEqual([{ audio_offset_ms: events.at(-1)!.audio_offset_ms, viseme_id: 2 }]);
  });
});
