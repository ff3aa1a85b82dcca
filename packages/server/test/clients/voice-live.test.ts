/**
 * The real `@azure/ai-voicelive` client against a running Parley. The SDK parses only the
 * event types it knows (silently dropping the rest), drops everything until a
 * `session.created` with a session id, and turns a frame it cannot deserialize into a
 * synthetic `error` with code `MessageParsingError` — so these tests check the handlers
 * a user subscribes, and that no such invented error ever appears.
 */
import { AzureKeyCredential } from '@azure/core-auth';
import { VoiceLiveClient, type VoiceLiveSession } from '@azure/ai-voicelive';
import { wireServerEventNames } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { eventually, foreignNames, settle } from './helpers.js';

type VlEvent = { type: string; [key: string]: unknown };

let h: Harness;
let session: VoiceLiveSession | undefined;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await session?.dispose();
  session = undefined;
  await h.stop();
});

/** What the subscribed handlers saw. */
interface Recording {
  /** Every event, from `onServerEvent`, in order. */
  events: VlEvent[];
  /** Types delivered to the specific handlers, in order. */
  handled: string[];
  textDeltas: string[];
  serverErrors: { code?: string; message?: string }[];
  connectionErrors: Error[];
}

async function connect(): Promise<{ s: VoiceLiveSession; rec: Recording }> {
  const client = new VoiceLiveClient(`http://127.0.0.1:${h.server.port}`, new AzureKeyCredential('vl-key'));
  const s = client.createSession('gpt-realtime');
  session = s;
  const rec: Recording = { events: [], handled: [], textDeltas: [], serverErrors: [], connectionErrors: [] };
  const handled = (type: string) => async () => void rec.handled.push(type);
  s.subscribe({
    onServerEvent: async (event) => void rec.events.push(event as unknown as VlEvent),
    onServerError: async (event) => void rec.serverErrors.push(event.error),
    onError: async (args) => void rec.connectionErrors.push(args.error),
    onSessionCreated: handled('session.created'),
    onSessionUpdated: handled('session.updated'),
    onConversationItemCreated: handled('conversation.item.created'),
    onResponseCreated: handled('response.created'),
    onResponseOutputItemAdded: handled('response.output_item.added'),
    onResponseContentPartAdded: handled('response.content_part.added'),
    onResponseTextDelta: async (event) => {
      rec.handled.push('response.text.delta');
      rec.textDeltas.push(event.delta);
    },
    onResponseTextDone: handled('response.text.done'),
    onResponseContentPartDone: handled('response.content_part.done'),
    onResponseOutputItemDone: handled('response.output_item.done'),
    onResponseFunctionCallArgumentsDelta: handled('response.function_call_arguments.delta'),
    onResponseFunctionCallArgumentsDone: handled('response.function_call_arguments.done'),
    onResponseDone: handled('response.done'),
  });
  await s.connect();
  return { s, rec };
}

const ofType = (rec: Recording, type: string) => rec.events.filter((e) => e.type === type);
const types = (rec: Recording, from = 0) => rec.events.slice(from).map((e) => e.type);
const waitForDone = (rec: Recording, count = 1) =>
  eventually(`response.done #${count}; got ${types(rec).join(', ')}`, () => ofType(rec, 'response.done')[count - 1]);

/** Any MessageParsingError the SDK invented, or a server error, fails the test with its message. */
function expectNoErrors(rec: Recording): void {
  expect(rec.serverErrors).toEqual([]);
  expect(rec.connectionErrors).toEqual([]);
}

