import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectRealtime } from '../support/realtime-client.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('a GA text turn over a socket', () => {
  it('streams the LLM text back as output_text deltas and ends with one response.done', async () => {
    h.llm.enqueue({ text: ['Hello', ' there', '!'], usage: { prompt_tokens: 12, completion_tokens: 3 } });
    const c = await connectRealtime(`${h.server.wsUrl}/v1/realtime?model=gpt-realtime`);
    c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi!' }] } });
    c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done');
    expect(c.types()).toEqual([
      'session.created',
      'session.updated',
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const response = done.response as { status: string; output: { content: { type: string; text: string }[] }[]; usage: { input_tokens: number; output_tokens: number } };
    expect(response.status).toBe('completed');
    expect(response.output[0]!.content[0]).toEqual({ type: 'output_text', text: 'Hello there!' });
    expect(response.usage.input_tokens).toBe(12);
    expect(response.usage.output_tokens).toBe(3);
    expect(h.llm.requests[0]!.body.messages).toEqual([
      { role: 'system', content: 'You are a test assistant.' },
      { role: 'user', content: 'Hi!' },
    ]);
    expect(c.invalid).toEqual([]);
    await c.close();
  });
});
