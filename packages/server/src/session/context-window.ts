/**
 * Fitting the chat context into the model's window, by the session's `truncation` setting:
 * - `auto`: when the messages after the instructions are over the window, the oldest are
 *   dropped until they fit;
 * - `retention_ratio`: when over, the oldest are dropped until only `retention_ratio` of the
 *   window is used (`token_limits.post_instructions`, when given, is the window), so the
 *   context then grows for a while before it must be cut again;
 * - `disabled`: a context over the window fails the response with `context_length_exceeded`.
 * The instructions are always kept, a tool result is dropped only with the call it answers, and
 * the newest message is always kept. Tokens are estimated at 4 characters each (usage.ts).
 */
import { ParleyError, type Truncation } from '@parley/protocol';
import type { ChatMessage } from '../engines/llm/index.js';
import { chatChars, estimateTokens } from './usage.js';

export interface FittedContext {
  messages: ChatMessage[];
  /** How many messages were left out. */
  dropped: number;
}

const tokensOf = (messages: readonly ChatMessage[]) => estimateTokens(chatChars(messages));

/** Messages in groups that stay together: an assistant's tool calls and their results. */
function groups(messages: readonly ChatMessage[]): ChatMessage[][] {
  const out: ChatMessage[][] = [];
  for (const message of messages) {
    if (message.role === 'tool' && out.length > 0) out.at(-1)!.push(message);
    else out.push([message]);
  }
  return out;
}

export function fitContext(messages: readonly ChatMessage[], truncation: Truncation, windowTokens: number): FittedContext {
  let start = 0;
  while (start < messages.length && messages[start]!.role === 'system') start++;
  const head = messages.slice(0, start);
  const rest = messages.slice(start);
  const ratio = typeof truncation === 'object' ? truncation.retention_ratio : 1;
  const window = (typeof truncation === 'object' ? truncation.token_limits?.post_instructions : undefined) ?? Math.max(0, windowTokens - tokensOf(head));
  let tokens = tokensOf(rest);
  if (tokens <= window) return { messages: [...messages], dropped: 0 };
  if (truncation === 'disabled') {
    throw new ParleyError(
      'context_length_exceeded',
      `The conversation is about ${tokens} tokens after the instructions, over the ${window} this model takes, and the session's truncation is "disabled": delete items (conversation.item.delete) or set truncation to "auto".`,
    );
  }
  const target = Math.floor(window * ratio);
  const kept = groups(rest);
  let dropped = 0;
  while (kept.length > 1 && tokens > target) {
    const oldest = kept.shift()!;
    tokens -= tokensOf(oldest);
    dropped += oldest.length;
  }
  return { messages: [...head, ...kept.flat()], dropped };
}
