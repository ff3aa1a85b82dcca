/**
 * Token usage in `response.done`: the engine's figures when it reports them, an estimate
 * otherwise, always in the full nested shape (the Voice Live SDK throws on a partial one).
 */
import { usageSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { buildUsage, chatChars, estimateTokens } from '../../src/session/usage.js';

describe('buildUsage', () => {
  it('believes the engine’s figures', () => {
    const u = buildUsage({ input_tokens: 120, output_tokens: 30, cached_tokens: 100 }, { inputChars: 1, outputChars: 1 });
    expect(u).toMatchObject({ input_tokens: 120, output_tokens: 30, total_tokens: 150 });
    expect(u.input_token_details.cached_tokens).toBe(100);
    expect(u.input_token_details.cached_tokens_details.text_tokens).toBe(100);
  });

  it('estimates at about four characters a token when the engine reports nothing', () => {
    const u = buildUsage(undefined, { inputChars: 401, outputChars: 40 });
    expect(u.input_tokens).toBe(101);
    expect(u.output_tokens).toBe(10);
    expect(u.total_tokens).toBe(111);
    expect(buildUsage(undefined, { inputChars: 0, outputChars: 0 }).total_tokens).toBe(0);
  });

  it('never reports more cached tokens than input tokens', () => {
    const u = buildUsage({ input_tokens: 10, output_tokens: 1, cached_tokens: 50 }, { inputChars: 0, outputChars: 0 });
    expect(u.input_token_details.cached_tokens).toBe(10);
  });

  it('always has the full nested shape, every figure a non-negative integer', () => {
    for (const u of [buildUsage(undefined, { inputChars: 7, outputChars: 3 }), buildUsage({ input_tokens: 5, output_tokens: 2 }, { inputChars: 0, outputChars: 0 })]) {
      expect(usageSchema.safeParse(u).success).toBe(true);
      expect(Object.keys(u.input_token_details).sort()).toEqual(['audio_tokens', 'cached_tokens', 'cached_tokens_details', 'image_tokens', 'text_tokens']);
      expect(Object.keys(u.input_token_details.cached_tokens_details).sort()).toEqual(['audio_tokens', 'image_tokens', 'text_tokens']);
      expect(Object.keys(u.output_token_details).sort()).toEqual(['audio_tokens', 'reasoning_tokens', 'text_tokens']);
      const numbers = JSON.stringify(u).match(/-?\d+(\.\d+)?/g)!.map(Number);
      for (const n of numbers) expect(Number.isInteger(n) && n >= 0).toBe(true);
      expect(u.total_tokens).toBe(u.input_tokens + u.output_tokens);
      expect(u.input_token_details.text_tokens + u.input_token_details.audio_tokens + u.input_token_details.image_tokens).toBe(u.input_tokens);
      expect(u.output_token_details.text_tokens + u.output_token_details.audio_tokens).toBe(u.output_tokens);
    }
  });
});

describe('estimateTokens and chatChars', () => {
  it('rounds partial tokens up', () => {
    expect(estimateTokens(1)).toBe(1);
    expect(estimateTokens(4)).toBe(1);
    expect(estimateTokens(5)).toBe(2);
  });

  it('counts message text, text parts and tool calls', () => {
    expect(
      chatChars([
        { role: 'system', content: 'abcd' },
        { role: 'user', content: [{ type: 'text', text: 'ef' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'fn', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c', content: 'xyz' },
      ]),
    ).toBe(4 + 2 + 2 + 2 + 3);
  });
});
