import { describe, expect, it } from 'vitest';
import { completeness, isFillerOnly, withoutFillerWords } from '../../src/hearing/utterance-completeness.js';

describe('completeness', () => {
  it.each([
    ['turn on the kitchen lights', 0.8],
    ['what is the weather in paris today', 0.9],
    ['thank you', 0.9],
    ['yes', 0.9],
    ['Is it raining?', 0.95],
  ])('judges %j finished (%d)', (text, score) => expect(completeness(text)).toBe(score));

  it.each(['turn on the', 'i would like to', 'call my mother and', 'set an alarm for', 'book a table for two um'])('judges %j unfinished', (text) =>
    expect(completeness(text)).toBeLessThan(0.3),
  );

  it('has no evidence without words', () => expect(completeness('')).toBe(0.5));
});

describe('filler words', () => {
  it('tells filler-only utterances apart', () => {
    expect(isFillerOnly('um uh')).toBe(true);
    expect(isFillerOnly('Hmm.')).toBe(true);
    expect(isFillerOnly('um yes')).toBe(false);
    expect(isFillerOnly('')).toBe(false);
  });
  it('removes them from a transcript, keeping the rest as it was', () => {
    expect(withoutFillerWords('um turn on uh the lights')).toBe('turn on the lights');
    expect(withoutFillerWords('Hmm, OK.')).toBe('OK.');
  });
});
