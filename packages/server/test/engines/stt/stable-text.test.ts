import { describe, expect, it } from 'vitest';
import { StableText, supportsLanguage, transcribe, type SttEngine, type SttEvent, type SttStream } from '../../../src/engines/stt/index.js';

/** Feeds hypotheses in order; returns the deltas, then the final's delta. */
function run(hypotheses: string[], final: string): { deltas: string[]; finalDelta: string; stable: StableText } {
  const stable = new StableText();
  const deltas = hypotheses.map((h) => stable.update(h));
  return { deltas, finalDelta: stable.finish(final), stable };
}

describe('StableText: full hypotheses → append-only deltas', () => {
  it('lets a word out once a later word follows it and it held its place for two hypotheses', () => {
    const { deltas, finalDelta } = run(['what', 'what is', 'what is the', 'what is the weather', 'what is the weather in pay'], 'what is the weather in paris');
    expect(deltas).toEqual(['', 'what', ' is', ' the', ' weather']);
    expect(finalDelta).toBe(' in paris');
  });

  it('never lets out a revised last word: "kids" becomes "kitchen" before it is stable', () => {
    const { deltas, finalDelta } = run(['turn', 'turn on', 'turn on the kids', 'turn on the kitchen law', 'turn on the kitchen lights'], 'turn on the kitchen lights');
    expect(deltas.join('')).toBe('turn on the kitchen');
    expect(deltas.join('') + finalDelta).toBe('turn on the kitchen lights');
    expect(deltas.some((d) => d.includes('kids'))).toBe(false);
  });

  it('waits when a hypothesis agrees on less than is already stable, and resumes after', () => {
    const { deltas } = run(['a b c d', 'a b c d e', 'a b', 'a b c d e f g'], 'a b c d e f g');
    expect(deltas).toEqual(['', 'a b c d', '', '']);
    const again = run(['a b c d', 'a b c d e', 'a b', 'a b c d e f g', 'a b c d e f g h'], 'a b c d e f g h');
    expect(again.deltas.join('')).toBe('a b c d e f g');
  });

  it('stops for good once stable text is contradicted; the final then carries no delta', () => {
    const { deltas, finalDelta, stable } = run(['turn on the lights', 'turn on the lights now', 'turn of the lights now please'], 'turn off the lights now please');
    expect(deltas).toEqual(['', 'turn on the lights', '']);
    expect(finalDelta).toBe('');
    expect(stable.text).toBe('turn on the lights');
  });

  it('gives the whole final as its delta when no partial came, and nothing for an empty final', () => {
    expect(run([], 'turn on the kitchen lights').finalDelta).toBe('turn on the kitchen lights');
    expect(run([], '').finalDelta).toBe('');
    expect(run(['hello'], '').finalDelta).toBe('');
  });

  it('ignores extra whitespace', () => {
    const { deltas, finalDelta } = run(['  one   two ', 'one two  three'], ' one two three ');
    expect(deltas.join('') + finalDelta).toBe('one two three');
  });
});

describe('supportsLanguage', () => {
  const caps = { partials: true, wordTimings: true, sampleRate: 16000, languages: ['en'] };
  it.each([
    [undefined, true],
    ['', true],
    ['en', true],
    ['en-US', true],
    ['EN_gb', true],
    ['de', false],
    ['de-DE', false],
    ['de,en', true],
  ])('%s → %s', (language, expected) => {
    expect(supportsLanguage(caps, language)).toBe(expected);
  });
  it('accepts anything when the engine declares no languages', () => {
    expect(supportsLanguage({ partials: false, wordTimings: false, sampleRate: 16000 }, 'fr')).toBe(true);
  });
});

describe('transcribe(): a buffered utterance through any engine', () => {
  it('writes the audio in chunkMs pieces, ends, passes partials on and returns the final', async () => {
    const writes: number[] = [];
    const engine: SttEngine = {
      label: 'fake',
      capabilities: { partials: true, wordTimings: false, sampleRate: 16000 },
      open(): SttStream {
        let ended = false;
        return {
          write: (pcm) => void writes.push(pcm.length),
          end: () => void (ended = true),
          async *[Symbol.asyncIterator](): AsyncIterator<SttEvent> {
            expect(ended).toBe(true);
            yield { type: 'partial', text: 'hello', delta: '' };
            yield { type: 'final', text: 'hello world', delta: 'hello world', audioMs: 250 };
          },
        };
      },
    };
    const partials: string[] = [];
    const final = await transcribe(engine, new Int16Array(4000), { signal: new AbortController().signal, chunkMs: 100, onPartial: (p) => partials.push(p.text) });
    expect(writes).toEqual([1600, 1600, 800]);
    expect(partials).toEqual(['hello']);
    expect(final.text).toBe('hello world');
  });
});
