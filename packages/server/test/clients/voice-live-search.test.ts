/**
 * The real `@azure/ai-voicelive` client against Parley with a profile that searches documents:
 * the SDK parses only the event types it knows (turning a frame it cannot deserialize into a
 * `MessageParsingError`), so this checks that the file search events, the search item and the
 * citation reach it whole, with the answer spoken by Flite and the marker never said.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzureKeyCredential } from '@azure/core-auth';
import { VoiceLiveClient, type VoiceLiveSession } from '@azure/ai-voicelive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FliteTts } from '../../src/engines/tts/flite.js';
import { DocumentIndex, fileIdOf } from '../../src/tools/search/document-index.js';
import { SearchTools } from '../../src/tools/search/search-tools.js';
import { startHarness, type Harness } from '../support/harness.js';
import { eventually, settle } from './helpers.js';

type VlEvent = { type: string; [key: string]: unknown };

let docs: string;
let tts: FliteTts;
let h: Harness;
let session: VoiceLiveSession | undefined;

beforeAll(async () => {
  docs = mkdtempSync(join(tmpdir(), 'parley-kb-'));
  writeFileSync(join(docs, 'refunds.md'), 'Customers may return any product within 30 days for a full refund.');
  tts = new FliteTts();
  await tts.warmup?.();
  h = await startHarness({ tts, search: new SearchTools({ files: { index: await DocumentIndex.open(docs) } }) });
});
afterAll(async () => {
  await session?.dispose();
  await h.stop();
  await tts.close?.();
  rmSync(docs, { recursive: true, force: true });
});

describe('@azure/ai-voicelive with file search against Parley', () => {
  it('receives the search item, its events and the citation of a spoken answer, with no MessageParsingError', async () => {
    const client = new VoiceLiveClient(`http://127.0.0.1:${h.server.port}`, new AzureKeyCredential('vl-key'));
    const s = client.createSession('gpt-realtime');
    session = s;
    const events: VlEvent[] = [];
    const errors: unknown[] = [];
    let audioBytes = 0;
    s.subscribe({
      onServerEvent: async (event) => void events.push(event as unknown as VlEvent),
      onServerError: async (event) => void errors.push(event.error),
      onError: async (args) => void errors.push(args.error),
      onResponseAudioDelta: async (event) => void (audioBytes += event.delta.byteLength),
    });
    await s.connect();
    await eventually('session.created', () => s.sessionId);
    await s.updateSession({ modalities: ['text', 'audio'], include: ['file_search_call.results'] } as never);
    await eventually('session.updated', () => events.some((e) => e.type === 'session.updated'));

    h.llm.enqueue({ toolCalls: [{ name: 'file_search', arguments: ['{"query":"return days"}'] }] }, { text: ['You have 30 days [1] to return it.'] });
    await s.addConversationItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'How long can I return things?' }] });
    await s.sendEvent({ type: 'response.create' });
    await eventually('response.done', () => events.some((e) => e.type === 'response.done'), 20_000);
    await settle();

    expect(errors).toEqual([]);
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t.startsWith('response.file_search_call.'))).toEqual([
      'response.file_search_call.in_progress',
      'response.file_search_call.searching',
      'response.file_search_call.completed',
    ]);
    const searchItem = events.find((e) => e.type === 'conversation.item.created' && (e.item as { type: string }).type === 'file_search_call')!.item;
    expect(searchItem).toMatchObject({ type: 'file_search_call' });
    const done = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item as Record<string, unknown>);
    expect(done[0]).toMatchObject({ type: 'file_search_call', status: 'completed', queries: ['return days'] });
    expect(done[0]!.results).toEqual([expect.objectContaining({ fileId: fileIdOf('refunds.md'), filename: 'refunds.md' })]);

    const transcript = events.find((e) => e.type === 'response.audio_transcript.done')!;
    expect(transcript.transcript).toBe('You have 30 days to return it.');
    const annotation = events.find((e) => e.type === 'response.audio_transcript.annotation.added')!;
    expect(annotation).toMatchObject({ annotationIndex: 0, contentIndex: 0, annotation: { type: 'file_citation', index: 16, file_id: fileIdOf('refunds.md'), filename: 'refunds.md' } });
    // The annotation closes the spoken transcript: after the audio, before the transcript's done.
    expect(types.indexOf('response.audio_transcript.annotation.added')).toBeGreaterThan(types.lastIndexOf('response.audio.delta'));
    expect(types.indexOf('response.audio_transcript.annotation.added')).toBeLessThan(types.indexOf('response.audio_transcript.done'));
    // About 1.5 s of 24 kHz speech for seven words; "[1]" spoken would add "one" and more.
    expect(audioBytes).toBeGreaterThan(24_000 * 2 * 0.8);
  });
});
