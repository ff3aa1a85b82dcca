/**
 * Citation markers in the LLM's words. Search results are numbered for the LLM, which cites
 * them as `[1]` or `[1, 3]` after what they support. Those markers must never be spoken or
 * shown: this filter takes them out of the streamed text (with the space before them) and
 * records where each stood, as a citation of the numbered source. Text that only looks like a
 * marker (`[7]` with no source 7) is left as it is.
 *
 * Deltas may split a marker anywhere, so a possible marker is held back until it closes or
 * cannot be one, and so is trailing whitespace, which belongs to a marker if one follows.
 */
import type { Source, SourceList } from '../tools/search/sources.js';

export interface Citation {
  /** Where the cited text ends in the filtered text, in characters. */
  index: number;
  source: Source;
}

const MARKER = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/;
/** A prefix of what may still become a marker. */
const OPEN_MARKER = /^\[[\d\s,]*$/;
/** Longer than any marker worth holding text back for. */
const MAX_MARKER_CHARS = 24;

export class CitationFilter {
  readonly #sources: SourceList;
  readonly #onCitation: (citation: Citation) => void;
  #held = '';
  /** Characters passed on so far. */
  #length = 0;

  constructor(sources: SourceList, onCitation: (citation: Citation) => void) {
    this.#sources = sources;
    this.#onCitation = onCitation;
  }

  /** The part of `delta` (with what was held) that can be passed on now. */
  push(delta: string): string {
    return this.#process(this.#held + delta, false);
  }

  /** What is still held, at the end of the text. */
  flush(): string {
    return this.#process(this.#held, true);
  }

  #process(text: string, final: boolean): string {
    this.#held = '';
    let out = '';
    let i = 0;
    while (i < text.length) {
      const open = text.indexOf('[', i);
      if (open < 0) {
        const rest = text.slice(i);
        const trailing = final ? '' : (/\s+$/.exec(rest)?.[0] ?? '');
        out += rest.slice(0, rest.length - trailing.length);
        this.#held = trailing;
        break;
      }
      const before = text.slice(i, open);
      const space = /\s*$/.exec(before)![0];
      out += before.slice(0, before.length - space.length);
      const candidate = text.slice(open);
      const marker = MARKER.exec(candidate);
      const sources = marker?.[1]!.split(',').map((n) => this.#sources.get(Number(n.trim())));
      if (marker && sources?.every((s) => s !== undefined)) {
        for (const source of sources) this.#onCitation({ index: this.#length + out.length, source: source! });
        i = open + marker[0].length;
      } else if (!marker && !final && OPEN_MARKER.test(candidate) && candidate.length <= MAX_MARKER_CHARS) {
        this.#held = space + candidate;
        break;
      } else {
        out += `${space}[`;
        i = open + 1;
      }
    }
    this.#length += out.length;
    return out;
  }
}

/** Where the sentence that holds `index` begins in `text`. */
function sentenceStart(text: string, index: number): number {
  const before = text.slice(0, index);
  const end = Math.max(before.lastIndexOf('. '), before.lastIndexOf('! '), before.lastIndexOf('? '), before.lastIndexOf('\n'));
  return end < 0 ? 0 : end + (before[end] === '\n' ? 1 : 2);
}

/**
 * The annotation for a citation, in the Responses API's shapes: a document is a
 * `file_citation` at the point cited; a web page is a `url_citation` spanning the sentence cited.
 */
export function annotationOf(citation: Citation, text: string): Record<string, unknown> {
  const { source, index } = citation;
  if (source.type === 'file') return { type: 'file_citation', index, file_id: source.file_id, filename: source.filename };
  return { type: 'url_citation', start_index: sentenceStart(text, index), end_index: index, url: source.url, title: source.title };
}
