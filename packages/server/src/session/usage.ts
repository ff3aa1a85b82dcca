/**
 * Token usage of a response. Engines that report usage are believed; otherwise it is
 * estimated at four characters per token (the usual figure for English with BPE tokenizers),
 * so clients that track cost or context size still get a meaningful number.
 */
import type { Usage } from '@parley/protocol';
import type { ChatMessage, LlmUsage } from '../engines/llm/index.js';

export const CHARS_PER_TOKEN = 4;

export function estimateTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

export function chatChars(messages: readonly ChatMessage[]): number {
  let chars = 0;
  for (const message of messages) {
    if (typeof message.content === 'string') chars += message.content.length;
    else if (Array.isArray(message.content)) for (const part of message.content) if (part.type === 'text') chars += part.text.length;
    if (message.role === 'assistant' && message.tool_calls) {
      for (const call of message.tool_calls) chars += call.function.name.length + call.function.arguments.length;
    }
  }
  return chars;
}

export function buildUsage(reported: LlmUsage | undefined, estimate: { inputChars: number; outputChars: number }): Usage {
  const input = reported?.input_tokens ?? estimateTokens(estimate.inputChars);
  const output = reported?.output_tokens ?? estimateTokens(estimate.outputChars);
  const cached = Math.min(reported?.cached_tokens ?? 0, input);
  return {
    total_tokens: input + output,
    input_tokens: input,
    output_tokens: output,
    input_token_details: {
      cached_tokens: cached,
      text_tokens: input,
      audio_tokens: 0,
      image_tokens: 0,
      cached_tokens_details: { text_tokens: cached, audio_tokens: 0, image_tokens: 0 },
    },
    output_token_details: { text_tokens: output, audio_tokens: 0, reasoning_tokens: 0 },
  };
}
