/**
 * The real `openai` SDK realtime clients against a running Parley: the GA `OpenAIRealtimeWS`
 * ('openai/realtime/ws') and the beta one ('openai/beta/realtime/ws', which sends
 * `OpenAI-Beta: realtime=v1` itself). Both force a wss:// URL; `createConnection` sends it
 * over plain TCP so they reach Parley's ws:// listener (protocol catalogue §2h).
 */
import net from 'node:net';
import { wireServerEventNames, type Dialect } from '@parley/protocol';
import OpenAI from 'openai';
import { OpenAIRealtimeWS as BetaRealtimeWS } from 'openai/beta/realtime/ws';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { eventually, foreignNames, settle } from './helpers.js';
import { openSdkClient, type SdkConnection } from './openai-connection.js';

let h: Harness;
const open: SdkConnection[] = [];

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await h.stop();
});

const sdk = () => new OpenAI({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${h.server.port}/v1` });
/** Sends the wss:// URL the SDK insists on over plain TCP. */
const plainTcp = { createConnection: (options: net.NetConnectOpts) => net.connect(options) };

async function connectGa(): Promise<SdkConnection> {
  const c = await openSdkClient(new OpenAIRealtimeWS({ model: 'gpt-realtime', options: plainTcp }, sdk()));
  open.push(c);
  return c;
}

async function connectBeta(): Promise<SdkConnection> {
  const c = await openSdkClient(new BetaRealtimeWS({ model: 'gpt-realtime', options: plainTcp }, sdk()));
  open.push(c);
  return c;
}

const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const userText = (text: string) => ({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });

function expectOnlyOwnDialect(c: SdkConnection, dialect: Dialect): void {
  expect(foreignNames(c.types(), wireServerEventNames(dialect))).toEqual([]);
}

describe('openai GA OpenAIRealtimeWS (openai/realtime/ws)', () => {
  it('streams a text answer with the GA event names, in order', async () => {
    h.llm.enqueue({ text: ['Hello', ' from', ' Parley.'] });
    const c = await connectGa();
    c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'], instructions: 'Be brief.' } });
    c.send(userText('Hi!'));
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
    const deltas = c.events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta);
    expect(deltas).toEqual(['Hello', ' from', ' Parley.']);
    expect(c.events.find((e) => e.type === 'response.output_text.done')).toMatchObject({ text: 'Hello from Parley.' });
    expect(done.response).toMatchObject({
      status: 'completed',
      output_modalities: ['text'],
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello from Parley.' }] }],
    });
    expect(c.events.find((e) => e.type === 'session.updated')).toMatchObject({ session: { type: 'realtime', instructions: 'Be brief.', output_modalities: ['text'] } });
    expect(h.llm.requests[0]!.body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi!' },
    ]);
    expect(c.errors).toEqual([]);
    expectOnlyOwnDialect(c, 'ga');
  });

  it('streams a function call, takes its output, and answers with text', async () => {
    h.llm.enqueue({ toolCalls: [{ name: 'get_weather', arguments: ['{"ci', 'ty":', '"Paris"}'] }] }, { text: ['Sunny', ' in Paris.'] });
    const c = await connectGa();
    c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'], tools: [weatherTool] } });
    c.send(userText('Weather in Paris?'));
    c.send({ type: 'response.create' });
    const first = await c.waitFor('response.done');

    expect(c.types()).toEqual([
      'session.created',
      'session.updated',
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const added = c.events.find((e) => e.type === 'response.output_item.added')!;
    expect(added.item).toMatchObject({ type: 'function_call', status: 'in_progress', name: 'get_weather' });
    const argsDone = c.events.find((e) => e.type === 'response.function_call_arguments.done')!;
    expect(argsDone).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    const callId = argsDone.call_id as string;
    expect(first.response).toMatchObject({ status: 'completed', output: [{ type: 'function_call', status: 'completed', call_id: callId, arguments: '{"city":"Paris"}' }] });

    const mark = c.events.length;
    c.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output: '{"forecast":"sunny"}' } });
    c.send({ type: 'response.create' });
    const second = await c.waitFor('response.done', mark);

    expect(c.types(mark)).toEqual([
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    expect(c.events[mark]).toMatchObject({ item: { type: 'function_call_output', call_id: callId, output: '{"forecast":"sunny"}' } });
    expect(second.response).toMatchObject({ status: 'completed', output: [{ content: [{ type: 'output_text', text: 'Sunny in Paris.' }] }] });

    const messages = h.llm.requests[1]!.body.messages;
    expect(messages.slice(-2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: callId, content: '{"forecast":"sunny"}' },
    ]);
    expect(c.errors).toEqual([]);
    expectOnlyOwnDialect(c, 'ga');
  });

  it('reports response.cancel with nothing active through the SDK error event, and stays usable', async () => {
    const c = await connectGa();
    c.send({ type: 'response.cancel', event_id: 'evt_cancel_1' });
    await eventually('the SDK error', () => c.errors.length > 0);

    expect(c.errors).toHaveLength(1);
    expect(c.errors[0]!.error).toMatchObject({ type: 'invalid_request_error', code: 'response_cancel_not_active', event_id: 'evt_cancel_1' });

    h.llm.enqueue({ text: ['Still here.'] });
    c.send(userText('Are you there?'));
    c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done');
    expect(done.response).toMatchObject({ status: 'completed', output: [{ content: [{ text: 'Still here.' }] }] });
    expect(c.errors).toHaveLength(1);
  });
});

describe('openai beta OpenAIRealtimeWS (openai/beta/realtime/ws)', () => {
  it('streams a text answer with the beta event names, in order', async () => {
    h.llm.enqueue({ text: ['Hello', ' beta.'] });
    const c = await connectBeta();
    c.send({ type: 'session.update', session: { modalities: ['text'], instructions: 'Be brief.' } });
    c.send(userText('Hi!'));
    c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done');

    expect(c.types()).toEqual([
      'session.created',
      'conversation.created',
      'session.updated',
      'conversation.item.created',
      'response.created',
      'response.output_item.added',
      'conversation.item.created',
      'response.content_part.added',
      'response.text.delta',
      'response.text.delta',
      'response.text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.done',
    ]);
    expect(c.events.filter((e) => e.type === 'response.text.delta').map((e) => e.delta)).toEqual(['Hello', ' beta.']);
    expect(c.events.find((e) => e.type === 'response.text.done')).toMatchObject({ text: 'Hello beta.' });
    // A flat beta session, with no GA fields.
    const updated = c.events.find((e) => e.type === 'session.updated')!.session as Record<string, unknown>;
    expect(updated).toMatchObject({ modalities: ['text'], instructions: 'Be brief.', input_audio_format: 'pcm16' });
    expect(updated).not.toHaveProperty('audio');
    expect(updated).not.toHaveProperty('output_modalities');
    expect(done.response).toMatchObject({
      status: 'completed',
      modalities: ['text'],
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hello beta.' }] }],
    });
    expect(c.errors).toEqual([]);
    expectOnlyOwnDialect(c, 'beta');
  });

  it('streams a function call whose arguments.done has no name, takes its output, and answers', async () => {
    h.llm.enqueue({ toolCalls: [{ name: 'get_weather', arguments: ['{"city"', ':"Oslo"}'] }] }, { text: ['Cold', ' in Oslo.'] });
    const c = await connectBeta();
    c.send({ type: 'session.update', session: { modalities: ['text'], tools: [weatherTool] } });
    c.send(userText('Weather in Oslo?'));
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');

    expect(c.types()).toEqual([
      'session.created',
      'conversation.created',
      'session.updated',
      'conversation.item.created',
      'response.created',
      'response.output_item.added',
      'conversation.item.created',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.done',
    ]);
    const argsDone = c.events.find((e) => e.type === 'response.function_call_arguments.done')!;
    expect(argsDone).toMatchObject({ arguments: '{"city":"Oslo"}' });
    expect(argsDone).not.toHaveProperty('name');
    const callId = argsDone.call_id as string;
    expect(c.events.find((e) => e.type === 'response.output_item.done')).toMatchObject({ item: { type: 'function_call', name: 'get_weather', status: 'completed' } });

    const mark = c.events.length;
    c.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output: 'minus five' } });
    c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done', mark);

    expect(c.types(mark)).toEqual([
      'conversation.item.created',
      'response.created',
      'response.output_item.added',
      'conversation.item.created',
      'response.content_part.added',
      'response.text.delta',
      'response.text.delta',
      'response.text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.done',
    ]);
    expect(done.response).toMatchObject({ status: 'completed', output: [{ content: [{ type: 'text', text: 'Cold in Oslo.' }] }] });
    expect(h.llm.requests[1]!.body.messages.slice(-2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: callId, content: 'minus five' },
    ]);
    expect(c.errors).toEqual([]);
    expectOnlyOwnDialect(c, 'beta');
  });

  it('reports response.cancel with nothing active through the SDK error event, and stays usable', async () => {
    const c = await connectBeta();
    c.send({ type: 'response.cancel' });
    await eventually('the SDK error', () => c.errors.length > 0);
    expect(c.errors[0]!.error).toMatchObject({ code: 'response_cancel_not_active' });

    h.llm.enqueue({ text: ['Still here.'] });
    c.send(userText('Are you there?'));
    c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done');
    expect(done.response).toMatchObject({ status: 'completed' });
    await settle();
    expect(c.errors).toHaveLength(1);
    expectOnlyOwnDialect(c, 'beta');
  });
});
