/** Prefixes of the ids Parley mints, following OpenAI's conventions. No client validates them. */
export type IdPrefix = 'event' | 'sess' | 'conv' | 'item' | 'resp' | 'call' | 'ek';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomToken(length: number): string {
  // Web Crypto rather than `node:crypto`, so the protocol package also loads in browsers (Parley's SDK).
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

/**
 * Ids are a per-process random stem plus a counter: unique across processes (the stem has
 * 62^10 values) and cheap enough to mint one for every outbound event.
 */
const stem = randomToken(10);
let counter = 0;

export function newId(prefix: IdPrefix): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}_${stem}${counter.toString(36).padStart(8, '0')}`;
}
