/** The pure parts of Flite's marks: trace parsing, tiling, word splitting, phone-to-word alignment. */
import { describe, expect, it } from 'vitest';
import {
  assignPhones,
  fliteText,
  parseAnalysis,
  parsePhoneTrace,
  pronunciationKey,
  tilePhones,
  wordMarks,
  writtenWords,
} from '../../../src/engines/tts/flite-marks.js';

describe('parsePhoneTrace', () => {
  it('reads phone end times into start/end pairs', () => {
    expect(parsePhoneTrace('pau:0.220 hh:0.295 ax:0.342 \n')).toEqual([
      { phone: 'pau', startMs: 0, endMs: 220 },
      { phone: 'hh', startMs: 220, endMs: 295 },
      { phone: 'ax', startMs: 295, endMs: 342 },
    ]);
  });

  it('continues the clock across line breaks, where Flite restarts it', () => {
    const phones = parsePhoneTrace('pau:0.100 ay:0.200 pau:0.300 \npau:0.100 ow:0.250 pau:0.300 \n');
    expect(phones.map((p) => [p.phone, p.startMs, p.endMs])).toEqual([
      ['pau', 0, 100],
      ['ay', 100, 200],
      ['pau', 200, 300],
      ['pau', 300, 400],
      ['ow', 400, 550],
      ['pau', 550, 600],
    ]);
  });

  it('ignores junk and never goes back in time', () => {
    const phones = parsePhoneTrace('garbage pau:0.1 x:abc ay:0.05 \n');
    expect(phones).toEqual([
      { phone: 'pau', startMs: 0, endMs: 100 },
      { phone: 'ay', startMs: 100, endMs: 100 },
    ]);
  });
});

describe('tilePhones', () => {
  const phones = parsePhoneTrace('pau:0.2 hh:0.3 ay:0.5 pau:0.72');
  it('stretches the last phone to the end of the audio', () => {
    const tiled = tilePhones(phones, 800);
    expect(tiled.at(-1)).toEqual({ phone: 'pau', startMs: 500, endMs: 800 });
  });
  it('cuts phones at a shorter audio end (the diphone voices drop half the final pause)', () => {
    expect(tilePhones(phones, 610).at(-1)).toEqual({ phone: 'pau', startMs: 500, endMs: 610 });
    expect(tilePhones(phones, 450).map((p) => p.phone)).toEqual(['pau', 'hh', 'ay']);
    expect(tilePhones(phones, 450).at(-1)!.endMs).toBe(450);
  });
  it('gives audio without a trace one pause', () => {
    expect(tilePhones([], 300)).toEqual([{ phone: 'pau', startMs: 0, endMs: 300 }]);
  });
});

describe('writtenWords', () => {
  it('keeps punctuation off the words and symbols Flite reads on them', () => {
    const words = writtenWords('“Hello,” Dr. Smith: it’s 3:45 pm — and I owe you $23.50! (Really?) ... 🙂 & C++');
    expect(words.map((w) => w.text)).toEqual(['Hello', 'Dr', 'Smith', 'it’s', '3:45', 'pm', 'and', 'I', 'owe', 'you', '$23.50', 'Really', '&', 'C++']);
    expect(words.find((w) => w.text === 'it’s')!.flite).toBe("it's");
  });
  it('reads accented words without their accents', () => {
    expect(writtenWords('Café crème').map((w) => [w.text, w.flite, w.key])).toEqual([
      ['Café', 'Cafe', 'cafe'],
      ['crème', 'creme', 'creme'],
    ]);
  });
  it('folds case except for acronyms', () => {
    expect(pronunciationKey('Hello')).toBe('hello');
    expect(pronunciationKey('US')).toBe('US');
    expect(pronunciationKey('A')).toBe('a');
    expect(pronunciationKey('3:45')).toBe('3:45');
  });
  it('finds no words in punctuation and emoji', () => {
    expect(writtenWords(' ... — !? 🙂 ')).toEqual([]);
  });
});

