/**
 * Timing marks for Flite's speech: phones from its `-psdur` trace, and words found by aligning
 * those phones to the clause's written words.
 *
 * Flite prints one relation per run (`-psdur` phones with end times, or `-pw` normalized words,
 * or `-pr Token` written tokens), never which phones belong to which word. So the words are
 * aligned:
 *
 * 1. The clause is cut into written words (whitespace-separated tokens, edge punctuation off).
 * 2. Each word's pronunciation comes from Flite itself: an *analysis run* reads the words from a
 *    file, one per paragraph (`-f`, words separated by blank lines), so Flite makes each one its
 *    own utterance and `-ps` prints one line of phones per word — numbers, abbreviations and
 *    symbols included, expanded exactly as Flite expands them ("3:45" → th r iy f ao r t iy f ay
 *    v). The analysis uses the fastest voice with `duration_stretch=0.1` (~2–4 ms for ten words;
 *    every voice shares Flite's English front end, so the phones are the same). Results are
 *    cached per word, and common words are loaded at warm-up, so most clauses need no analysis.
 * 3. The clause's phones are aligned to the concatenated word pronunciations by edit distance
 *    (a word's pronunciation in context can differ a little from the isolated one: "the" before
 *    a vowel, "Dr." as "drive" alone and "doctor" before a name); each phone belongs to the word
 *    of the pronunciation phone it is aligned with. A word whose pronunciation is unknown (the
 *    analysis failed) is a wildcard that takes the phones between its neighbours.
 *
 * Every written word gets exactly one mark, in order, inside the audio, never overlapping the
 * next one; a word Flite does not voice gets a zero-length mark where it stands.
 */
import type { TtsMark } from './index.js';

export interface Phone {
  phone: string;
  startMs: number;
  endMs: number;
}

export const PAUSE = 'pau';

/**
 * Flite's `-psdur` trace: `phone:endSeconds` pairs. Times restart after each line break (one
 * line per utterance when Flite splits the text into several).
 */
export function parsePhoneTrace(trace: string): Phone[] {
  const phones: Phone[] = [];
  let offsetMs = 0;
  for (const line of trace.split('\n')) {
    let lineEnd = offsetMs;
    for (const token of line.trim().split(/\s+/)) {
      const at = token.lastIndexOf(':');
      if (at <= 0) continue;
      const seconds = Number(token.slice(at + 1));
      if (!Number.isFinite(seconds)) continue;
      const startMs = phones.at(-1)?.endMs ?? 0;
      const endMs = Math.max(startMs, offsetMs + seconds * 1000);
      phones.push({ phone: token.slice(0, at), startMs, endMs });
      lineEnd = endMs;
    }
    offsetMs = lineEnd;
  }
  return phones;
}

/**
 * The phones clamped to the audio so they tile it exactly: the first starts at 0, each starts
 * where the previous ends, the last ends at `durationMs`. (The diphone voices' audio is ~0.11 s
 * shorter than their trace: half of the final pause is not rendered.)
 */
export function tilePhones(phones: Phone[], durationMs: number): Phone[] {
  const out: Phone[] = [];
  for (const p of phones) {
    const startMs = out.at(-1)?.endMs ?? 0;
    if (startMs >= durationMs) break;
    out.push({ phone: p.phone, startMs, endMs: Math.min(Math.max(p.endMs, startMs), durationMs) });
  }
  const last = out.at(-1);
  if (last) last.endMs = durationMs;
  else if (durationMs > 0) out.push({ phone: PAUSE, startMs: 0, endMs: durationMs });
  return out;
}

export interface WrittenWord {
  /** The word as written, edge punctuation off: the mark's text. */
  text: string;
  /** The pronunciation cache key. */
  key: string;
  /** The word as Flite should read it alone (ASCII); empty when Flite would say nothing. */
  flite: string;
}

