/**
 * Phones → Azure viseme ids, for `response.animation_viseme.delta` (Voice Live, `animation.outputs`
 * including `viseme_id`).
 *
 * Azure's viseme ids are the 22 mouth positions of SAPI's "Disney" set: 0 is silence, 1–11 vowels,
 * 12–21 consonants (21 = p/b/m, lips closed). Azure's en-US phone table gives one id per phone,
 * and two for a few (a diphthong's start and end, an affricate's stop then fricative): `ey` 4→6,
 * `ow` 8→4, `ch`/`jh` 19→16. Such a phone is split in two visemes over its duration.
 *
 * The input is the TTS engine's `phoneme` marks (Flite's phone set, see `FLITE_PHONES`), on the
 * clock of one clause's audio; the output is on the response's audio clock (`offsetMs` added),
 * in whole milliseconds, non-decreasing, with consecutive identical ids merged.
 *
 * See docs/animation.md for the table and references.
 */

/** An Azure viseme id, 0 (silence) to 21 (p, b, m). */
export type VisemeId =
  | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10
  | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21;

/** How many viseme ids there are (0..21). */
export const VISEME_COUNT = 22;
/** Silence (and pauses, breaths). */
export const VISEME_SILENCE = 0 as const;
/** Lips closed: p, b, m. */
export const VISEME_BILABIAL = 21 as const;

/** What each viseme id depicts: its typical en-US phones, in Flite's spelling. */
export const VISEME_DESCRIPTIONS: readonly string[] = [
  'silence',
  'ae, ax, ah (æ ə ʌ)',
  'aa (ɑ)',
  'ao (ɔ)',
  'eh, uh (ɛ ʊ)',
  'er (ɝ)',
  'y, iy, ih (j i ɪ)',
  'w, uw (w u)',
  'ow (o)',
  'aw (aʊ)',
  'oy (ɔɪ)',
  'ay (aɪ)',
  'hh (h)',
  'r (ɹ)',
  'l (l)',
  's, z (s z)',
  'sh, ch, jh, zh (ʃ tʃ dʒ ʒ)',
  'dh (ð)',
  'f, v (f v)',
  'd, t, n, th (d t n θ)',
  'k, g, ng (k g ŋ)',
  'p, b, m (p b m)',
];

/**
 * A phone's visemes: one id, or two with the fraction of the phone's duration the first one takes
 * (the second starts at `start + split × duration`).
 */
export interface PhoneVisemes {
  ids: readonly [VisemeId] | readonly [VisemeId, VisemeId];
  /** For two ids: where the second one starts, as a fraction of the phone's duration. */
  split?: number;
}

const one = (id: VisemeId): PhoneVisemes => ({ ids: [id] });
const two = (first: VisemeId, second: VisemeId, split: number): PhoneVisemes => ({ ids: [first, second], split });

/**
 * Flite's US English phone set (`us_phoneset`: CMU ARPAbet, lowercase, no stress) → Azure viseme
 * ids, following Azure's en-US phonetic-set table. The phones Flite's lexicon and letter-to-sound
 * rules produce are the 40 phones plus `pau`; the rest of the set (`axr dx el em en hv nx h# brth`)
 * is mapped too, by the phone it is a variant of.
 */
export const FLITE_PHONE_VISEMES: Readonly<Record<string, PhoneVisemes>> = Object.freeze({
  // Silence.
  pau: one(0),
  'h#': one(0),
  brth: one(0),
  // Vowels.
  aa: one(2),
  ae: one(1),
  ah: one(1),
  ao: one(3),
  aw: one(9),
  ax: one(1),
  axr: one(1), // ɚ: Azure gives `ax r` the id of `ax`
  ay: one(11),
  eh: one(4),
  er: one(5),
  ey: two(4, 6, 0.55), // eɪ
  ih: one(6),
  iy: one(6),
  ow: two(8, 4, 0.55), // oʊ
  oy: one(10),
  uh: one(4),
  uw: one(7),
  // Semivowels and approximants.
  w: one(7),
  y: one(6),
  r: one(13),
  l: one(14),
  el: one(14), // syllabic l
  // Stops, nasals, flaps.
  p: one(21),
  b: one(21),
  m: one(21),
  em: one(21), // syllabic m
  t: one(19),
  d: one(19),
  n: one(19),
  en: one(19), // syllabic n
  dx: one(19), // flap (butter)
  nx: one(19), // nasal flap
  k: one(20),
  g: one(20),
  ng: one(20),
  // Fricatives and affricates.
  f: one(18),
  v: one(18),
  th: one(19), // θ: Azure en-US puts it with d, t, n
  dh: one(17), // ð
  s: one(15),
  z: one(15),
  sh: one(16),
  zh: one(16),
  ch: two(19, 16, 0.4), // tʃ: closure, then release
  jh: two(19, 16, 0.4), // dʒ
  hh: one(12),
  hv: one(12), // voiced h
});

