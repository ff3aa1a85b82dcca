/** Shared helpers of the animation tests: real Flite sentences and their marks. */
import type { PhoneTiming } from '../../src/animation/visemes.js';
import type { Phone, Speech } from '../support/speech.js';

/** Sentences that together contain every phone Flite's lexicon and letter-to-sound rules produce. */
export const PHONE_SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Pack my box with five dozen liquor jugs.',
  'She sells sea shells by the sea shore, measure the treasure and the vision.',
  'Your father thought the boy would enjoy the ring of the church bell at noon, but I owe you one.',
  'How about the hour? Our toy choir sang a joyful tune. Hello, world!',
  'Bob, Mom, and the happy puppy went to the big yellow house to watch the thunder.',
];

/** Flite's phones as the TTS engine's `phoneme` marks. */
export const marksOf = (phones: readonly Phone[]): PhoneTiming[] =>
  phones.map((p) => ({ type: 'phoneme', text: p.phone, startMs: p.startMs, endMs: p.endMs }));

/** The length of a clip's audio in ms. */
export const durationMs = (speech: Speech): number => (speech.samples.length * 1000) / speech.sampleRate;
