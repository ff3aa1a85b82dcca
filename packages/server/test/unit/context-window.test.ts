import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/engines/llm/index.js';
import { fitContext } from '../../src/session/context-window.js';

/** A message of `tokens` estimated tokens (4 characters each). */
const text = (tokens: number, mark: string) => mark.padEnd(tokens * 4, '.');
const user = (tokens: number, mark: string): ChatMessage => ({ role: 'user', content: text(tokens, mark) });
const assistant = (tokens: number, mark: string): ChatMessage => ({ role: 'assistant', content: text(tokens, mark) });
const marks = (messages: ChatMessage[]) => messages.map((m) => (typeof m.content === 'string' ? m.content.replace(/\.+$/, '') : m.role));

const SYSTEM: ChatMessage = { role: 'system', content: text(10, 'rules') };
const CONVERSATION = [SYSTEM, user(30, 'u1'), assistant(30, 'a1'), user(30, 'u2'), assistant(30, 'a2'), user(30, 'u3')];

describe('fitContext', () => {
  it('leaves a context that fits as it is', () => {
    expect(fitContext(CONVERSATION, 'auto', 160)).toEqual({ messages: CONVERSATION, dropped: 0 });
  });

  it('auto: drops the oldest messages until the rest fits, keeping the instructions and the newest', () => {
    // 150 tokens after the instructions, 100 allowed (110 − the 10 of the instructions).
    const fitted = fitContext(CONVERSATION, 'auto', 110);
    expect(marks(fitted.messages)).toEqual(['rules', 'u2', 'a2', 'u3']);
    expect(fitted.dropped).toBe(2);
  });

  it('retention_ratio: cuts deeper, to the ratio of the window, so the next turns fit without cutting again', () => {
    const fitted = fitContext(CONVERSATION, { type: 'retention_ratio', retention_ratio: 0.5 }, 110);
    expect(marks(fitted.messages)).toEqual(['rules', 'u3']);
    // token_limits.post_instructions is the window when given.
    const limited = fitContext(CONVERSATION, { type: 'retention_ratio', retention_ratio: 1, token_limits: { post_instructions: 60 } }, 10_000);
    expect(marks(limited.messages)).toEqual(['rules', 'a2', 'u3']);
  });

  it('disabled: refuses a context over the window, saying what to do', () => {
    expect(() => fitContext(CONVERSATION, 'disabled', 110)).toThrow(
      expect.objectContaining({
        code: 'context_length_exceeded',
        message: 'The conversation is about 150 tokens after the instructions, over the 100 this model takes, and the session\'s truncation is "disabled": delete items (conversation.item.delete) or set truncation to "auto".',
      }),
    );
    expect(fitContext(CONVERSATION, 'disabled', 160).dropped).toBe(0);
  });

  it('drops a tool result only with the call it answers', () => {
    const call: ChatMessage = { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: text(20, '{') } }] };
    const result: ChatMessage = { role: 'tool', tool_call_id: 'c1', content: text(20, 'sunny') };
    const messages = [SYSTEM, user(20, 'u1'), call, result, assistant(20, 'a1'), user(20, 'u2')];
    const fitted = fitContext(messages, 'auto', 60);
    expect(fitted.messages.some((m) => m.role === 'tool')).toBe(false);
    expect(fitted.messages.some((m) => m.role === 'assistant' && m.tool_calls)).toBe(false);
    expect(marks(fitted.messages)).toEqual(['rules', 'a1', 'u2']);
  });

  it('keeps the newest message even when it alone is over the window', () => {
    expect(marks(fitContext([SYSTEM, user(30, 'u1'), user(500, 'huge')], 'auto', 100).messages)).toEqual(['rules', 'huge']);
  });
});
