/** A model that could not be loaded: the user hears why (never silence) and gets an `error` event with the fix. */
import { afterEach, expect, it } from 'vitest';
import { UnavailableLlm } from '../../src/engines/llm/unavailable.js';
import { ProfileRegistry } from '../../src/profiles.js';
import { startHarness, type Harness } from '../support/harness.js';
import { connectRealtime } from '../support/realtime-client.js';
import { ToneTts } from '../support/tone-tts.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
});

it('speaks a notice and sends engine_unavailable with the reason; the session serves on', async () => {
  const reason = 'The model file /models/x.gguf does not exist and could not be downloaded (offline). Put the file there, or set PARLEY_LLM_URL.';
  h = await startHarness({
    profiles: new ProfileRegistry([{ name: 'default', llm: new UnavailableLlm('llama-cpp(/models/x.gguf)', reason), instructions: '', voice: 'alloy', tts: new ToneTts() }]),
  });
  const client = await connectRealtime(`${h.server.wsUrl}/v1/realtime`);
  await client.waitFor('session.created');
  client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello?' }] } });
  client.send({ type: 'response.create' });
  const done = await client.waitFor('response.done');
  expect(done.response).toMatchObject({ status: 'completed' });
  const error = client.events.find((e) => e.type === 'error');
  expect(error?.error).toMatchObject({ type: 'server_error', code: 'engine_unavailable', message: reason });
  expect(client.events.filter((e) => e.type === 'response.output_audio.delta').length).toBeGreaterThan(0);
  const transcript = await client.waitFor('response.output_audio_transcript.done');
  expect(transcript.transcript).toMatch(/^Sorry, my language model is not installed/);
  await client.close();
});
