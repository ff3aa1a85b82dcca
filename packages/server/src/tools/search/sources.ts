/**
 * The sources a session's searches have shown the LLM, numbered from 1 for the whole session:
 * the LLM cites them as `[n]`, in this response or a later one, and each number stays the same
 * source. A source found again keeps its first number.
 */

export type Source =
  | { type: 'file'; file_id: string; filename: string }
  | { type: 'url'; url: string; title: string };

/** Numbers are kept for this many distinct sources; later ones are not numbered (not citable). */
export const MAX_SOURCES = 999;

function keyOf(source: Source): string {
  return source.type === 'file' ? `file:${source.file_id}` : `url:${source.url}`;
}

export class SourceList {
  readonly #byNumber: Source[] = [];
  readonly #numbers = new Map<string, number>();

  /** The number of `source`, given one if it is new; undefined once MAX_SOURCES are numbered. */
  number(source: Source): number | undefined {
    const key = keyOf(source);
    const known = this.#numbers.get(key);
    if (known !== undefined) return known;
    if (this.#byNumber.length >= MAX_SOURCES) return undefined;
    this.#byNumber.push(source);
    this.#numbers.set(key, this.#byNumber.length);
    return this.#byNumber.length;
  }

  get(n: number): Source | undefined {
    return this.#byNumber[n - 1];
  }
}