/** Characters trimmed from both ends of a token. Symbols Flite reads out (& # @ % $ + =) stay. */
const EDGE_PUNCTUATION = /^[\s.,;:!?¡¿"'`“”‘’„‚«»‹›()[\]{}<>…\-‐‑‒–—―*_~/\\|]+|[\s.,;:!?¡¿"'`“”‘’„‚«»‹›()[\]{}<>…\-‐‑‒–—―*_~/\\|]+$/gu;
/** A word Flite reads as it is. */
const ASCII_WORD = /^[\x21-\x7e]*$/;
/** What makes a token a word: a letter, a digit, or a symbol Flite speaks. */
const SPEAKABLE = /[\p{L}\p{N}&#@%$€£¥+=]/u;

/**
 * Text as Flite reads it: Flite's front end is ASCII-only, so typographic punctuation becomes its
 * ASCII form, accents are dropped, dashes become commas (a pause), and other characters spaces.
 */
export function fliteText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[‘’‚‛′]/g, "'")
    .replace(/[“”„‟″«»]/g, '"')
    .replace(/…/g, '...')
    .replace(/\s[‐‑‒–—―]+\s|[—―]/g, ', ')
    .replace(/[‐‑‒–]/g, '-')
    .replace(/€/g, ' euro ')
    .replace(/£/g, ' pounds ')
    .replace(/[^\x20-\x7e\n]/g, ' ');
}

/** The clause's words, in order. */
export function writtenWords(text: string): WrittenWord[] {
  const words: WrittenWord[] = [];
  for (const token of text.split(/\s+/)) {
    const word = token.replace(EDGE_PUNCTUATION, '');
    if (!word || !SPEAKABLE.test(word)) continue;
    const flite = ASCII_WORD.test(word) ? word : fliteText(word).replace(/\s+/g, ' ').trim();
    words.push({ text: word, key: pronunciationKey(flite || word), flite });
  }
  return words;
}

/** Case-folded, except acronyms (two or more letters, all capitals), which Flite may spell out. */
export function pronunciationKey(word: string): string {
  const letters = word.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase() ? word : word.toLowerCase();
}

/** The input file of an analysis run: one word per paragraph. */
export function analysisInput(words: readonly string[]): string {
  return `${words.join('\n\n')}\n`;
}

/** The pronunciations an analysis run printed (`-ps`, one line per word), or undefined if they do not line up. */
export function parseAnalysis(stdout: string, count: number): string[][] | undefined {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  if (lines.length !== count) return undefined;
  return lines.map((line) => line.trim().split(/\s+/).filter((p) => p !== PAUSE));
}

const VOWELS = new Set(['aa', 'ae', 'ah', 'ao', 'aw', 'ax', 'axr', 'ay', 'eh', 'er', 'ey', 'ih', 'iy', 'ow', 'oy', 'uh', 'uw']);

const GAP = 1;
/** Tables up to this many cells are computed whole; larger ones only in a band around the diagonal. */
const FULL_TABLE_CELLS = 250_000;
/** Half-width of that band, in phones, beyond the difference of the two lengths. */
const BAND = 60;
/** What a wildcard (a word of unknown pronunciation) pays per phone it takes. */
const WILDCARD = 0.1;

/**
 * For each spoken phone, the index of the word it belongs to (non-decreasing). `pronunciations[i]`
 * is word i's expected phones, or `undefined` when unknown (then it takes whatever lies between
 * its neighbours). Phones the pronunciations lack go to the word before them.
 */
