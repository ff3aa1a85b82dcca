/**
 * What one session may hold and how long it may last. Each limit, when reached, is met with a
 * clear error or close reason (docs/limits.md) and never with lost data the client was not told
 * about: an append past the buffer limit is refused, the oldest conversation items are deleted
 * with `conversation.item.deleted`, a context too long for the model is truncated per the
 * session's `truncation` setting, and a session past its time is closed with 1001.
 */

export interface SessionLimits {
  /** A session's longest life; then it is closed with 1001 (the hosted services: 60 minutes). */
  maxSessionMs: number;
  /** The longest a connection may send no event at all; then it is closed with 1001. */
  idleMs: number;
  /** Input audio appended and not yet committed (or cut by turn detection), in ms of audio. */
  maxInputBufferMs: number;
  /** Items the conversation keeps; beyond this the oldest are deleted. */
  maxConversationItems: number;
  /** The LLM context a response may send, in estimated tokens (4 characters each), when the engine does not know its own. */
  maxContextTokens: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxSessionMs: 60 * 60_000,
  idleMs: 30 * 60_000,
  maxInputBufferMs: 10 * 60_000,
  maxConversationItems: 2_000,
  maxContextTokens: 32_000,
};

/** The largest audio one `input_audio_buffer.append` may carry, decoded (the hosted services' limit). */
export const MAX_APPEND_BYTES = 15 * 1024 * 1024;

/** "60 minutes", "90 seconds": a duration as the close reasons and errors say it. */
export function spokenDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  const s = Math.round(ms / 1000);
  return `${s} second${s === 1 ? '' : 's'}`;
}
