/**
 * What the fuzzed sessions' language model answers, drawn from the run's seed: short streamed
 * texts (some slow enough to be cancelled mid-stream), tool calls with good and broken
 * arguments, HTTP failures, malformed and cut-off streams, and the odd request that hangs.
 */
import type { Script } from '../support/scripted-llm.js';
import type { Random } from './random.js';
import { hostileText, word } from './strings.js';

export function llmScript(random: Random): Script {
  switch (random.weighted({ text: 55, tool: 15, http_error: 8, malformed: 6, cut: 6, hostile: 8, hang: 2 })) {
    case 'text':
      return { text: Array.from({ length: random.int(1, 5) }, () => `${word(random)} `), delayMs: random.int(0, 15) };
    case 'tool':
      return { toolCalls: [{ name: random.pick(['lookup', 'get_weather', word(random)]), arguments: random.pick([['{"city":', '"paris"}'], ['{not json'], ['']]) }] };
    case 'http_error':
      return { status: random.pick([400, 429, 500, 503]) };
    case 'malformed':
      return { raw: ['data: {not json}\n\n', 'data: {"choices":[{"delta":{"content":7}}]}\n\n', 'data: [DONE]\n\n'] };
    case 'cut':
      return { text: ['half ', 'an ', 'answer'], breakAfter: { chunks: random.int(0, 2), how: 'destroy' } };
    case 'hostile':
      return { text: [hostileText(random), hostileText(random)] };
    default:
      return { text: ['never'], breakAfter: { chunks: 1, how: 'hang' } };
  }
}