describe('fliteText', () => {
  it('turns typography into ASCII Flite reads', () => {
    expect(fliteText('“It’s—fine…” – ok')).toBe(`"It's, fine...", ok`);
    expect(fliteText('naïve 日本')).toBe('naive   ');
  });
});

describe('parseAnalysis', () => {
  it('reads one pronunciation per line, pauses dropped', () => {
    expect(parseAnalysis('pau hh ax l ow pau \npau pau \npau th r iy pau \n', 3)).toEqual([['hh', 'ax', 'l', 'ow'], [], ['th', 'r', 'iy']]);
  });
  it('gives up when the lines do not match the words', () => {
    expect(parseAnalysis('pau hh ax l ow pau \n', 2)).toBeUndefined();
  });
});

describe('assignPhones', () => {
  const spoken = 'dh iy ae p ax l ih z r eh d'.split(' ');
  it('gives each phone to its word when the pronunciations match', () => {
    const owner = assignPhones(spoken, [['dh', 'iy'], ['ae', 'p', 'ax', 'l'], ['ih', 'z'], ['r', 'eh', 'd']]);
    expect(owner).toEqual([0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3]);
  });
  it('tolerates context changes ("the" as dh ax alone, "read" as r iy d)', () => {
    const owner = assignPhones(spoken, [['dh', 'ax'], ['ae', 'p', 'ax', 'l'], ['ih', 'z'], ['r', 'iy', 'd']]);
    expect(owner).toEqual([0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3]);
  });
  it('gives extra phones to a neighbour and keeps the order', () => {
    const owner = assignPhones(spoken, [['dh'], ['ae', 'p', 'l'], ['ih', 'z'], ['r', 'eh', 'd']]);
    expect(owner).toEqual([0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3]);
  });
  it('lets an unknown word take what lies between its neighbours', () => {
    expect(assignPhones(spoken, [['dh', 'iy'], undefined, ['ih', 'z'], ['r', 'eh', 'd']])).toEqual([0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3]);
    expect(assignPhones(spoken, [undefined, ['ih', 'z'], undefined])).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2]);
  });
  it('is monotonic even for garbage pronunciations', () => {
    const owner = assignPhones(spoken, [['k'], ['z', 'z'], [], ['aa', 'aa', 'aa', 'aa', 'aa', 'aa']]);
    for (let i = 1; i < owner.length; i++) expect(owner[i]).toBeGreaterThanOrEqual(owner[i - 1]!);
    expect(Math.min(...owner)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...owner)).toBeLessThan(4);
  });
});

describe('wordMarks', () => {
  it('spans each word over its phones, and places a silent word where it stands', () => {
    const phones = tilePhones(parsePhoneTrace('pau:0.2 hh:0.25 ay:0.4 pau:0.5 dh:0.55 eh:0.6 r:0.7 pau:0.9'), 900);
    const words = writtenWords('Hi 🙂x there');
    // "🙂x" reads as "x" alone; say Flite voiced nothing for it.
    const marks = wordMarks(words, phones, [['hh', 'ay'], [], ['dh', 'eh', 'r']]);
    expect(marks).toEqual([
      { type: 'word', text: 'Hi', startMs: 200, endMs: 400 },
      { type: 'word', text: '🙂x', startMs: 400, endMs: 400 },
      { type: 'word', text: 'there', startMs: 500, endMs: 700 },
    ]);
  });
});

describe('assignPhones on a long clause', () => {
  it('aligns in a band: linear time, same answer', () => {
    const words = Array.from({ length: 800 }, (_, w) => [`a${w % 7}`, `b${w % 5}`, `c${w % 3}`]);
    // Spoken: every 10th word has one phone changed, every 25th an extra phone.
    const spoken: string[] = [];
    const expected: number[] = [];
    words.forEach((phones, w) => {
      phones.forEach((p, k) => {
        spoken.push(w % 10 === 0 && k === 1 ? 'zz' : p);
        expected.push(w);
      });
      if (w % 25 === 0) {
        spoken.push('extra');
        expected.push(w);
      }
    });
    const started = performance.now();
    const owner = assignPhones(spoken, words);
    expect(performance.now() - started).toBeLessThan(500);
    expect(owner).toEqual(expected);
  });
});
