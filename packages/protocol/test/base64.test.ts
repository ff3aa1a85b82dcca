/**
 * Strict base64: audio that is not base64 must be refused, not silently decoded into
 * different bytes (which `Buffer.from(text, 'base64')` does by skipping what it cannot read).
 */
import { randomBytes } from 'node:crypto';
import { decodeBase64 } from '@parley/protocol';
import { describe, expect, it } from 'vitest';

describe('decodeBase64', () => {
  it('decodes every length of random bytes exactly, padded or not', () => {
    for (let length = 0; length <= 64; length++) {
      const bytes = randomBytes(length);
      const padded = bytes.toString('base64');
      expect(decodeBase64(padded)?.equals(bytes), `padded, ${length} bytes`).toBe(true);
      expect(decodeBase64(padded.replace(/=+$/, ''))?.equals(bytes), `unpadded, ${length} bytes`).toBe(true);
    }
  });

  it('decodes a large chunk (200 ms of 24 kHz PCM16)', () => {
    const bytes = randomBytes(9600);
    expect(decodeBase64(bytes.toString('base64'))?.equals(bytes)).toBe(true);
  });

  it.each([
    ['a character outside the alphabet', 'QUJD!'],
    ['a space inside', 'QU JD'],
    ['a trailing newline', 'QUJD\n'],
    ['padding in the middle', 'QU=I'],
    ['two padded blocks joined', 'QQ==QQ=='],
    ['too much padding', 'QUJD===='],
    ['a lone character (6 bits cannot make a byte)', 'Q'],
    ['a lone character padded', 'Q==='],
    ['a truncated block', 'QUJDR'],
    ['only padding', '===='],
    ['padding after a whole block', 'QUJD='],
    ['padding after a whole block, doubled', 'QUJD=='],
    ['one pad where two are due', 'QQ='],
    ['a lone pad', '='],
    ['text that is not base64 at all', 'hello, world'],
  ])('refuses %s', (_what, text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });

  it('decodes the empty string to no bytes', () => {
    expect(decodeBase64('')?.length).toBe(0);
  });
});
