/**
 * How finished an utterance sounds, judged from its (partial) transcript. Semantic turn
 * detection waits longer after "I'd like to book a table for" than after "book a table for
 * two", the way a person listening would.
 *
 * The method is lexical, so it runs on every VAD frame for free and on any STT engine's
 * partials: an utterance that stops on a word which cannot end an English sentence (an
 * article, preposition, conjunction, auxiliary, possessive or a filler) is unfinished; one
 * that stops on a closing word (an acknowledgement, a thank-you) is finished; anything else
 * is probably finished. Scores are in [0, 1]; 0.5 means "no evidence" (no words yet).
 */

/** Hesitations that carry no content: removed by `remove_filler_words`, and never the end of a thought. */
export const FILLER_WORDS: ReadonlySet<string> = new Set(['um', 'umm', 'uh', 'uhh', 'uh-huh', 'hmm', 'hm', 'mm', 'mhm', 'mm-hmm', 'er', 'erm', 'ah', 'eh']);

/** Words after which a sentence goes on. */
const CONTINUATION_WORDS: ReadonlySet<string> = new Set([
  // articles and determiners
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'some', 'any', 'every', 'each', 'another',
  // possessives
  'my', 'your', 'his', 'her', 'its', 'our', 'their',
  // prepositions
  'to', 'of', 'in', 'on', 'at', 'for', 'with', 'from', 'by', 'about', 'into', 'onto', 'over', 'under', 'between', 'through', 'during', 'before', 'after', 'like', 'than', 'as',
  // conjunctions
  'and', 'or', 'but', 'so', 'because', 'if', 'when', 'while', 'although', 'though', 'unless', 'until', 'whether', 'then', 'also',
  // auxiliaries and modals that need a verb after them
  'is', 'are', 'was', 'were', 'be', 'been', 'am', 'do', 'does', 'did', 'have', 'has', 'had', 'can', 'could', 'will', 'would', 'shall', 'should', 'may', 'might', 'must',
  "i'm", "i'd", "i'll", "you're", "we're", "they're", "it's", "let's",
  // subject pronouns waiting for their verb
  'i', 'we', 'they', 'he', 'she',
  // words that announce more
  'what', 'which', 'who', 'where', 'how', 'why', 'very', 'really', 'just', 'please', 'want', 'need', 'maybe',
]);

/** Words that close a turn by themselves. */
const CLOSING_WORDS: ReadonlySet<string> = new Set([
  'yes', 'yeah', 'yep', 'no', 'nope', 'okay', 'ok', 'thanks', 'bye', 'goodbye', 'hello', 'hi', 'hey', 'sure', 'right', 'done', 'now', 'today', 'tomorrow', 'please',
]);

export function wordsOf(transcript: string): string[] {
  return transcript
    .toLowerCase()
    .split(/[^a-z0-9'-]+/)
    .filter(Boolean);
}

export function isFillerOnly(transcript: string): boolean {
  const words = wordsOf(transcript);
  return words.length > 0 && words.every((w) => FILLER_WORDS.has(w));
}

export function withoutFillerWords(transcript: string): string {
  return transcript
    .split(/\s+/)
    .filter((token) => !FILLER_WORDS.has(token.toLowerCase().replace(/[^a-z'-]/g, '')))
    .join(' ')
    .trim();
}

/** 0 = surely unfinished, 1 = surely finished, 0.5 = nothing to judge by. */
export function completeness(transcript: string): number {
  if (/[.!?]\s*$/.test(transcript)) return 0.95; // engines that punctuate say so themselves
  const words = wordsOf(transcript).filter((w) => !FILLER_WORDS.has(w));
  const trailingFiller = FILLER_WORDS.has(wordsOf(transcript).at(-1) ?? '');
  const last = words.at(-1);
  if (last === undefined) return trailingFiller ? 0.2 : 0.5;
  if (trailingFiller) return 0.2;
  // "please" closes "two tickets please" but opens "please book…": alone, it is unfinished.
  if (words.slice(-2).join(' ') === 'thank you') return 0.9;
  if (CLOSING_WORDS.has(last) && !(words.length === 1 && CONTINUATION_WORDS.has(last))) return 0.9;
  if (CONTINUATION_WORDS.has(last)) return 0.1;
  return words.length === 1 ? 0.6 : 0.8;
}
