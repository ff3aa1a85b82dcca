/**
 * Search tools end to end: a real Parley with a profile that has documents (a folder the test
 * writes) and a web search provider (a scripted SearXNG), a scripted LLM that calls the tools
 * and cites what it read, and the protocol test client, which holds every frame to the
 * dialect's server-event schemas.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DocumentIndex, fileIdOf } from '../../src/tools/search/document-index.js';
import { SearchTools } from '../../src/tools/search/search-tools.js';
import { SearxngProvider } from '../../src/tools/search/searxng.js';
import { startHarness, type Harness } from '../support/harness.js';
import { connectRealtime, type RealtimeTestClient, type WireEvent } from '../support/realtime-client.js';
import { startScriptedSearxng, type ScriptedSearxng } from '../support/scripted-searxng.js';

let docs: string;
let searx: ScriptedSearxng;
let h: Harness;
let client: RealtimeTestClient;

beforeAll(async () => {
  docs = mkdtempSync(join(tmpdir(), 'parley-kb-'));
  writeFileSync(join(docs, 'refunds.md'), '# Refunds\n\nCustomers may return any product within 30 days for a full refund.');
  writeFileSync(join(docs, 'shipping.md'), 'Standard shipping takes three to seven days.');
  searx = await startScriptedSearxng();
});
afterAll(async () => {
  rmSync(docs, { recursive: true, force: true });
  await searx.close();
});
beforeEach(async () => {
  const index = await DocumentIndex.open(docs);
  const search = new SearchTools({ files: { index, maxResults: 2 }, web: { provider: new SearxngProvider({ url: searx.url }), maxResults: 2 } });
  h = await startHarness({ search });
});
afterEach(async () => {
  await client?.close();
  await h.stop();
});

const GA_PATH = '/v1/realtime?model=gpt-realtime';
const VL_PATH = '/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime';

async function connect(dialect: 'ga' | 'voicelive'): Promise<RealtimeTestClient> {
  client = await connectRealtime(`${h.server.wsUrl}${dialect === 'ga' ? GA_PATH : VL_PATH}`, { dialect });
  await client.waitFor('session.created');
  return client;
}

async function ask(c: RealtimeTestClient, text: string): Promise<number> {
  const from = c.events.length;
  c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
  c.send({ type: 'response.create' });
  await c.waitFor('response.done', undefined, from);
  return from;
}

const ofType = (events: WireEvent[], type: string) => events.filter((e) => e.type === type);

describe('file_search', () => {
  it('Voice Live: the search is an item with its events and results, the answer cites the document and never says the marker', async () => {
    const c = await connect('voicelive');
    c.send({ type: 'session.update', session: { modalities: ['text'], include: ['file_search_call.results'] } });
    await c.waitFor('session.updated');
    h.llm.enqueue(
      { toolCalls: [{ name: 'file_search', arguments: ['{"query":', '"refund days"}'] }] },
      { text: ['You have 30 days ', '[', '1]', ' to return it.'] },
    );
    const from = await ask(c, 'How long do I have to return something?');
    const events = c.events.slice(from);

    expect(c.types(from)).toEqual([
      'conversation.item.created',
      'response.created',
      'response.output_item.added',
      'conversation.item.created',
      'response.file_search_call.in_progress',
      'response.file_search_call.searching',
      'response.file_search_call.completed',
      'response.output_item.done',
      'response.output_item.added',
      'conversation.item.created',
      'response.content_part.added',
      'response.text.delta',
      'response.text.delta',
      'response.audio_transcript.annotation.added',
      'response.text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.done',
    ]);
    const [call, message] = ofType(events, 'response.output_item.done').map((e) => e.item as Record<string, unknown>);
    expect(call).toMatchObject({ type: 'file_search_call', status: 'completed', queries: ['refund days'] });
    expect(call!.results).toEqual([
      expect.objectContaining({ file_id: fileIdOf('refunds.md'), filename: 'refunds.md', text: '# Refunds\n\nCustomers may return any product within 30 days for a full refund.' }),
      expect.objectContaining({ filename: 'shipping.md' }),
    ]);
    const searchEvents = events.filter((e) => e.type.startsWith('response.file_search_call.'));
    expect(searchEvents.map((e) => e.sequence_number)).toEqual([0, 1, 2]);
    for (const e of searchEvents) expect(e).toMatchObject({ item_id: call!.id, output_index: 0 });

    expect(ofType(events, 'response.text.done')[0]!.text).toBe('You have 30 days to return it.');
    expect(ofType(events, 'response.audio_transcript.annotation.added')[0]).toMatchObject({
      item_id: message!.id,
      output_index: 1,
      content_index: 0,
      annotation_index: 0,
      annotation: { type: 'file_citation', index: 16, file_id: fileIdOf('refunds.md'), filename: 'refunds.md' },
    });

    // The LLM was offered the tool, then read the numbered passages after its call.
    const first = await h.llm.request(0);
    expect(first.body.tools?.map((t) => t.function.name)).toEqual(['file_search', 'web_search']);
    const second = (await h.llm.request(1)).body.messages;
    expect(second.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ function: { name: 'file_search', arguments: '{"query":"refund days"}' } }] });
    const result = second.at(-1)!;
    expect(result.role).toBe('tool');
    expect(result.content).toContain('[1] refunds.md: # Refunds\n\nCustomers may return any product within 30 days for a full refund.');
    expect(result.content).toContain('[2] shipping.md:');
    expect(result.content).toContain('Cite a source by writing its number in brackets, like [1]');
  });

  it('Voice Live: without include, the item carries no results; a later turn still reads the search', async () => {
    const c = await connect('voicelive');
    c.send({ type: 'session.update', session: { modalities: ['text'] } });
    await c.waitFor('session.updated');
    h.llm.enqueue({ toolCalls: [{ name: 'file_search', arguments: ['{"query":"shipping"}'] }] }, { text: ['Three to seven days [1].'] }, { text: ['Sure.'] });
    const from = await ask(c, 'How long is shipping?');
    const call = ofType(c.events.slice(from), 'response.output_item.done')[0]!.item as Record<string, unknown>;
    expect(call).toMatchObject({ type: 'file_search_call', status: 'completed', queries: ['shipping'], results: null });

    await ask(c, 'Thanks.');
    const third = (await h.llm.request(2)).body.messages;
    const tool = third.find((m) => m.role === 'tool');
    expect(tool?.content).toContain('shipping.md: Standard shipping takes three to seven days.');
    expect(third.filter((m) => m.role === 'assistant').map((m) => m.content)).toContain('Three to seven days.');
  });

  it('GA: the search runs unseen (GA has no search items), the answer is clean and still annotated', async () => {
    const c = await connect('ga');
    c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
    await c.waitFor('session.updated');
    h.llm.enqueue({ toolCalls: [{ name: 'file_search', arguments: ['{"query":"refund"}'] }] }, { text: ['Thirty days [1].'] });
    const from = await ask(c, 'Refunds?');
    const events = c.events.slice(from);
    expect(c.types(from).filter((t) => t.includes('search'))).toEqual([]);
    const items = ofType(events, 'response.output_item.added').map((e) => (e.item as { type: string }).type);
    expect(items).toEqual(['message']);
    expect(ofType(events, 'response.output_text.done')[0]!.text).toBe('Thirty days.');
    expect(ofType(events, 'response.audio_transcript.annotation.added')[0]!.annotation).toMatchObject({ type: 'file_citation', index: 11, filename: 'refunds.md' });
    const done = ofType(events, 'response.done')[0]!.response as { output: { type: string }[] };
    expect(done.output.map((o) => o.type)).toEqual(['message']);
    expect((await h.llm.request(1)).body.messages.at(-1)!.content).toContain('[1] refunds.md:');
  });

  it('a call without a query fails, and the LLM hears why and answers on', async () => {
    const c = await connect('voicelive');
    c.send({ type: 'session.update', session: { modalities: ['text'] } });
    await c.waitFor('session.updated');
    h.llm.enqueue({ toolCalls: [{ name: 'file_search', arguments: ['{"q":1}'] }] }, { text: ['I could not search.'] });
    const from = await ask(c, 'Search!');
    const events = c.events.slice(from);
    expect(c.types(from).filter((t) => t.includes('file_search_call'))).toEqual(['response.file_search_call.in_progress', 'response.file_search_call.searching']);
    expect(ofType(events, 'response.output_item.done')[0]!.item).toMatchObject({ type: 'file_search_call', status: 'failed' });
    expect(ofType(events, 'warning')[0]!.warning).toMatchObject({ code: 'file_search_failed', message: 'file_search needs arguments {"query": "<what to look for>"}, but got {"q":1}.' });
    expect((await h.llm.request(1)).body.messages.at(-1)).toMatchObject({ role: 'tool', content: 'file_search needs arguments {"query": "<what to look for>"}, but got {"q":1}.' });
    expect(ofType(events, 'response.done')[0]!.response).toMatchObject({ status: 'completed' });
  });
});

describe('web_search', () => {
  it('Voice Live: the search asks the provider, the answer cites the page with a url_citation over the sentence', async () => {
    searx.enqueue({ results: [{ url: 'https://example.org/tides', title: 'Tide tables', content: 'High tide in Brest is at 14:05 today.' }] });
    const c = await connect('voicelive');
    c.send({ type: 'session.update', session: { modalities: ['text'] } });
    await c.waitFor('session.updated');
    h.llm.enqueue({ toolCalls: [{ name: 'web_search', arguments: ['{"query":"high tide brest"}'] }] }, { text: ['Sure. High tide is at 14:05 [1].'] });
    const from = await ask(c, 'When is high tide in Brest?');
    const events = c.events.slice(from);
    expect(c.types(from).filter((t) => t.includes('web_search_call'))).toEqual([
      'response.web_search_call.in_progress',
      'response.web_search_call.searching',
      'response.web_search_call.completed',
    ]);
    expect(ofType(events, 'response.output_item.done')[0]!.item).toMatchObject({ type: 'web_search_call', status: 'completed' });
    expect(searx.queries.at(-1)).toMatchObject({ q: 'high tide brest', format: 'json' });
    const text = ofType(events, 'response.text.done')[0]!.text as string;
    expect(text).toBe('Sure. High tide is at 14:05.');
    const annotation = ofType(events, 'response.audio_transcript.annotation.added')[0]!.annotation as Record<string, unknown>;
    expect(annotation).toEqual({ type: 'url_citation', start_index: 6, end_index: 27, url: 'https://example.org/tides', title: 'Tide tables' });
    expect(text.slice(6, 27)).toBe('High tide is at 14:05');
    expect((await h.llm.request(1)).body.messages.at(-1)!.content).toContain('[1] Tide tables (https://example.org/tides): High tide in Brest is at 14:05 today.');
  });

  it('a failing provider fails the call with its message; the conversation goes on', async () => {
    searx.enqueue({ status: 500, body: 'boom' });
    const c = await connect('voicelive');
    c.send({ type: 'session.update', session: { modalities: ['text'] } });
    await c.waitFor('session.updated');
    h.llm.enqueue({ toolCalls: [{ name: 'web_search', arguments: ['{"query":"news"}'] }] }, { text: ['The search is down, sorry.'] }, { text: ['Hello again.'] });
    const from = await ask(c, 'Any news?');
    const events = c.events.slice(from);
    const message = `The web search failed: The web search server at ${searx.url} answered HTTP 500: boom`;
    expect(ofType(events, 'response.output_item.done')[0]!.item).toMatchObject({ type: 'web_search_call', status: 'failed' });
    expect(ofType(events, 'warning')[0]!.warning).toMatchObject({ code: 'web_search_failed', message });
    expect((await h.llm.request(1)).body.messages.at(-1)).toMatchObject({ role: 'tool', content: message });
    expect(ofType(events, 'response.text.done')[0]!.text).toBe('The search is down, sorry.');
    const next = await ask(c, 'Hello?');
    expect(ofType(c.events.slice(next), 'response.done')[0]!.response).toMatchObject({ status: 'completed' });
  });
});
