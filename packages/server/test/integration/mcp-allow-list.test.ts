/** `mcp.allowed_urls`: a client cannot make the server connect to an MCP server that is not on the list. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { startMcpServer, type TestMcpServer } from '../support/mcp-server.js';
import { connectRealtime } from '../support/realtime-client.js';

let mcp: TestMcpServer;
let h: Harness;

beforeAll(async () => {
  mcp = await startMcpServer();
  h = await startHarness({ mcp: { allowedUrls: [`${new URL(mcp.url).origin}/allowed/`] } });
});
afterAll(async () => {
  await h.stop();
  await mcp.close();
});

describe('MCP server allow-list', () => {
  it('refuses a session.update naming a server off the list, changing nothing and connecting nowhere', async () => {
    const c = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { dialect: 'ga' });
    await c.waitFor('session.created');
    const before = mcp.requests.length;
    c.send({ type: 'session.update', event_id: 'evt_1', session: { type: 'realtime', tools: [{ type: 'function', name: 'f' }, { type: 'mcp', server_label: 'calc', server_url: mcp.url }] } });
    const error = await c.waitFor('error');
    expect(error.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_value',
      param: 'session.tools[1].server_url',
      event_id: 'evt_1',
      message: `MCP server URL '${mcp.url}' is not allowed on this server; allowed are URLs starting with '${new URL(mcp.url).origin}/allowed/'.`,
    });
    c.send({ type: 'response.create', response: { tools: [{ type: 'mcp', server_label: 'calc', server_url: mcp.url }] } });
    const second = await c.waitFor('error', (e) => (e.error as { param?: string }).param === 'response.tools[0].server_url');
    expect(second.error).toMatchObject({ code: 'invalid_value' });
    expect(c.types().filter((t) => t === 'session.updated' || t.startsWith('mcp_list_tools') || t === 'response.created')).toEqual([]);
    expect(mcp.requests.length).toBe(before);
    await c.close();
  });
});
