/**
 * A scripted OpenAI-compatible chat-completions server for tests. Each request takes the next
 * script: what to stream (text pieces, tool calls), how to finish, or how to fail. It records
 * every request body and whether the client hung up early, so tests can check what Parley
 * asked and that cancelling really closed the HTTP request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Pause between chunks, ms. */
  delayMs?: number;
  /** Answer with this HTTP status and body instead of streaming. */
  status?: number;
  body?: string;
  /** Stop after this many chunks without finishing: `destroy` cuts the socket, `hang` keeps it open silently. */
  breakAfter?: { chunks: number; how: 'destroy' | 'hang' };
  /** Never send headers. */
  neverAnswer?: boolean;
  /** Answer with one JSON completion instead of SSE. */
  nonStreaming?: boolean;
}

export interface RecordedRequest {
  body: {
    model: string;
    messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: { type: string; function: { name: string } }[];
    tool_choice?: unknown;
    max_tokens?: number;
    temperature?: number;
    stream?: boolean;
  };
  headers: IncomingMessage['headers'];
  /** Resolves when the client closed the connection before the response ended. */
  aborted: Promise<void>;
  wasAborted: boolean;
}

export interface ScriptedLlm {
  /** Base URL to give Parley, e.g. `http://127.0.0.1:PORT/v1`. */
  url: string;
  requests: RecordedRequest[];
  /** Queue scripts; each request consumes one. With none queued, a request gets "OK." */
  enqueue(...scripts: Script[]): void;
  close(): Promise<void>;
}

function chunk(res: ServerResponse, payload: unknown): void {
  res.write(`data: ${JSON.stringify(payload)}\n\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stream(res: ServerResponse, script: Script, request: RecordedRequest): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const frames: unknown[] = [];
  for (const text of script.text ?? []) frames.push({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
  (script.toolCalls ?? []).forEach((call, index) => {
    frames.push({
      choices: [{ index: 0, delta: { tool_calls: [{ index, id: call.id ?? `call_upstream_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] } }],
    });
    for (const piece of call.arguments) frames.push({ choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: piece } }] } }] });
  });
  const finish = script.finishReason ?? (script.toolCalls?.length ? 'tool_calls' : 'stop');
  frames.push({ choices: [{ index: 0, delta: {}, finish_reason: finish }] });
  if (script.usage) frames.push({ choices: [], usage: script.usage });
  for (const [index, frame] of frames.entries()) {
    if (script.breakAfter && index === script.breakAfter.chunks) {
      if (script.breakAfter.how === 'destroy') res.socket?.destroy();
      return; // 'hang': keep the socket open and silent
    }
    if (request.wasAborted) return;
    chunk(res, frame);
    if (script.delayMs) await sleep(script.delayMs);
  }
  res.end('data: [DONE]\n\n');
}

export async function startScriptedLlm(): Promise<ScriptedLlm> {
  const queue: Script[] = [];
  const requests: RecordedRequest[] = [];
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
    req.on('end', () => {
      let resolveAborted!: () => void;
      const recorded: RecordedRequest = {
        body: JSON.parse(raw || '{}') as RecordedRequest['body'],
        headers: req.headers,
        aborted: new Promise<void>((resolve) => (resolveAborted = resolve)),
        wasAborted: false,
      };
      requests.push(recorded);
      open.add(res);
      res.on('close', () => {
        open.delete(res);
        if (!res.writableFinished) {
          recorded.wasAborted = true;
          resolveAborted();
        }
      });
      const script = queue.shift() ?? { text: ['OK.'] };
      if (script.neverAnswer) return;
      if (script.status) {
        res.writeHead(script.status, { 'content-type': 'application/json' });
        res.end(script.body ?? JSON.stringify({ error: { message: `scripted failure ${script.status}` } }));
        return;
      }
      if (script.nonStreaming) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            choices: [
              {
                index: 0,
                message: {
                  role: 'assistant',
                  content: (script.text ?? []).join('') || null,
                  tool_calls: script.toolCalls?.map((c, i) => ({ id: c.id ?? `call_${i}`, type: 'function', function: { name: c.name, arguments: c.arguments.join('') } })),
                },
                finish_reason: script.finishReason ?? (script.toolCalls?.length ? 'tool_calls' : 'stop'),
              },
            ],
            usage: script.usage,
          }),
        );
        return;
      }
      void stream(res, script, recorded);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...scripts) => queue.push(...scripts),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.socket?.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
