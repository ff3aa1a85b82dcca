import { describe, expect, it } from 'vitest';
import { ClauseSplitter } from '../../src/speaking/clause-splitter.js';

/** Feeds `text` in pieces of `size` characters, like an LLM's deltas; returns the clauses in order. */
function split(text: string, size = 3): string[] {
  const s = new ClauseSplitter();
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...s.push(text.slice(i, i + size)));
  return [...out, ...s.flush()];
}

describe('ClauseSplitter', () => {
  it('cuts at sentence ends as the text streams, and the first clause early', () => {
    expect(split('Sure, it is sunny in Paris today. Take sunglasses! Anything else?')).toEqual([
      'Sure,',
      'it is sunny in Paris today.',
      'Take sunglasses!',
      'Anything else?',
    ]);
    expect(split('Well then, it is sunny in Paris today, with a light breeze from the west, and warm.')).toEqual([
      'Well then,',
      'it is sunny in Paris today,',
      'with a light breeze from the west,',
      'and warm.',
    ]);
  });

  it('yields a clause as soon as the space after it arrives, before the LLM is done', () => {
    const s = new ClauseSplitter();
    expect(s.push('Hello there.')).toEqual([]);
    expect(s.push(' How')).toEqual(['Hello there.']);
  });

  it('does not cut inside numbers or after titles', () => {
    expect(split('It costs 3.50 euros. Dr. Smith will see you.')).toEqual(['It costs 3.50 euros.', 'Dr. Smith will see you.']);
  });

  it('cuts a long run without punctuation at a space', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const clauses = split(words);
    expect(clauses[0]!.split(' ')).toHaveLength(5);
    expect(clauses[1]!.split(' ')).toHaveLength(24);
    expect(clauses.join(' ')).toBe(words);
  });

  it('skips pieces with nothing to say', () => {
    expect(split(' ... ')).toEqual([]);
    expect(split('OK. ... Fine.')).toEqual(['OK.', 'Fine.']);
  });
});
