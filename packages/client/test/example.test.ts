/** The README's Node example (`examples/text-chat.mjs`) runs as written, in every dialect, against a real Parley. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../server/test/support/harness.js';
// @ts-expect-error — a plain JavaScript example, without type declarations
import { chat } from '../examples/text-chat.mjs';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('examples/text-chat.mjs', () => {
  it.each(['ga', 'beta', 'voicelive'] as const)('%s: calls the tool, returns its output, streams and returns the answer', async (dialect) => {
    h.llm.enqueue({ toolCalls: [{ name: 'get_time', arguments: ['{"city":"Paris"}'] }] }, { text: ['It is ', 'noon.'] });
    let streamed = '';
    const answer = await chat({ baseUrl: h.server.wsUrl, dialect, question: 'Time in Paris?', onText: (text: string) => (streamed += text) });
    expect(answer).toBe('It is noon.');
    expect(streamed).toBe('It is noon.');
    const toolResult = (await h.llm.request(1)).body.messages.find((m) => m.role === 'tool');
    expect(JSON.parse(String(toolResult?.content))).toMatchObject({ city: 'Paris', time: expect.stringMatching(/^\d\d:\d\d$/) });
  });
});
