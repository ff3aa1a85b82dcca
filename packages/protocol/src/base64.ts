/**
 * Strict base64 decoding. `Buffer.from(text, 'base64')` silently skips characters outside the
 * alphabet; a decoded length shorter than the text implies is how we notice them, without a
 * second pass over the (often 10+ kB) string.
 */
export function decodeBase64(text: string): Buffer | undefined {
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const significant = text.length - pad;
  if (significant % 4 === 1) return undefined;
  // Padding only completes a last, partial block: 'QUJD=' pads nothing and is refused.
  if (pad > 0 && (significant % 4) + pad !== 4) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === Math.floor((significant * 3) / 4) ? bytes : undefined;
}
