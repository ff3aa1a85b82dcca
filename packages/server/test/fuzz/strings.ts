/** Strings a fuzzer sends: plain words, hostile Unicode, huge text, and base64 good and bad. */
import type { Random } from './random.js';

const WORDS = ['hello', 'weather', 'paris', 'stop', 'alloy', 'tone', 'auto', 'none', 'user', 'item', 'resp', 'x', 'ok'];

/**
 * Text that breaks naive string handling: lone and swapped surrogates, NUL and control
 * characters, a BOM, right-to-left and zero-width marks, combining stacks, astral emoji, and
 * characters that mean something in JSON, HTML, paths or format strings.
 */
const HOSTILE = [
  '\ud800',
  '\udfff',
  '\udc00\ud800',
  '\u0000',
  '\u0001\u001f\u007f',
  '\ufeff',
  '\u202e\u2066',
  '\u200b\u200d',
  'e\u0301\u0301\u0301\u0301',
  '\u{1f600}\u{1f469}\u200d\u{1f4bb}',
  '"\\/\b\f\n\r\t',
  '</script><script>',
  '../../etc/passwd',
  '%s%n%x{}${x}',
  '__proto__',
  'constructor',
  '\u2028\u2029',
  '\uffff\ufffe',
];

export function word(random: Random): string {
  return random.pick(WORDS) + (random.chance(0.5) ? String(random.int(0, 999)) : '');
}

export function hostileText(random: Random): string {
  let out = '';
  const pieces = random.int(1, 6);
  for (let i = 0; i < pieces; i++) out += random.chance(0.7) ? random.pick(HOSTILE) : word(random);
  return out;
}

/** Between `min` and `max` characters of repeated varied text (cheap to build, not one repeated char). */
export function hugeText(random: Random, min: number, max: number): string {
  const seed = `${hostileText(random)}${word(random)} `;
  const length = random.int(min, max);
  return seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
}

/** Valid base64 of `bytes`, padded or not. */
export function base64Of(bytes: Buffer, padded = true): string {
  const text = bytes.toString('base64');
  return padded ? text : text.replace(/=+$/, '');
}

/** Text that is not base64 a strict decoder accepts. */
export function invalidBase64(random: Random): string {
  const valid = base64Of(random.bytes(random.int(3, 64)));
  switch (random.int(0, 6)) {
    case 0:
      return `${valid}$`;
    case 1:
      return valid.slice(0, 1);
    case 2:
      return '====';
    case 3:
      return `${valid.slice(0, 4)}=${valid.slice(4)}`;
    case 4:
      return `${valid.slice(0, 8)} \u00e9${valid.slice(8)}`;
    case 5:
      return `data:audio/pcm;base64,${valid}`;
    default:
      return `${hostileText(random)}!`;
  }
}
