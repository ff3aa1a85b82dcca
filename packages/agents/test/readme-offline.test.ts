/** The README's offline example, as written there. */
import { RealtimeAgent, RealtimeSession, ScriptedRealtimeServer, tool } from '@parley/agents';
import { expect, it } from 'vitest';
import { z } from 'zod';

const getWeather = tool({
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => `Sunny in ${city}.`,
});

it('answers with the weather tool', async () => {
  const server = new ScriptedRealtimeServer();
  server.enqueue(
    [{ type: 'function_call', name: 'get_weather', arguments: { city: 'Paris' } }],
    [{ type: 'text', text: ['It is sunny ', 'in Paris.'] }],
  );
  const session = new RealtimeSession(new RealtimeAgent({ name: 'Weather', tools: [getWeather] }));
  const answers: string[] = [];
  session.on('agent_end', (_context, _agent, text) => answers.push(text));
  await session.connect(server.connectOptions());

  session.sendMessage('Weather in Paris?');
  await server.responsesEnded(2);

  expect(answers).toEqual(['', 'It is sunny in Paris.']);
  expect(server.requests[1]!.conversation.at(-1)).toMatchObject({ type: 'function_call_output', output: 'Sunny in Paris.' });
  await session.close();
});