export function assignPhones(spoken: readonly string[], pronunciations: readonly (readonly string[] | undefined)[]): number[] {
  // Phones as small integers (0 = a wildcard), with a vowel flag each, for a tight inner loop.
  const ids = new Map<string, number>();
  const vowel: boolean[] = [false];
  const id = (phone: string) => {
    let found = ids.get(phone);
    if (found === undefined) {
      found = ids.size + 1;
      ids.set(phone, found);
      vowel.push(VOWELS.has(phone));
    }
    return found;
  };
  const itemWord: number[] = [];
  const itemPhone: number[] = [];
  pronunciations.forEach((phones, word) => {
    if (phones === undefined) {
      itemWord.push(word);
      itemPhone.push(0);
    } else
      for (const phone of phones) {
        itemWord.push(word);
        itemPhone.push(id(phone));
      }
  });
  const said = Int32Array.from(spoken, id);
  const n = itemWord.length;
  const m = said.length;
  if (n === 0) return spoken.map(() => 0);
  // Edit distance over an (n+1)×(m+1) table; for long clauses only a band around the diagonal
  // (the two sequences are nearly the same), so the cost stays linear: ~120 cells per phone.
  const full = (n + 1) * (m + 1) <= FULL_TABLE_CELLS;
  const band = BAND + Math.abs(n - m);
  const lo = new Int32Array(n + 1);
  const hi = new Int32Array(n + 1);
  const rowAt = new Int32Array(n + 2);
  for (let i = 0; i <= n; i++) {
    const center = Math.round((i * m) / n);
    lo[i] = full ? 0 : Math.max(0, center - band);
    hi[i] = full ? m : Math.min(m, center + band);
    rowAt[i + 1] = rowAt[i]! + hi[i]! - lo[i]! + 1;
  }
  const cost = new Float64Array(rowAt[n + 1]!);
  // 0 diagonal (aligned), 1 up (pronunciation phone not spoken), 2 left (spoken phone not in the pronunciation), 3 left into a wildcard
  const move = new Uint8Array(rowAt[n + 1]!);
  for (let j = 0; j <= hi[0]!; j++) {
    cost[j] = j * GAP;
    move[j] = 2;
  }
  for (let i = 1; i <= n; i++) {
    const phone = itemPhone[i - 1]!;
    const phoneVowel = vowel[phone]!;
    const rowLo = lo[i]!;
    const rowHi = hi[i]!;
    const row = rowAt[i]! - rowLo; // cost[row + j] is cell (i, j)
    const upLo = lo[i - 1]!;
    const upHi = hi[i - 1]!;
    const up = rowAt[i - 1]! - upLo; // cost[up + j] is cell (i-1, j)
    for (let j = rowLo; j <= rowHi; j++) {
      let best = j >= upLo && j <= upHi ? cost[up + j]! + (phone === 0 ? 0 : GAP) : Infinity;
      let how = 1;
      if (j > 0) {
        const left = j - 1 >= rowLo ? cost[row + j - 1]! : Infinity;
        if (phone === 0) {
          if (left + WILDCARD < best) {
            best = left + WILDCARD;
            how = 3;
          }
        } else {
          if (j - 1 >= upLo && j - 1 <= upHi) {
            const other = said[j - 1]!;
            const diagonal = cost[up + j - 1]! + (other === phone ? 0 : vowel[other] === phoneVowel ? (phoneVowel ? 0.6 : 0.8) : 1);
            if (diagonal <= best) {
              best = diagonal;
              how = 0;
            }
          }
          if (left + GAP < best) {
            best = left + GAP;
            how = 2;
          }
        }
      }
      cost[row + j] = best;
      move[row + j] = how;
    }
  }
  const owner = new Array<number>(m).fill(-1);
  let i = n;
  let j = m;
  while (j > 0) {
    const how = move[rowAt[i]! + j - lo[i]!]!;
    if (how === 1) {
      i--;
      continue;
    }
    // Diagonal and wildcard moves give the phone to item i-1's word; an extra phone goes to the
    // word of the last item before it (or the first word at the very start).
    owner[j - 1] = i > 0 ? itemWord[i - 1]! : itemWord[0]!;
    if (how === 0) i--;
    j--;
  }
  for (let k = 1; k < m; k++) owner[k] = Math.max(owner[k]!, owner[k - 1]!);
  return owner;
}

/**
 * One `word` mark per written word, from the tiled phones and the words' pronunciations.
 * Marks are in order, inside [0, durationMs], and do not overlap.
 */
