/**
 * A scripted OpenAI-compatible chat-completions server for tests. Each request takes the next
 * script: what to stream (text pieces, tool calls, or raw SSE text), how to finish, or how to
 * fail. It records every request (path, headers, body) and whether the client hung up early,
 * so tests can check what Parley asked and that cancelling really closed the HTTP request. It
 * can also stop listening and listen again on the same port, to play an unreachable server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listener } from './listener.js';

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** Sent in these pieces. */
  arguments: string[];
}

export interface Script {
  /** Text pieces streamed as `delta.content`, in order. */
  text?: string[];
  toolCalls?: ScriptedToolCall[];
  finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  usage?: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens: number } };
  /**
   * The SSE body written verbatim, one `write` per entry, and then the response ends (add
   * `data: [DONE]\n\n` yourself if wanted). Replaces the body built from `text`/`toolCalls`;
   * for malformed chunks, events split across writes, several events in one write, ...
   */
  raw?: string[];
  /** Pause after each write of the stream, ms. */
  delayMs?: number;
  /** Answer with this HTTP status and body instead of streaming. */
  status?: number;
  body?: string;
  /**
   * Stop after this many writes of the stream (each scripted chunk is one write) without
   * finishing: `destroy` cuts the socket, `hang` keeps it open silently.
   */
  breakAfter?: { chunks: number; how: 'destroy' | 'hang' };
  /** Never send headers. */
  neverAnswer?: boolean;
  /** Read the request, then close the connection without answering (an upstream that crashed). */
  hangUp?: boolean;
  /** Answer with one JSON completion instead of SSE. */
  nonStreaming?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Request path, e.g. `/v1/chat/completions`. */
  path: string;
  body: {
    model: string;
    messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
    tool_choice?: unknown;
    max_tokens?: number;
    temperature?: number;
    stream?: boolean;
    stream_options?: unknown;
  };
  headers: IncomingMessage['headers'];
  /** Resolves when the client closed the connection before the response ended. */
  aborted: Promise<void>;
  wasAborted: boolean;
}

export interface ScriptedLlm {
  /** Base URL to give Parley, e.g. `http://127.0.0.1:PORT/v1`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Resolves with the `n`th request (0-based) once it has arrived. */
  request(n: number): Promise<RecordedRequest>;
  /** Queue scripts; each request consumes one. With none queued, a request gets "OK." */
  enqueue(...scripts: Script[]): void;
  /** Closes the listener and every connection: new requests are refused (ECONNREFUSED). */
  stopListening(): Promise<void>;
  /** Listens again on the same port after `stopListening`. */
  listen(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const sse = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;

function finishReasonOf(script: Script): NonNullable<Script['finishReason']> {
  return script.finishReason ?? (script.toolCalls?.length ? 'tool_calls' : 'stop');
}

/** The stream body as separate writes: one chunk per text piece and tool-call fragment, then finish, usage and `[DONE]`. */
function streamWrites(script: Script): string[] {
  if (script.raw) return script.raw;
  const writes: string[] = [];
  for (const text of script.text ?? []) writes.push(sse({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] }));
  (script.toolCalls ?? []).forEach((call, index) => {
    const id = call.id ?? `call_upstream_${index}`;
    writes.push(sse({ choices: [{ index: 0, delta: { tool_calls: [{ index, id, type: 'function', function: { name: call.name, arguments: '' } }] } }] }));
    for (const piece of call.arguments) writes.push(sse({ choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: piece } }] } }] }));
  });
  writes.push(sse({ choices: [{ index: 0, delta: {}, finish_reason: finishReasonOf(script) }] }));
  if (script.usage) writes.push(sse({ choices: [], usage: script.usage }));
  writes.push('data: [DONE]\n\n');
  return writes;
}

function completion(script: Script): string {
  return JSON.stringify({
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: (script.text ?? []).join('') || null,
          tool_calls: script.toolCalls?.map((c, i) => ({ id: c.id ?? `call_${i}`, type: 'function', function: { name: c.name, arguments: c.arguments.join('') } })),
        },
        finish_reason: finishReasonOf(script),
      },
    ],
    usage: script.usage,
  });
}

/** Writes `piece` and waits until it has left for the socket, so a following `destroy` cannot discard it. */
const write = (res: ServerResponse, piece: string) => new Promise<void>((resolve) => res.write(piece, () => resolve()));

async function stream(res: ServerResponse, script: Script, request: RecordedRequest): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders(); // headers go out now, even if no chunk ever follows
  const writes = streamWrites(script);
  const count = script.breakAfter ? Math.min(script.breakAfter.chunks, writes.length) : writes.length;
  for (const piece of writes.slice(0, count)) {
    if (request.wasAborted) return;
    await write(res, piece);
    if (script.delayMs) await sleep(script.delayMs);
  }
  if (script.breakAfter) {
    if (script.breakAfter.how === 'destroy') res.socket?.destroy();
    return; // 'hang': keep the socket open and silent
  }
  if (!request.wasAborted) res.end();
}

function answer(req: IncomingMessage, res: ServerResponse, raw: string, script: Script, requests: RecordedRequest[]): RecordedRequest {
  let resolveAborted!: () => void;
  const recorded: RecordedRequest = {
    method: req.method ?? '',
    path: req.url ?? '',
    body: JSON.parse(raw || '{}') as RecordedRequest['body'],
    headers: req.headers,
    aborted: new Promise<void>((resolve) => (resolveAborted = resolve)),
    wasAborted: false,
  };
  requests.push(recorded);
  res.on('close', () => {
    if (!res.writableFinished) {
      recorded.wasAborted = true;
      resolveAborted();
    }
  });
  if (script.neverAnswer) return recorded;
  if (script.hangUp) {
    res.socket?.destroy();
    return recorded;
  }
  if (script.status) {
    res.writeHead(script.status, { 'content-type': 'application/json' });
    res.end(script.body ?? JSON.stringify({ error: { message: `scripted failure ${script.status}` } }));
  } else if (script.nonStreaming) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(completion(script));
  } else {
    void stream(res, script, recorded);
  }
  return recorded;
}

export async function startScriptedLlm(): Promise<ScriptedLlm> {
  const queue: Script[] = [];
  const requests: RecordedRequest[] = [];
  const arrived = new Set<() => void>();
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
    req.on('end', () => {
      open.add(res);
      res.on('close', () => open.delete(res));
      answer(req, res, raw, queue.shift() ?? { text: ['OK.'] }, requests);
      for (const wake of [...arrived]) wake();
    });
  });
  const { listen, shutdown } = listener(server, open);
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    request: (n) =>
      new Promise((resolve) => {
        const check = () => {
          if (requests.length <= n) return;
          arrived.delete(check);
          resolve(requests[n]!);
        };
        arrived.add(check);
        check();
      }),
    enqueue: (...scripts) => queue.push(...scripts),
    stopListening: shutdown,
    listen: () => listen(port),
    close: shutdown,
  };
}
