/**
 * One connection to a remote MCP server, through the official SDK. It speaks Streamable HTTP
 * and falls back to the older HTTP+SSE transport when the server answers the Streamable HTTP
 * handshake with a 4xx status (the SDK's recommended backwards-compatible client). Failures
 * come back as `McpCallError`s whose message says what went wrong, in words an operator can
 * act on; nothing here throws into the session.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpCallError, McpToolInfo } from '@parley/protocol';

export const MCP_CLIENT_INFO = { name: 'parley', version: '0.1.0' };

export type McpTransportKind = 'streamable-http' | 'sse';

export interface McpEndpoint {
  /** The server's label, for messages. */
  label: string;
  url: string;
  headers: Record<string, string>;
}

export type McpCallResult = { ok: true; output: string } | { ok: false; error: McpCallError };

/** A connection, listing or call that did not succeed; `error` is what goes on the wire. */
export class McpFailure extends Error {
  constructor(readonly error: McpCallError) {
    super(error.message);
    this.name = 'McpFailure';
  }
}

/** The innermost cause's words: `fetch failed` says little, its `cause` (ECONNREFUSED …) says more. */
function detail(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      const text = current.message || current.name;
      parts.push(typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text);
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(': ') || 'unknown error';
}

/** `err` as a wire error: HTTP statuses stay HTTP errors, JSON-RPC errors protocol errors. */
export function toMcpError(err: unknown, context: string): McpCallError {
  if (err instanceof McpFailure) return err.error;
  if ((err instanceof StreamableHTTPError || err instanceof SseError) && typeof err.code === 'number' && err.code >= 100 && err.code < 600) {
    return { type: 'http_error', code: err.code, message: `${context}: ${detail(err)}` };
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof McpError || (typeof code === 'number' && Number.isInteger(code) && code < 0)) {
    return { type: 'protocol_error', code: code as number, message: `${context}: ${detail(err)}` };
  }
  // The transport failed before any answer (refused, unresolvable, reset): the SDK's "connection closed".
  return { type: 'protocol_error', code: ErrorCode.ConnectionClosed, message: `${context}: ${detail(err)}` };
}

function timeoutError(what: string, ms: number): McpFailure {
  return new McpFailure({ type: 'protocol_error', code: ErrorCode.RequestTimeout, message: `${what} did not finish within ${ms} ms.` });
}

/** Runs `work` with a deadline; on timeout, `onTimeout` cleans up and the promise rejects with a timeout failure. */
async function withDeadline<T>(work: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(timeoutError(what, ms));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A Streamable HTTP handshake refused with 4xx: the server may speak the older SSE transport. */
function worthSseFallback(err: unknown): boolean {
  return err instanceof StreamableHTTPError && typeof err.code === 'number' && err.code >= 400 && err.code < 500;
}

/** Text for the LLM from a tool result: its text parts; other content as JSON; structured content when there is no text. */
export function resultText(result: CallToolResult): string {
  const pieces: string[] = [];
  for (const part of result.content ?? []) {
    if (part.type === 'text') pieces.push(part.text);
    else if (part.type === 'image' || part.type === 'audio') pieces.push(`[${part.type} ${part.mimeType}]`);
    else pieces.push(JSON.stringify(part));
  }
  if (pieces.length === 0 && result.structuredContent !== undefined) pieces.push(JSON.stringify(result.structuredContent));
  return pieces.join('\n');
}

export class McpConnection {
  readonly #client: Client;
  readonly #endpoint: McpEndpoint;
  readonly transport: McpTransportKind;
  #closed = false;

  private constructor(client: Client, endpoint: McpEndpoint, transport: McpTransportKind) {
    this.#client = client;
    this.#endpoint = endpoint;
    this.transport = transport;
    client.onclose = () => {
      this.#closed = true;
    };
  }

  /** Connects (initialize handshake included), trying Streamable HTTP first, then SSE. */
  static async connect(endpoint: McpEndpoint, timeoutMs: number): Promise<McpConnection> {
    let url: URL;
    try {
      url = new URL(endpoint.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the scheme is ${url.protocol}`);
    } catch (err) {
      throw new McpFailure({
        type: 'protocol_error',
        code: ErrorCode.InvalidParams,
        message: `MCP server '${endpoint.label}' has an unusable server_url '${endpoint.url}': it must be an http(s) URL (${detail(err)}).`,
      });
    }
    const context = `Could not connect to MCP server '${endpoint.label}' at ${endpoint.url}`;
    const requestInit = { headers: endpoint.headers };
    const attempt = async (kind: McpTransportKind): Promise<McpConnection> => {
      const client = new Client(MCP_CLIENT_INFO);
      const transport = kind === 'streamable-http' ? new StreamableHTTPClientTransport(url, { requestInit }) : new SSEClientTransport(url, { requestInit });
      const connecting = client.connect(transport, { timeout: timeoutMs });
      try {
        // The deadline also covers the SSE stream opening, which the SDK's request timeout does not.
        await withDeadline(connecting, timeoutMs, `Connecting to MCP server '${endpoint.label}' at ${endpoint.url}`, () => void transport.close());
      } catch (err) {
        await client.close().catch(() => undefined);
        throw err;
      }
      return new McpConnection(client, endpoint, kind);
    };
    try {
      return await attempt('streamable-http');
    } catch (err) {
      if (!worthSseFallback(err)) throw new McpFailure(toMcpError(err, context));
      try {
        return await attempt('sse');
      } catch (sseErr) {
        throw new McpFailure(toMcpError(sseErr, `${context}: Streamable HTTP failed (${detail(err)}), and so did HTTP+SSE`));
      }
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Every tool the server offers, following pagination. */
  async listTools(timeoutMs: number): Promise<McpToolInfo[]> {
    const tools: McpToolInfo[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await this.#client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
        for (const tool of page.tools) {
          tools.push({
            name: tool.name,
            description: tool.description ?? tool.title ?? '',
            input_schema: tool.inputSchema as Record<string, unknown>,
            annotations: (tool.annotations as Record<string, unknown> | undefined) ?? null,
          });
        }
        cursor = page.nextCursor;
      } while (cursor);
    } catch (err) {
      throw new McpFailure(toMcpError(err, `MCP server '${this.#endpoint.label}' could not list its tools`));
    }
    return tools;
  }

  /** Calls `name`; a tool that reports an error (`isError`) is a `tool_execution_error`. Never throws. */
  async callTool(name: string, args: Record<string, unknown>, options: { timeoutMs: number; signal?: AbortSignal }): Promise<McpCallResult> {
    const context = `MCP tool '${name}' on server '${this.#endpoint.label}'`;
    try {
      const result = (await this.#client.callTool({ name, arguments: args }, undefined, {
        timeout: options.timeoutMs,
        signal: options.signal,
      })) as CallToolResult;
      const text = resultText(result);
      if (result.isError) return { ok: false, error: { type: 'tool_execution_error', message: text || `${context} failed without saying why.` } };
      return { ok: true, output: text };
    } catch (err) {
      if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) {
        return { ok: false, error: { type: 'protocol_error', code: err.code, message: `${context} did not answer within ${options.timeoutMs} ms.` } };
      }
      return { ok: false, error: toMcpError(err, `${context} failed`) };
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#client.close().catch(() => undefined);
  }
}
