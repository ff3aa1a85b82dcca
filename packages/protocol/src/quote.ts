/**
 * Client text inside error messages. A client's string is echoed so it can see what was
 * refused, but never a megabyte of it: quotes are cut short, and a whole message past
 * MAX_ERROR_MESSAGE_CHARS loses its middle (its start says what is wrong, its end what to do).
 */
export const MAX_ERROR_MESSAGE_CHARS = 1000;
const QUOTE_CHARS = 80;

/** `at`, or the index `step` away when `at` would split a surrogate pair. */
function cutAt(text: string, at: number, step: -1 | 1 = -1): number {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff ? at + step : at;
}

/** `text` in single quotes, at most QUOTE_CHARS of it. */
export function quoteText(text: string): string {
  return `'${text.length > QUOTE_CHARS ? `${text.slice(0, cutAt(text, QUOTE_CHARS - 3))}...` : text}'`;
}

export function shortenMessage(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE_CHARS) return message;
  const head = cutAt(message, 600);
  const tail = cutAt(message, message.length - (MAX_ERROR_MESSAGE_CHARS - 600 - 5), 1);
  return `${message.slice(0, head)} ... ${message.slice(tail)}`;
}
