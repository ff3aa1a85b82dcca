/**
 * A document cut into passages for the search index: each passage is whole paragraphs, or whole
 * sentences of a long paragraph, up to `maxChars`. A result then quotes a readable piece the LLM
 * can cite, rather than a whole file or a fragment cut mid-word.
 */

/** The longest passage, in characters: about a spoken minute's worth of reading for the LLM. */
export const MAX_PASSAGE_CHARS = 800;

/** Sentences of a paragraph; a sentence longer than `maxChars` is cut at word boundaries. */
function sentences(paragraph: string, maxChars: number): string[] {
  const out: string[] = [];
  for (const sentence of paragraph.split(/(?<=[.!?])\s+/)) {
    if (sentence.length <= maxChars) {
      out.push(sentence);
      continue;
    }
    let piece = '';
    for (const word of sentence.split(/\s+/)) {
      if (piece && piece.length + 1 + word.length > maxChars) {
        out.push(piece);
        piece = '';
      }
      // A single word longer than a passage (a URL, a hash) is cut where it must be.
      for (let w = word; w; w = w.slice(maxChars)) {
        const chunk = w.slice(0, maxChars);
        piece = piece ? `${piece} ${chunk}` : chunk;
        if (w.length > maxChars) {
          out.push(piece);
          piece = '';
        }
      }
    }
    if (piece) out.push(piece);
  }
  return out;
}

/** Joins `pieces` greedily into passages of at most `maxChars`, with `separator` between pieces. */
function pack(pieces: readonly string[], maxChars: number, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current && current.length + separator.length + piece.length > maxChars) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}${separator}${piece}` : piece;
  }
  if (current) out.push(current);
  return out;
}

export function splitPassages(text: string, maxChars = MAX_PASSAGE_CHARS): string[] {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const pieces = paragraphs.flatMap((p) => (p.length <= maxChars ? [p] : pack(sentences(p, maxChars), maxChars, ' ')));
  return pack(pieces, maxChars, '\n\n');
}