export function wordMarks(words: readonly WrittenWord[], phones: readonly Phone[], pronunciations: readonly (readonly string[] | undefined)[]): TtsMark[] {
  const spoken = phones.filter((p) => p.phone !== PAUSE);
  const owner = assignPhones(
    spoken.map((p) => p.phone),
    pronunciations,
  );
  const spans: ({ startMs: number; endMs: number } | undefined)[] = words.map(() => undefined);
  spoken.forEach((p, k) => {
    const w = owner[k]!;
    const span = spans[w];
    if (span) span.endMs = p.endMs;
    else spans[w] = { startMs: p.startMs, endMs: p.endMs };
  });
  const marks: TtsMark[] = [];
  const speechStart = spoken[0]?.startMs ?? 0;
  let cursor = speechStart;
  words.forEach((word, w) => {
    const span = spans[w];
    // A word with no phones of its own stands at the end of the previous word (or where speech starts).
    const startMs = Math.max(cursor, span?.startMs ?? cursor);
    const endMs = Math.max(startMs, span?.endMs ?? startMs);
    marks.push({ type: 'word', text: word.text, startMs, endMs });
    cursor = endMs;
  });
  return marks;
}

/** Phones as `phoneme` marks. */
export function phoneMarks(phones: readonly Phone[]): TtsMark[] {
  return phones.map((p) => ({ type: 'phoneme', text: p.phone, startMs: p.startMs, endMs: p.endMs }));
}

/**
 * A pronunciation cache: word key → Flite's phones for it. Bounded; the oldest entries go first.
 */
export class PronunciationCache {
  readonly #entries = new Map<string, readonly string[]>();
  readonly #limit: number;

  constructor(limit = 50_000) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): readonly string[] | undefined {
    return this.#entries.get(key);
  }

  set(key: string, phones: readonly string[]): void {
    this.#entries.delete(key);
    this.#entries.set(key, phones);
    if (this.#entries.size > this.#limit) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}

/**
 * Common English words, analysed at warm-up so that most clauses need no analysis run.
 * (Function words, pronouns, auxiliaries, numbers, and the everyday vocabulary of assistants.)
 */
export const COMMON_WORDS: readonly string[] = `
a about above after again against all almost along already also although always am an and another any anyone anything are
around as ask asked at away back be because been before being below best better between big both but by call called can
can't cannot come could couldn't day days did didn't do does doesn't doing don't done down during each early either else
end enough even ever every everything few find first for found from full get gets getting give go goes going gone good got
great had hadn't has hasn't have haven't having he he's help her here here's hers herself him himself his how how's however
i i'd i'll i'm i've if in into is isn't it it's its itself just keep know known last later least less let let's like little
long look made make many may maybe me might mine more most much must my myself need never new next no none nor not nothing
now of off often oh ok okay old on once one only or other others our ours ourselves out over own part people perhaps place
please put quite rather really right said same say says see seem seems set she she's should shouldn't show since so some
someone something sometimes soon sorry still such sure take tell than thank thanks that that's the their theirs them
themselves then there there's these they they'd they'll they're they've thing things think this those though thought
through time times to today together told tomorrow too took toward try two under until up upon us use used very want wants
was wasn't way we we'd we'll we're we've well went were weren't what what's when where where's whether which while who
who's whole whom whose why will with within without won't would wouldn't yes yesterday yet you you'd you'll you're you've
your yours yourself yourselves zero three four five six seven eight nine ten eleven twelve twenty thirty hundred thousand
million hello hi hey goodbye bye welcome morning afternoon evening night week month year hour hours minute minutes second
seconds weather rain sunny cloudy cold hot warm temperature degrees forecast city home work school house room kitchen
light lights music song play stop start open close turn set timer alarm remind reminder call message send email phone
number name question answer idea problem information information course fine nice glad happy sure great perfect exactly
understand mean means help helpful assist assistant information today's tonight weekend monday tuesday wednesday
thursday friday saturday sunday january february march april may june july august september october november december
book table restaurant food dinner lunch breakfast coffee water order price cost money pay buy car drive left right
street road near far next first last best little big small large high low fast slow early late again another
`
  .trim()
  .split(/\s+/)
  .filter((word, index, all) => all.indexOf(word) === index);