describe('@azure/ai-voicelive VoiceLiveSession against Parley', () => {
  it('delivers a text turn to the subscribed handlers, with no MessageParsingError', async () => {
    h.llm.enqueue({ text: ['Hello', ' from', ' Parley.'] });
    const { s, rec } = await connect();
    await eventually('session.created', () => s.sessionId);

    await s.updateSession({ modalities: ['text'], instructions: 'Answer briefly.' });
    await s.addConversationItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi!' }] });
    await s.sendEvent({ type: 'response.create' });
    const done = await waitForDone(rec);
    await settle();

    expectNoErrors(rec);
    const expected = [
      'session.created',
      'session.updated',
      'conversation.item.created',
      'response.created',
      'response.output_item.added',
      'conversation.item.created',
      'response.content_part.added',
      'response.text.delta',
      'response.text.delta',
      'response.text.delta',
      'response.text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.done',
    ];
    expect(types(rec)).toEqual(expected);
    expect(rec.handled).toEqual(expected);
    expect(rec.textDeltas).toEqual(['Hello', ' from', ' Parley.']);
    expect(s.sessionId).toMatch(/^sess_/);

    // The SDK's deserializers turned the frames into its camelCase models.
    expect(ofType(rec, 'session.updated')[0]).toMatchObject({ session: { modalities: ['text'], instructions: 'Answer briefly.' } });
    expect(ofType(rec, 'response.text.done')[0]).toMatchObject({ text: 'Hello from Parley.' });
    expect(done).toMatchObject({
      response: {
        status: 'completed',
        output: [{ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hello from Parley.' }] }],
      },
    });
    expect(h.llm.requests[0]!.body.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'Hi!' },
    ]);
    expect(foreignNames(types(rec), wireServerEventNames('voicelive'))).toEqual([]);
  });

  it('streams a function call to the handlers and answers after the function output', async () => {
    h.llm.enqueue({ toolCalls: [{ name: 'get_weather', arguments: ['{"location"', ':"Seattle"}'] }] }, { text: ['Rainy', ' in Seattle.'] });
    const { s, rec } = await connect();
    await eventually('session.created', () => s.sessionId);
    await s.updateSession({
      modalities: ['text'],
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Get current weather for a location',
          parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
        },
      ],
      toolChoice: 'auto',
    });
    await s.addConversationItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Seattle?' }] });
    await s.sendEvent({ type: 'response.create' });
    await waitForDone(rec);

    expect(types(rec).slice(3)).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.created',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.done',
    ]);
    const argsDone = ofType(rec, 'response.function_call_arguments.done')[0] as { name: string; arguments: string; callId: string };
    expect(argsDone).toMatchObject({ name: 'get_weather', arguments: '{"location":"Seattle"}' });
    expect(argsDone.callId).toBeTruthy();

    const mark = rec.events.length;
    await s.addConversationItem({ type: 'function_call_output', callId: argsDone.callId, output: '{"forecast":"rain"}' });
    await s.sendEvent({ type: 'response.create' });
    const done = await waitForDone(rec, 2);
    await settle();

    expect(types(rec, mark)).toEqual([
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
    expect(rec.textDeltas).toEqual(['Rainy', ' in Seattle.']);
    expect(done).toMatchObject({ response: { status: 'completed', output: [{ content: [{ type: 'text', text: 'Rainy in Seattle.' }] }] } });
    expect(h.llm.requests[1]!.body.messages.slice(-2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: argsDone.callId, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Seattle"}' } }] },
      { role: 'tool', tool_call_id: argsDone.callId, content: '{"forecast":"rain"}' },
    ]);
    expectNoErrors(rec);
    expect(foreignNames(types(rec), wireServerEventNames('voicelive'))).toEqual([]);
  });

  it('reports response.cancel with nothing active through onServerError, and stays usable', async () => {
    const { s, rec } = await connect();
    await eventually('session.created', () => s.sessionId);
    await s.sendEvent({ type: 'response.cancel' });
    await eventually('the server error', () => rec.serverErrors.length > 0);
    expect(rec.serverErrors).toEqual([expect.objectContaining({ code: 'response_cancel_not_active' })]);

    h.llm.enqueue({ text: ['Still here.'] });
    await s.addConversationItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Are you there?' }] });
    await s.sendEvent({ type: 'response.create' });
    const done = await waitForDone(rec);
    expect(done).toMatchObject({ response: { status: 'completed' } });
    expect(rec.serverErrors).toHaveLength(1);
    expect(s.isConnected).toBe(true);
  });
});
