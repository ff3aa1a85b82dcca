/**
 * Profiles chosen with `?model=`, and an LLM chain that hands over to its fallback with a
 * warning when the first engine fails before answering.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FallbackLlm } from '../../src/engines/llm/fallback.js';
import { OpenAiCompatibleLlm } from '../../src/engines/llm/openai-compatible.js';
import { ProfileRegistry } from '../../src/profiles.js';
import { startHarness, type Harness } from '../support/harness.js';
import { connectRealtime } from '../support/realtime-client.js';
import { startScriptedLlm, type ScriptedLlm } from '../support/scripted-llm.js';

let h: Harness | undefined;
let first: ScriptedLlm | undefined;
let second: ScriptedLlm | undefined;
afterEach(async () => {
  await h?.stop();
  await Promise.all([first?.close(), second?.close()]);
  h = first = second = undefined;
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const llm = (url: string) => new OpenAiCompatibleLlm({ baseUrl: url, model: 'm', connectTimeoutMs: 2000, idleTimeoutMs: 2000 });

async function turn(path: string, dialect: 'ga' | 'voicelive', text = 'Hi') {
  const client = await connectRealtime(`${h!.server.wsUrl}${path}`, { dialect });
  await client.waitFor('session.created');
  client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
  client.send({ type: 'response.create', response: dialect === 'ga' ? { output_modalities: ['text'] } : { modalities: ['text'] } });
  const done = await client.waitFor('response.done');
  await client.close();
  return { client, done };
}

describe('LLM fallback', () => {
  it('hands over when the first engine is unreachable, and Voice Live is told with a warning', async () => {
    second = await startScriptedLlm();
    const dead = `http://127.0.0.1:${await closedPort()}/v1`;
    h = await startHarness({
      profiles: new ProfileRegistry([{ name: 'default', llm: new FallbackLlm([llm(dead), llm(second.url)]), instructions: 'Test.', voice: 'alloy' }]),
    });
    second.enqueue({ text: ['From the fallback.'] });
    const { client, done } = await turn('/voice-live/realtime', 'voicelive');
    expect(done.response).toMatchObject({ status: 'completed' });
    const warning = client.events.find((e) => e.type === 'warning');
    expect(warning?.warning).toMatchObject({ code: 'llm_fallback' });
    expect((warning?.warning as { message: string }).message).toMatch(/failed \(engine_unreachable: .*\); openai-compatible\(http:\/\/127\.0\.0\.1:\d+\/v1, m\) answers instead/);
    expect(client.events.filter((e) => e.type === 'response.text.done').map((e) => e.text)).toEqual(['From the fallback.']);
    expect(client.events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('does not hand over once the first engine has started answering: that response fails', async () => {
    second = await startScriptedLlm();
    first = await startScriptedLlm();
    h = await startHarness({
      profiles: new ProfileRegistry([{ name: 'default', llm: new FallbackLlm([llm(first.url), llm(second.url)]), instructions: 'Test.', voice: 'alloy' }]),
    });
    first.enqueue({ text: ['Half an', ' answer'], breakAfter: { chunks: 2, how: 'destroy' } });
    const { done } = await turn('/v1/realtime', 'ga');
    expect(done.response).toMatchObject({ status: 'failed' });
    expect(second.requests).toHaveLength(0);
  });
});

describe('model profiles', () => {
  it('?model= picks the profile: its instructions reach the LLM; an unknown name gets the default', async () => {
    second = await startScriptedLlm();
    const engine = llm(second.url);
    h = await startHarness({
      profiles: new ProfileRegistry(
        [
          { name: 'pirate', llm: engine, instructions: 'Talk like a pirate.', voice: 'alloy' },
          { name: 'butler', llm: engine, instructions: 'Talk like a butler.', voice: 'alloy' },
        ],
        'butler',
      ),
    });
    second.enqueue({ text: ['Arr.'] }, { text: ['Indeed.'] }, { text: ['Indeed.'] });
    await turn('/v1/realtime?model=pirate', 'ga');
    await turn('/v1/realtime?model=butler', 'ga');
    await turn('/v1/realtime?model=nonesuch', 'ga');
    expect(second.requests.map((r) => r.body.messages[0])).toEqual([
      { role: 'system', content: 'Talk like a pirate.' },
      { role: 'system', content: 'Talk like a butler.' },
      { role: 'system', content: 'Talk like a butler.' },
    ]);
    const models = (await (await fetch(`http://127.0.0.1:${h.server.port}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['pirate', 'butler']);
  });
});
