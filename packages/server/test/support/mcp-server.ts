/**
 * A real MCP server for tests, built with the official SDK's `McpServer`, on 127.0.0.1:0. It
 * serves both transports a client may speak: Streamable HTTP at `/mcp` (stateful sessions)
 * and the older HTTP+SSE at `/sse` (stream) + `/messages` (posts). `/sse` refuses POST with
 * 405, as SSE-only servers do, so a client that tries Streamable HTTP there first falls back.
 *
 * Tools: `add(a, b)` → the sum as text; `fail()` → throws; `slow(ms)` → answers after `ms`;
 * `whoami()` → the Authorization header the call came with; `lookup(key)` (read-only) → a value.
 * Every tool call is recorded with its arguments and HTTP headers.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export interface RecordedToolCall {
  tool: string;
  args: Record<string, unknown>;
  transport: 'streamable-http' | 'sse';
}

export interface TestMcpServer {
  /** Streamable HTTP endpoint. */
  url: string;
  /** HTTP+SSE endpoint (the GET stream). */
  sseUrl: string;
  port: number;
  calls: RecordedToolCall[];
  /** Every HTTP request: method, path and headers. */
  requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  /** Forgets every Streamable HTTP session, as a restarted server would: their next request gets 404. */
  forgetSessions(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function buildServer(kind: RecordedToolCall['transport'], calls: RecordedToolCall[]): McpServer {
  const server = new McpServer({ name: 'parley-test-mcp', version: '1.0.0' });
  server.registerTool(
    'add',
    { description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => {
      calls.push({ tool: 'add', args: { a, b }, transport: kind });
      return { content: [{ type: 'text', text: String(a + b) }] };
    },
  );
  server.registerTool('fail', { description: 'Always fails.' }, async () => {
    calls.push({ tool: 'fail', args: {}, transport: kind });
    throw new Error('The fail tool always fails.');
  });
  server.registerTool(
    'slow',
    { description: 'Answers after a while.', inputSchema: { ms: z.number() } },
    async ({ ms }) => {
      calls.push({ tool: 'slow', args: { ms }, transport: kind });
      await sleep(ms);
      return { content: [{ type: 'text', text: `done after ${ms} ms` }] };
    },
  );
  server.registerTool('whoami', { description: 'Says which credentials the call came with.' }, async (extra) => {
    calls.push({ tool: 'whoami', args: {}, transport: kind });
    const headers = (extra.requestInfo?.headers ?? {}) as Record<string, string | string[] | undefined>;
    return { content: [{ type: 'text', text: `authorization=${String(headers.authorization ?? '')}; x-team=${String(headers['x-team'] ?? '')}` }] };
  });
  server.registerTool(
    'lookup',
    { description: 'Looks a key up.', inputSchema: { key: z.string() }, annotations: { readOnlyHint: true } },
    async ({ key }) => {
      calls.push({ tool: 'lookup', args: { key }, transport: kind });
      return { content: [{ type: 'text', text: `value of ${key}` }] };
    },
  );
  return server;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let raw = '';
  for await (const chunk of req) raw += (chunk as Buffer).toString('utf8');
  return raw ? JSON.parse(raw) : undefined;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startMcpServer(): Promise<TestMcpServer> {
  const calls: RecordedToolCall[] = [];
  const requests: TestMcpServer['requests'] = [];
  const streamable = new Map<string, StreamableHTTPServerTransport>();
  const sse = new Map<string, SSEServerTransport>();
  const servers = new Set<McpServer>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers });
    if (url.pathname === '/mcp') {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? streamable.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId) return json(res, 404, { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
        if (req.method !== 'POST' || !isInitializeRequest(body)) {
          return json(res, 400, { jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null });
        }
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void streamable.set(id, created),
        });
        created.onclose = () => {
          if (created.sessionId) streamable.delete(created.sessionId);
        };
        const server = buildServer('streamable-http', calls);
        servers.add(server);
        await server.connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, body);
      return;
    }
    if (url.pathname === '/sse') {
      if (req.method !== 'GET') return json(res, 405, { error: 'Method Not Allowed: this server speaks HTTP+SSE only' });
      const transport = new SSEServerTransport('/messages', res);
      sse.set(transport.sessionId, transport);
      res.on('close', () => sse.delete(transport.sessionId));
      const server = buildServer('sse', calls);
      servers.add(server);
      await server.connect(transport);
      return;
    }
    if (url.pathname === '/messages' && req.method === 'POST') {
      const transport = sse.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) return json(res, 404, { error: 'Unknown SSE session' });
      await transport.handlePostMessage(req, res, await readJson(req));
      return;
    }
    json(res, 404, { error: 'Not found' });
  };

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(err) });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    sseUrl: `http://127.0.0.1:${port}/sse`,
    port,
    calls,
    requests,
    forgetSessions: () => streamable.clear(),
    close: async () => {
      for (const server of servers) await server.close().catch(() => undefined);
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

/** A URL on 127.0.0.1 where nothing listens: a port taken and released again. */
export async function unreachableUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/mcp`;
}