/** Every phone of Flite's US English phone set, `pau` included. */
export const FLITE_PHONES: readonly string[] = Object.freeze(Object.keys(FLITE_PHONE_VISEMES));

/**
 * A phone's visemes, or undefined for a phone not in the table. Case and an ARPAbet stress digit
 * are ignored (`AA1` is `aa`).
 */
export function phoneVisemes(phone: string): PhoneVisemes | undefined {
  const key = phone.trim().toLowerCase().replace(/[0-2]$/, '');
  return Object.hasOwn(FLITE_PHONE_VISEMES, key) ? FLITE_PHONE_VISEMES[key] : undefined;
}

/** A phone's (first) viseme id, or undefined for a phone not in the table. */
export function visemeIdForPhone(phone: string): VisemeId | undefined {
  return phoneVisemes(phone)?.ids[0];
}

/** One `response.animation_viseme.delta` payload (without the response/item refs). */
export interface VisemeEvent {
  /** Where the viseme starts, in ms of the response's audio. */
  audio_offset_ms: number;
  viseme_id: VisemeId;
}

/**
 * A timed phone: a TTS `phoneme` mark. Marks of another `type` (e.g. `word`) are skipped, so a
 * chunk's whole `marks` array can be passed.
 */
export interface PhoneTiming {
  type?: string;
  text: string;
  /** From the first sample of the clause's audio, in ms. */
  startMs: number;
  endMs: number;
}

/**
 * Visemes over a stream of clauses (or of chunks of one clause), in order: merges a viseme with
 * the previous one when their ids are equal, also across calls, so that a clause's trailing `pau`
 * and the next clause's leading `pau` make one silence.
 *
 * Offsets are whole ms on the response clock and never decrease. Within one `push`, a viseme that
 * lasts less than 1 ms (its successor starts at the same rounded ms) is dropped in favour of its
 * successor; across calls an offset earlier than the last one sent is raised to it. Phones not in
 * the table are skipped (the previous viseme continues).
 */
export class VisemeTrack {
  #last: VisemeEvent | undefined;

  /** The last viseme returned so far. */
  get last(): VisemeEvent | undefined {
    return this.#last;
  }

  /**
   * The new visemes of `marks` (a clause's or a chunk's `phoneme` marks, in order), with
   * `offsetMs` (where the clause's audio starts in the response's audio) added.
   */
  push(marks: readonly PhoneTiming[], offsetMs = 0): VisemeEvent[] {
    const out: VisemeEvent[] = [];
    const sent = this.#last;
    const floor = sent?.audio_offset_ms ?? -Infinity;
    const add = (atMs: number, id: VisemeId): void => {
      let at = Math.max(Math.round(atMs), floor);
      const prev = out.at(-1);
      if (prev) at = Math.max(at, prev.audio_offset_ms);
      if (prev && prev.audio_offset_ms === at) {
        // The previous viseme would last < 1 ms: the new one replaces it.
        out.pop();
        const before = out.at(-1) ?? sent;
        if (before?.viseme_id !== id) out.push({ audio_offset_ms: at, viseme_id: id });
        return;
      }
      if ((prev ?? sent)?.viseme_id === id) return;
      out.push({ audio_offset_ms: at, viseme_id: id });
    };
    for (const mark of marks) {
      if (mark.type !== undefined && mark.type !== 'phoneme') continue;
      const visemes = phoneVisemes(mark.text);
      if (!visemes) continue;
      const start = offsetMs + mark.startMs;
      add(start, visemes.ids[0]);
      if (visemes.ids.length === 2) {
        const duration = Math.max(0, mark.endMs - mark.startMs);
        add(start + duration * (visemes.split ?? 0.5), visemes.ids[1]);
      }
    }
    if (out.length > 0) this.#last = out.at(-1);
    return out;
  }
}

/**
 * The visemes of one clause's `phoneme` marks, with `offsetMs` (the clause's position in the
 * response's audio) added: `[{audio_offset_ms, viseme_id}]`, offsets whole ms and non-decreasing,
 * consecutive identical ids merged. For several clauses in a row, `VisemeTrack` also merges across
 * clause boundaries.
 */
export function visemesFor(phoneMarks: readonly PhoneTiming[], offsetMs = 0): VisemeEvent[] {
  return new VisemeTrack().push(phoneMarks, offsetMs);
}
