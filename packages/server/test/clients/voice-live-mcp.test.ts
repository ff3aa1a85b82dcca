/**
 * The real `@azure/ai-voicelive` client with an MCP server tool against a running Parley and
 * a real MCP server: the SDK parses only the event types it knows and turns a frame it cannot
 * deserialize into a synthetic `MessageParsingError`, so these tests check that every MCP
 * event reaches its handler and that no such error appears.
 */
import { AzureKeyCredential } from '@azure/core-auth';
import { VoiceLiveClient, type VoiceLiveSession } from '@azure/ai-voicelive';
import { wireServerEventNames } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { startMcpServer, type TestMcpServer } from '../support/mcp-server.js';
import { eventually, foreignNames, settle } from './helpers.js';

type VlEvent = { type: string; [key: string]: unknown };

let h: Harness;
let mcp: TestMcpServer;
let session: VoiceLiveSession | undefined;

beforeAll(async () => {
  mcp = await startMcpServer();
});
afterAll(async () => {
  await mcp.close();
});
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await session?.dispose();
  session = undefined;
  await h.stop();
});

interface Recording {
  events: VlEvent[];
  handled: string[];
  serverErrors: { code?: string; message?: string }[];
  connectionErrors: Error[];
}

async function connect(): Promise<{ s: VoiceLiveSession; rec: Recording }> {
  const client = new VoiceLiveClient(`http://127.0.0.1:${h.server.port}`, new AzureKeyCredential('vl-key'));
  const s = client.createSession('gpt-realtime');
  session = s;
  const rec: Recording = { events: [], handled: [], serverErrors: [], connectionErrors: [] };
  const handled = (type: string) => async () => void rec.handled.push(type);
  s.subscribe({
    onServerEvent: async (event) => void rec.events.push(event as unknown as VlEvent),
    onServerError: async (event) => void rec.serverErrors.push(event.error),
    onError: async (args) => void rec.connectionErrors.push(args.error),
    onMcpListToolsInProgress: handled('mcp_list_tools.in_progress'),
    onMcpListToolsCompleted: handled('mcp_list_tools.completed'),
    onMcpListToolsFailed: handled('mcp_list_tools.failed'),
    onResponseMcpCallArgumentsDelta: handled('response.mcp_call_arguments.delta'),
    onResponseMcpCallArgumentsDone: handled('response.mcp_call_arguments.done'),
    onResponseMcpCallInProgress: handled('response.mcp_call.in_progress'),
    onResponseMcpCallCompleted: handled('response.mcp_call.completed'),
    onResponseMcpCallFailed: handled('response.mcp_call.failed'),
    onConversationItemCreated: handled('conversation.item.created'),
    onResponseOutputItemAdded: handled('response.output_item.added'),
    onResponseOutputItemDone: handled('response.output_item.done'),
    onResponseDone: handled('response.done'),
  });
  await s.connect();
  await eventually('session.created', () => s.sessionId);
  return { s, rec };
}

const ofType = (rec: Recording, type: string) => rec.events.filter((e) => e.type === type);
const types = (rec: Recording, from = 0) => rec.events.slice(from).map((e) => e.type);
const itemsOfType = (rec: Recording, itemType: string) =>
  ofType(rec, 'conversation.item.created')
    .map((e) => e.item as Record<string, unknown>)
    .filter((item) => item.type === itemType);

function expectNoErrors(rec: Recording): void {
  expect(rec.serverErrors).toEqual([]);
  expect(rec.connectionErrors).toEqual([]);
}

