/**
 * The MCP client against a real MCP server (the official SDK's McpServer) over both
 * transports, and the rules of an `mcp` tool's configuration.
 */
import type { McpTool, McpToolInfo } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpConnection, McpFailure } from '../../src/tools/mcp-client.js';
import { allowedTools, mcpChatToolName, requiresApproval, serverHeaders, uniqueName } from '../../src/tools/mcp-policy.js';
import { startMcpServer, unreachableUrl, type TestMcpServer } from '../support/mcp-server.js';

let mcp: TestMcpServer;
beforeAll(async () => {
  mcp = await startMcpServer();
});
afterAll(async () => {
  await mcp.close();
});

const endpoint = (url: string, headers: Record<string, string> = {}) => ({ label: 'calc', url, headers });

describe('McpConnection', () => {
  it('connects over Streamable HTTP, lists the tools and calls one', async () => {
    const connection = await McpConnection.connect(endpoint(mcp.url), 5_000);
    try {
      expect(connection.transport).toBe('streamable-http');
      const tools = await connection.listTools(5_000);
      expect(tools.map((t) => t.name)).toEqual(['add', 'fail', 'slow', 'whoami', 'lookup']);
      const add = tools.find((t) => t.name === 'add')!;
      expect(add.description).toBe('Adds two numbers.');
      expect(add.input_schema).toMatchObject({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } });
      expect(tools.find((t) => t.name === 'lookup')!.annotations).toMatchObject({ readOnlyHint: true });
      expect(await connection.callTool('add', { a: 2, b: 3 }, { timeoutMs: 5_000 })).toEqual({ ok: true, output: '5' });
      expect(mcp.calls.at(-1)).toEqual({ tool: 'add', args: { a: 2, b: 3 }, transport: 'streamable-http' });
    } finally {
      await connection.close();
    }
  });

  it('falls back to HTTP+SSE when the server refuses the Streamable HTTP handshake', async () => {
    const connection = await McpConnection.connect(endpoint(mcp.sseUrl), 5_000);
    try {
      expect(connection.transport).toBe('sse');
      expect((await connection.listTools(5_000)).length).toBe(5);
      expect(await connection.callTool('add', { a: 40, b: 2 }, { timeoutMs: 5_000 })).toEqual({ ok: true, output: '42' });
      expect(mcp.calls.at(-1)?.transport).toBe('sse');
      // It tried Streamable HTTP first.
      expect(mcp.requests.some((r) => r.method === 'POST' && r.path === '/sse')).toBe(true);
    } finally {
      await connection.close();
    }
  });

  it('sends the configured headers with every request, on both transports', async () => {
    for (const url of [mcp.url, mcp.sseUrl]) {
      const connection = await McpConnection.connect(endpoint(url, { Authorization: 'Bearer tok-1', 'X-Team': 'blue' }), 5_000);
      try {
        expect(await connection.callTool('whoami', {}, { timeoutMs: 5_000 })).toEqual({ ok: true, output: 'authorization=Bearer tok-1; x-team=blue' });
      } finally {
        await connection.close();
      }
    }
  });

  it('reports a tool that throws as a tool_execution_error with its message', async () => {
    const connection = await McpConnection.connect(endpoint(mcp.url), 5_000);
    try {
      const result = await connection.callTool('fail', {}, { timeoutMs: 5_000 });
      expect(result).toEqual({ ok: false, error: { type: 'tool_execution_error', message: expect.stringContaining('The fail tool always fails.') } });
    } finally {
      await connection.close();
    }
  });

  it('reports a call that outlives its timeout as a protocol_error saying so', async () => {
    const connection = await McpConnection.connect(endpoint(mcp.url), 5_000);
    try {
      const result = await connection.callTool('slow', { ms: 2_000 }, { timeoutMs: 200 });
      expect(result).toEqual({
        ok: false,
        error: { type: 'protocol_error', code: -32001, message: "MCP tool 'slow' on server 'calc' did not answer within 200 ms." },
      });
    } finally {
      await connection.close();
    }
  });

  it('fails to connect to an unreachable server with a message naming it and the cause', async () => {
    const url = await unreachableUrl();
    const err = await McpConnection.connect(endpoint(url), 2_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(McpFailure);
    const { error } = err as McpFailure;
    expect(error.type).toBe('protocol_error');
    expect(error.message).toContain(`Could not connect to MCP server 'calc' at ${url}`);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('fails on an HTTP error status that is not a transport mismatch, and on a URL that is not http(s)', async () => {
    const notFound = await McpConnection.connect(endpoint(mcp.url.replace('/mcp', '/nothing-here')), 2_000).catch((e: unknown) => e);
    expect((notFound as McpFailure).error).toMatchObject({ type: 'http_error', code: 404 });
    const badUrl = await McpConnection.connect(endpoint('ftp://example.com/mcp'), 2_000).catch((e: unknown) => e);
    expect((badUrl as McpFailure).error.message).toContain("has an unusable server_url 'ftp://example.com/mcp'");
  });
});

describe('mcp tool configuration', () => {
  const tool = (name: string, readOnly = false): McpToolInfo => ({ name, description: '', input_schema: {}, annotations: readOnly ? { readOnlyHint: true } : null });
  const config = (extra: Partial<McpTool>): McpTool => ({ type: 'mcp', server_label: 'calc', server_url: 'http://x', ...extra });

  it('names tools mcp__<label>__<tool>, within 64 characters and unique', () => {
    expect(mcpChatToolName('calc', 'add')).toBe('mcp__calc__add');
    expect(mcpChatToolName('my docs', 'search.v2')).toBe('mcp__my_docs__search_v2');
    const long = mcpChatToolName('a'.repeat(40), 'b'.repeat(40));
    expect(long).toMatch(/^[a-zA-Z0-9_-]{64}$/);
    expect(long).not.toBe(mcpChatToolName('a'.repeat(40), `${'b'.repeat(39)}c`));
    expect(uniqueName('mcp__calc__add', new Set(['mcp__calc__add']))).toBe('mcp__calc__add_2');
  });

  it('filters the tools by allowed_tools: a list of names, or tool_names and read_only', () => {
    const tools = [tool('add'), tool('lookup', true), tool('fail')];
    expect(allowedTools(config({}), tools).map((t) => t.name)).toEqual(['add', 'lookup', 'fail']);
    expect(allowedTools(config({ allowed_tools: ['add', 'fail'] }), tools).map((t) => t.name)).toEqual(['add', 'fail']);
    expect(allowedTools(config({ allowed_tools: { read_only: true } }), tools).map((t) => t.name)).toEqual(['lookup']);
    expect(allowedTools(config({ allowed_tools: { tool_names: ['add'] } }), tools).map((t) => t.name)).toEqual(['add']);
  });

  it('asks for approval by default (Voice Live and the hosted tool do), never with "never", per tool otherwise', () => {
    expect(requiresApproval(config({}), tool('add'))).toBe(true);
    expect(requiresApproval(config({ require_approval: 'always' }), tool('add'))).toBe(true);
    expect(requiresApproval(config({ require_approval: 'never' }), tool('add'))).toBe(false);
    const perTool = config({ require_approval: { never: { tool_names: ['add'] }, always: { tool_names: ['fail'] } } });
    expect(requiresApproval(perTool, tool('add'))).toBe(false);
    expect(requiresApproval(perTool, tool('fail'))).toBe(true);
    expect(requiresApproval(perTool, tool('other'))).toBe(true);
    // Voice Live spells the lists as plain arrays.
    expect(requiresApproval(config({ require_approval: { never: ['add'] } }), tool('add'))).toBe(false);
    expect(requiresApproval(config({ require_approval: { never: { read_only: true } } }), tool('lookup', true))).toBe(false);
  });

  it('sends authorization as a bearer token beside the headers', () => {
    expect(serverHeaders(config({ authorization: 'tok', headers: { 'X-Team': 'blue' } }))).toEqual({ 'X-Team': 'blue', Authorization: 'Bearer tok' });
    expect(serverHeaders(config({ authorization: 'Bearer tok' }))).toEqual({ Authorization: 'Bearer tok' });
  });
});
