/**
 * Cuts the LLM's streaming text into speakable clauses, so speech starts while the model is
 * still writing. A clause ends at a sentence end (. ! ? …) followed by a space; at a comma,
 * semicolon, colon or dash once it holds enough words to sound natural on its own; or, failing
 * punctuation, at a space once it has grown long. The first clause of a response is cut
 * sooner than the rest: the user waits for it.
 *
 * A full stop inside "3.5" or "e.g." is followed by no space, so it cuts nothing; one after a
 * short abbreviation ("Dr. Smith", "Mr. Li") is held until the next word shows it did not end
 * a sentence.
 */

export interface ClauseSplitterOptions {
  /** Words a clause needs before a comma may end it: the first clause, and the rest. */
  firstMinWords?: number;
  minWords?: number;
  /** Words after which a clause is cut at the next space even without punctuation. */
  firstMaxWords?: number;
  maxWords?: number;
}

const SENTENCE_END = /[.!?…]+["')\]]*$/;
const CLAUSE_END = /[,;:—–]["')\]]*$|\s-$/;
const ABBREVIATIONS = new Set(['mr.', 'mrs.', 'ms.', 'dr.', 'st.', 'prof.', 'sr.', 'jr.', 'vs.', 'etc.', 'no.', 'approx.']);

export class ClauseSplitter {
  #pending = '';
  #emitted = 0;
  readonly #options: Required<ClauseSplitterOptions>;

  constructor(options: ClauseSplitterOptions = {}) {
    // The first clause is what the user waits for: it may be a single word ("Sure,") and is cut by
    // its fifth word at the latest. Later clauses are longer, which sounds more natural.
    this.#options = { firstMinWords: 1, minWords: 4, firstMaxWords: 5, maxWords: 24, ...options };
  }

  /** Takes the next piece of text; returns the clauses it completed, in order. */
  push(text: string): string[] {
    this.#pending += text;
    const out: string[] = [];
    for (;;) {
      const cut = this.#findCut();
      if (cut === -1) break;
      const clause = this.#pending.slice(0, cut).trim();
      this.#pending = this.#pending.slice(cut);
      if (/[\p{L}\p{N}]/u.test(clause)) {
        out.push(clause);
        this.#emitted++;
      }
    }
    return out;
  }

  /** The text left when the LLM has finished. */
  flush(): string[] {
    const rest = this.#pending.trim();
    this.#pending = '';
    if (!/[\p{L}\p{N}]/u.test(rest)) return [];
    this.#emitted++;
    return [rest];
  }

  /** Where to cut `#pending` (the index after the clause's last character), or -1. */
  #findCut(): number {
    const text = this.#pending;
    const first = this.#emitted === 0;
    const minWords = first ? this.#options.firstMinWords : this.#options.minWords;
    const maxWords = first ? this.#options.firstMaxWords : this.#options.maxWords;
    let words = 0;
    // Walk the whitespace-separated tokens that are complete (followed by whitespace).
    const token = /(\S+)(\s+)/g;
    for (let m = token.exec(text); m; m = token.exec(text)) {
      words++;
      const word = m[1]!;
      const end = m.index + word.length;
      if (SENTENCE_END.test(word) && !ABBREVIATIONS.has(word.toLowerCase())) return end;
      if (CLAUSE_END.test(word) && words >= minWords) return end;
      if (words >= maxWords) return end;
    }
    return -1;
  }
}