describe('@azure/ai-voicelive with an MCP server against Parley', () => {
  it('receives the listing, the approval request, and the approved call, with no MessageParsingError', async () => {
    const { s, rec } = await connect();
    // No require_approval: Voice Live's default, "always".
    await s.updateSession({ modalities: ['text'], tools: [{ type: 'mcp', serverLabel: 'calc', serverUrl: mcp.url, allowedTools: ['add', 'fail'] }] });
    await eventually('mcp_list_tools.completed', () => ofType(rec, 'mcp_list_tools.completed').length > 0);
    const [listing] = itemsOfType(rec, 'mcp_list_tools');
    expect(listing).toMatchObject({ serverLabel: 'calc', tools: [{ name: 'add', description: 'Adds two numbers.' }, { name: 'fail' }] });
    expect((listing!.tools as { inputSchema: unknown }[])[0]!.inputSchema).toMatchObject({ type: 'object' });

    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__add', arguments: ['{"a":4,', '"b":5}'] }] }, { text: ['Nine.'] });
    await s.addConversationItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: '4 + 5?' }] });
    await s.sendEvent({ type: 'response.create' });
    await eventually('the approval request', () => itemsOfType(rec, 'mcp_approval_request')[0]);
    const [request] = itemsOfType(rec, 'mcp_approval_request');
    expect(request).toMatchObject({ name: 'add', arguments: '{"a":4,"b":5}' });
    await eventually('response.done #1', () => ofType(rec, 'response.done').length === 1);

    const from = rec.events.length;
    await s.addConversationItem({ type: 'mcp_approval_response', approvalRequestId: request!.id as string, approve: true });
    await eventually('response.done #2', () => ofType(rec, 'response.done').length === 2);
    await settle();

    expectNoErrors(rec);
    expect(types(rec, from)).toEqual([
      'conversation.item.created',
      'response.created',
      'response.output_item.added',
      'conversation.item.created',
      'response.mcp_call_arguments.done',
      'response.mcp_call.in_progress',
      'response.mcp_call.completed',
      'response.output_item.done',
      'response.output_item.added',
      'conversation.item.created',
      'response.content_part.added',
      'response.text.delta',
      'response.text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.done',
    ]);
    const [call] = itemsOfType(rec, 'mcp_call');
    expect(call).toMatchObject({ name: 'add', serverLabel: 'calc', approvalRequestId: request!.id });
    expect(ofType(rec, 'response.done')[1]).toMatchObject({
      response: { status: 'completed', output: [{ type: 'mcp_call', output: '9' }, { type: 'message', content: [{ type: 'text', text: 'Nine.' }] }] },
    });
    for (const type of ['mcp_list_tools.in_progress', 'mcp_list_tools.completed', 'response.mcp_call_arguments.done', 'response.mcp_call.in_progress', 'response.mcp_call.completed']) {
      expect(rec.handled).toContain(type);
    }
    expect(foreignNames(types(rec), wireServerEventNames('voicelive'))).toEqual([]);
  });

  it('receives a failing call and a failed listing through their handlers', async () => {
    const { s, rec } = await connect();
    await s.updateSession({
      modalities: ['text'],
      tools: [
        { type: 'mcp', serverLabel: 'calc', serverUrl: mcp.url, requireApproval: 'never' },
        { type: 'mcp', serverLabel: 'gone', serverUrl: mcp.url.replace('/mcp', '/missing') },
      ],
    });
    await eventually('mcp_list_tools.failed', () => ofType(rec, 'mcp_list_tools.failed').length > 0);
    await eventually('mcp_list_tools.completed', () => ofType(rec, 'mcp_list_tools.completed').length > 0);
    await eventually('the error', () => rec.serverErrors.length > 0);
    expect(rec.serverErrors).toEqual([expect.objectContaining({ code: 'mcp_server_error', message: expect.stringContaining("MCP server 'gone'") })]);
    rec.serverErrors.length = 0;

    h.llm.enqueue({ toolCalls: [{ name: 'mcp__calc__fail', arguments: ['{}'] }] }, { text: ['It failed.'] });
    await s.addConversationItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fail, please.' }] });
    await s.sendEvent({ type: 'response.create' });
    await eventually('response.done', () => ofType(rec, 'response.done').length === 1);
    await settle();

    expectNoErrors(rec);
    expect(rec.handled).toContain('mcp_list_tools.failed');
    expect(rec.handled).toContain('response.mcp_call.failed');
    const [call] = itemsOfType(rec, 'mcp_call');
    expect(call).toMatchObject({ name: 'fail' });
    const done = ofType(rec, 'response.done')[0] as { response: { output: { type: string; error?: { type: string; message: string } }[] } };
    expect(done.response.output[0]).toMatchObject({ type: 'mcp_call', error: { type: 'tool_execution_error' } });
    expect(done.response.output[1]).toMatchObject({ type: 'message' });
  });
});
