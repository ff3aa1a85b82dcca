/**
 * The real `@openai/agents-realtime` client (RealtimeSession over its Node WebSocket
 * transport) against a running Parley. Every server frame is validated by the SDK's own zod
 * schemas: a frame it cannot read becomes a "generic" event with no effect on history,
 * tools or turns, so these tests check what a user of the SDK would see.
 */
import { wireServerEventNames } from '@parley/protocol';
import { RealtimeAgent, RealtimeSession, tool, type RealtimeItem, type RealtimeSessionConfig, type TransportEvent } from '@openai/agents-realtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startHarness, type Harness } from '../support/harness.js';
import { BETA_ONLY_NAMES, eventually, foreignNames, settle } from './helpers.js';

let h: Harness;
let session: RealtimeSession | undefined;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  session?.close();
  session = undefined;
  await h.stop();
});

/** Everything the session reported, in arrival order. */
interface Recording {
  errors: unknown[];
  agentStarts: number;
  /** The `output` text of each `agent_end`. */
  agentEnds: string[];
  toolStarts: { name: string; arguments: string }[];
  toolEnds: { name: string; result: string }[];
  historyAdded: RealtimeItem[];
  transportEvents: TransportEvent[];
}

function record(s: RealtimeSession): Recording {
  const rec: Recording = { errors: [], agentStarts: 0, agentEnds: [], toolStarts: [], toolEnds: [], historyAdded: [], transportEvents: [] };
  s.on('error', (e) => rec.errors.push(e.error));
  s.on('agent_start', () => rec.agentStarts++);
  s.on('agent_end', (_ctx, _agent, output) => rec.agentEnds.push(output));
  s.on('agent_tool_start', (_ctx, _agent, t, details) => rec.toolStarts.push({ name: t.name, arguments: details.toolCall.arguments }));
  s.on('agent_tool_end', (_ctx, _agent, t, result) => rec.toolEnds.push({ name: t.name, result }));
  s.on('history_added', (item) => rec.historyAdded.push(item));
  s.on('transport_event', (event) => rec.transportEvents.push(event));
  return rec;
}

async function connect(agent: RealtimeAgent, config?: Partial<RealtimeSessionConfig>): Promise<{ s: RealtimeSession; rec: Recording }> {
  const s = new RealtimeSession(agent, { transport: 'websocket', model: 'gpt-realtime', ...(config ? { config } : {}) });
  session = s;
  const rec = record(s);
  await s.connect({ apiKey: 'sk-test', url: `${h.server.wsUrl}/v1/realtime?model=gpt-realtime` });
  return { s, rec };
}

/** The text of a history message item: its output_text parts, or the transcripts of its audio parts. */
function messageText(item: RealtimeItem | undefined): string | undefined {
  if (!item || item.type !== 'message') return undefined;
  return item.content.map((part) => ('text' in part ? part.text : 'transcript' in part ? (part.transcript ?? '') : '')).join('');
}

const assistantMessages = (history: RealtimeItem[]) => history.filter((item) => item.type === 'message' && item.role === 'assistant');
const transportTypes = (rec: Recording) => rec.transportEvents.map((e) => e.type);

