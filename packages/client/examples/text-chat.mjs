// A text turn with a function tool, against Parley (or OpenAI, or Azure), in any dialect.
//
//   npm run build && npm start                                   # Parley on ws://127.0.0.1:8080
//   node packages/client/examples/text-chat.mjs "What time is it in Paris?"
//   PARLEY_URL=ws://127.0.0.1:8080 PARLEY_DIALECT=voicelive PARLEY_API_KEY=secret node packages/client/examples/text-chat.mjs "Hi"
import { fileURLToPath } from 'node:url';
import { parleyEndpoint, RealtimeClient } from '@parley/client';

const tools = {
  get_time: {
    definition: {
      type: 'function',
      name: 'get_time',
      description: 'The current time in a city.',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
    run: ({ city }) => ({ city, time: new Date().toISOString().slice(11, 16) }),
  },
};

/** Asks `question`, runs the tools the model calls, and resolves with the answer's text. */
export async function chat({ baseUrl, dialect = 'ga', apiKey = 'sk-local', question, onText = () => {} }) {
  const client = new RealtimeClient({ ...parleyEndpoint({ baseUrl, dialect }), auth: { type: 'bearer', token: apiKey } });
  // Listeners go on before connect(): the first events can arrive with the open.
  client.on('response.output_text.delta', (event) => onText(event.delta));
  client.on('error', (event) => console.error(`server error ${event.error.code}: ${event.error.message}`));
  client.on('response.done', (event) => {
    // Run each completed function call, hand back its output, and let the model continue.
    const calls = event.response.output.filter((item) => item.type === 'function_call');
    for (const call of calls) {
      const output = tools[call.name]?.run(JSON.parse(call.arguments)) ?? { error: `no tool ${call.name}` };
      client.sendFunctionCallOutput(call.call_id, JSON.stringify(output));
    }
    if (calls.length > 0) client.createResponse();
  });

  await client.connect();
  client.updateSession({
    instructions: 'You are brief.',
    output_modalities: ['text'],
    tools: Object.values(tools).map((tool) => tool.definition),
  });
  client.createItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: question }] });
  client.createResponse();
  const answer = await client.waitFor('response.done', {
    predicate: (event) => event.response.output.some((item) => item.type === 'message'),
    timeoutMs: 60_000,
  });
  await client.close();
  const message = answer.response.output.find((item) => item.type === 'message');
  return message.content.map((part) => part.text ?? part.transcript ?? '').join('');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const question = process.argv[2] ?? 'What time is it in Paris?';
  await chat({
    baseUrl: process.env.PARLEY_URL ?? 'ws://127.0.0.1:8080',
    dialect: process.env.PARLEY_DIALECT ?? 'ga',
    apiKey: process.env.PARLEY_API_KEY ?? 'sk-local',
    question,
    onText: (text) => process.stdout.write(text),
  });
  process.stdout.write('\n');
}
