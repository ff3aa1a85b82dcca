/**
 * Base64 (RFC 4648, standard alphabet, padded) without `Buffer` or `atob`, so it runs the same
 * in browsers and Node, on audio of any size (no string-per-byte intermediate).
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Character code → its 6-bit value; -1 for characters outside the alphabet. */
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** The output is ASCII, which UTF-8 decoding maps one byte to one character. */
const ascii = new TextDecoder();

export function bytesToBase64(bytes: Uint8Array): string {
  const codes = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let out = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    codes[out++] = ALPHABET.charCodeAt(n >> 18);
    codes[out++] = ALPHABET.charCodeAt((n >> 12) & 63);
    codes[out++] = ALPHABET.charCodeAt((n >> 6) & 63);
    codes[out++] = ALPHABET.charCodeAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    codes[out++] = ALPHABET.charCodeAt(n >> 18);
    codes[out++] = ALPHABET.charCodeAt((n >> 12) & 63);
    codes[out++] = rest === 2 ? ALPHABET.charCodeAt((n >> 6) & 63) : 61; // '='
    codes[out++] = 61;
  }
  return ascii.decode(codes);
}

/** Decodes padded or unpadded base64; throws a TypeError naming the first character outside the alphabet. */
export function base64ToBytes(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  if (text.length - end > 2 || end % 4 === 1) throw new TypeError(`Invalid base64: ${text.length} characters cannot encode whole bytes.`);
  const bytes = new Uint8Array(Math.floor((end * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let out = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? VALUES[code]! : -1;
    if (value < 0) throw new TypeError(`Invalid base64: character ${JSON.stringify(text[i])} at ${i}.`);
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes;
}