describe('@openai/agents-realtime RealtimeSession against Parley', () => {
  it('answers a typed message: the assistant words reach the history and agent_end, with no error', async () => {
    h.llm.enqueue({ text: ['Hello', ' from', ' Parley.'] });
    const agent = new RealtimeAgent({ name: 'Greeter', instructions: 'Greet the user.' });
    const { s, rec } = await connect(agent);

    s.sendMessage('Hi there!');
    await eventually('agent_end', () => rec.agentEnds.length > 0);
    await settle();

    expect(rec.errors).toEqual([]);
    expect(rec.agentStarts).toBe(1);
    expect(rec.agentEnds).toEqual(['Hello from Parley.']);

    const user = s.history.find((item) => item.type === 'message' && item.role === 'user');
    expect(user).toMatchObject({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi there!' }] });
    const [assistant, ...more] = assistantMessages(s.history);
    expect(more).toEqual([]);
    // No speech engine yet: an audio-modality response is given as output_text.
    expect(assistant).toMatchObject({ role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello from Parley.' }] });
    expect(rec.historyAdded.map((item) => item.itemId)).toEqual(s.history.map((item) => item.itemId));

    // The agent's instructions, not the profile's, went to the LLM, followed by the user's words.
    expect(h.llm.requests).toHaveLength(1);
    expect(h.llm.requests[0]!.body.messages).toEqual([
      { role: 'system', content: 'Greet the user.' },
      { role: 'user', content: 'Hi there!' },
    ]);
    expect(foreignNames(transportTypes(rec), wireServerEventNames('ga'))).toEqual([]);
  });

  it('answers with text when the session asks for text output only', async () => {
    h.llm.enqueue({ text: ['Just', ' text.'] });
    const { s, rec } = await connect(new RealtimeAgent({ name: 'Texter', instructions: 'Be brief.' }), { outputModalities: ['text'] });

    s.sendMessage('Say something.');
    await eventually('agent_end', () => rec.agentEnds.length > 0);
    await settle();

    expect(rec.errors).toEqual([]);
    expect(rec.agentEnds).toEqual(['Just text.']);
    expect(messageText(assistantMessages(s.history)[0])).toBe('Just text.');
    const updated = rec.transportEvents.filter((e) => e.type === 'session.updated').at(-1) as { session?: { output_modalities?: string[] } } | undefined;
    expect(updated?.session?.output_modalities).toEqual(['text']);
  });

  it('answers a second message in the same conversation, with the first turn as context', async () => {
    h.llm.enqueue({ text: ['First answer.'] }, { text: ['Second answer.'] });
    const { s, rec } = await connect(new RealtimeAgent({ name: 'Chat', instructions: 'Chat.' }));

    s.sendMessage('One');
    await eventually('first agent_end', () => rec.agentEnds.length === 1);
    s.sendMessage('Two');
    await eventually('second agent_end', () => rec.agentEnds.length === 2);

    expect(rec.errors).toEqual([]);
    expect(rec.agentEnds).toEqual(['First answer.', 'Second answer.']);
    expect(assistantMessages(s.history).map(messageText)).toEqual(['First answer.', 'Second answer.']);
    expect(h.llm.requests[1]!.body.messages).toEqual([
      { role: 'system', content: 'Chat.' },
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'First answer.' },
      { role: 'user', content: 'Two' },
    ]);
  });

  it('runs a function tool exactly once with the streamed arguments, then speaks the follow-up answer', async () => {
    const calls: unknown[] = [];
    const getWeather = tool({
      name: 'get_weather',
      description: 'The weather in a city.',
      parameters: z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']) }),
      execute: async (args) => {
        calls.push(args);
        return `It is 21 degrees ${args.unit} and sunny in ${args.city}.`;
      },
    });
    const agent = new RealtimeAgent({ name: 'Weather', instructions: 'Use the tool.', tools: [getWeather] });
    h.llm.enqueue(
      { toolCalls: [{ name: 'get_weather', arguments: ['{"ci', 'ty":"Par', 'is","unit":', '"celsius"}'] }] },
      { text: ['It is', ' sunny in Paris.'] },
    );
    const { s, rec } = await connect(agent);

    s.sendMessage('What is the weather in Paris?');
    await eventually('the answer after the tool', () => rec.agentEnds.includes('It is sunny in Paris.'));
    await settle(200);

    expect(rec.errors).toEqual([]);
    expect(calls).toEqual([{ city: 'Paris', unit: 'celsius' }]);
    expect(rec.toolStarts).toEqual([{ name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' }]);
    expect(rec.toolEnds).toEqual([{ name: 'get_weather', result: 'It is 21 degrees celsius and sunny in Paris.' }]);

    // The LLM was offered the tool, and asked again with the call and its result.
    expect(h.llm.requests).toHaveLength(2);
    expect(h.llm.requests[0]!.body.tools?.map((t) => t.function.name)).toEqual(['get_weather']);
    const messages = h.llm.requests[1]!.body.messages;
    const callIndex = messages.findIndex((m) => m.role === 'assistant' && m.tool_calls);
    expect(callIndex).toBeGreaterThan(0);
    const call = messages[callIndex]!.tool_calls![0] as { id: string; function: { name: string; arguments: string } };
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' });
    expect(messages[callIndex + 1]).toEqual({ role: 'tool', tool_call_id: call.id, content: 'It is 21 degrees celsius and sunny in Paris.' });

    // The history shows the call with its output and the final words.
    const toolItem = s.history.find((item) => item.type === 'function_call');
    expect(toolItem).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}', output: 'It is 21 degrees celsius and sunny in Paris.' });
    expect(messageText(assistantMessages(s.history).at(-1))).toBe('It is sunny in Paris.');

    const types = transportTypes(rec);
    expect(types.filter((t) => t === 'response.created')).toHaveLength(2);
    expect(types.filter((t) => t === 'response.done')).toHaveLength(2);
    expect(types.filter((t) => BETA_ONLY_NAMES.includes(t))).toEqual([]);
    expect(foreignNames(types, wireServerEventNames('ga'))).toEqual([]);
  });
});
