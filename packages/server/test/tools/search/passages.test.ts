import { describe, expect, it } from 'vitest';
import { splitPassages } from '../../../src/tools/search/passages.js';

describe('splitPassages', () => {
  it('keeps short paragraphs together in one passage, joined by a blank line', () => {
    expect(splitPassages('First para.\n\nSecond\npara.\r\n\r\nThird.', 100)).toEqual(['First para.\n\nSecond para.\n\nThird.']);
  });

  it('starts a new passage when the next paragraph would not fit', () => {
    const a = 'a'.repeat(30);
    const b = 'b'.repeat(30);
    expect(splitPassages(`${a}\n\n${b}`, 50)).toEqual([a, b]);
  });

  it('cuts a long paragraph at sentence ends, never mid-word', () => {
    const text = 'One two three. Four five six. Seven eight nine.';
    const passages = splitPassages(text, 30);
    expect(passages).toEqual(['One two three. Four five six.', 'Seven eight nine.']);
    for (const p of passages) expect(p.length).toBeLessThanOrEqual(30);
  });

  it('cuts a sentence longer than a passage at word boundaries, and an overlong word where it must', () => {
    const words = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');
    const passages = splitPassages(words, 40);
    expect(passages.join(' ')).toBe(words);
    for (const p of passages) expect(p.length).toBeLessThanOrEqual(40);
    const long = 'x'.repeat(95);
    expect(splitPassages(long, 40)).toEqual(['x'.repeat(40), 'x'.repeat(40), 'x'.repeat(15)]);
  });

  it('gives nothing for an empty or blank document', () => {
    expect(splitPassages('')).toEqual([]);
    expect(splitPassages(' \n\n \t\n')).toEqual([]);
  });
});
