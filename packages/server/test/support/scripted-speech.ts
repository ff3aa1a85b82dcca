/**
 * A scripted OpenAI-compatible `/v1/audio/speech` server for tests, on 127.0.0.1:0. Each request
 * takes the next script: the audio bytes to stream and how to cut them into writes, or an HTTP
 * error, or a connection that hangs or breaks. It records each request (path, headers, JSON body)
 * and whether the client hung up before the response ended, so tests can check that aborting
 * closed the HTTP request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listener } from './listener.js';

export interface SpeechScript {
  /** The response body. */
  audio?: Uint8Array;
  /** Sizes of the successive writes of `audio` (the rest goes in one last write). Default: one write. */
  writes?: number[];
  /** Pause after each write, ms. */
  delayMs?: number;
  /** Default `audio/pcm`. */
  contentType?: string;
  /** Answer with this status and body instead. */
  status?: number;
  body?: string;
  /** After this many writes, stop: `destroy` cuts the socket, `hang` keeps it open and silent. */
  breakAfter?: { writes: number; how: 'destroy' | 'hang' };
  /** Never send headers. */
  neverAnswer?: boolean;
}

export interface RecordedSpeechRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: { model?: string; input?: string; voice?: string; response_format?: string; speed?: number; [key: string]: unknown };
  /** Resolves when the client closed the connection before the response ended. */
  aborted: Promise<void>;
  wasAborted: boolean;
}

export interface ScriptedSpeech {
  /** Base URL to give the engine: `http://127.0.0.1:PORT/v1`. */
  url: string;
  requests: RecordedSpeechRequest[];
  enqueue(...scripts: SpeechScript[]): void;
  /** Closes the listener and every connection: new requests are refused (ECONNREFUSED). */
  stopListening(): Promise<void>;
  /** Listens again on the same port after `stopListening`. */
  listen(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const write = (res: ServerResponse, piece: Uint8Array) => new Promise<void>((resolve) => res.write(piece, () => resolve()));

async function stream(res: ServerResponse, script: SpeechScript, recorded: RecordedSpeechRequest): Promise<void> {
  res.writeHead(200, { 'content-type': script.contentType ?? 'audio/pcm' });
  res.flushHeaders();
  const audio = script.audio ?? new Uint8Array(0);
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const size of script.writes ?? []) {
    if (at >= audio.length) break;
    pieces.push(audio.subarray(at, at + size));
    at += size;
  }
  if (at < audio.length) pieces.push(audio.subarray(at));
  const count = script.breakAfter ? Math.min(script.breakAfter.writes, pieces.length) : pieces.length;
  for (const piece of pieces.slice(0, count)) {
    if (recorded.wasAborted) return;
    await write(res, piece);
    if (script.delayMs) await sleep(script.delayMs);
  }
  if (script.breakAfter) {
    if (script.breakAfter.how === 'destroy') res.socket?.destroy();
    return;
  }
  if (!recorded.wasAborted) res.end();
}

export async function startScriptedSpeech(): Promise<ScriptedSpeech> {
  const queue: SpeechScript[] = [];
  const requests: RecordedSpeechRequest[] = [];
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      open.add(res);
      let resolveAborted!: () => void;
      const raw = Buffer.concat(parts).toString('utf8');
      let body: RecordedSpeechRequest['body'] = {};
      try {
        body = JSON.parse(raw || '{}') as RecordedSpeechRequest['body'];
      } catch {
        body = { unparsed: raw };
      }
      const recorded: RecordedSpeechRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        aborted: new Promise<void>((resolve) => (resolveAborted = resolve)),
        wasAborted: false,
      };
      requests.push(recorded);
      res.on('close', () => {
        open.delete(res);
        if (!res.writableFinished) {
          recorded.wasAborted = true;
          resolveAborted();
        }
      });
      const script = queue.shift() ?? { audio: new Uint8Array(4800) };
      if (script.neverAnswer) return;
      if (script.status) {
        res.writeHead(script.status, { 'content-type': 'application/json' });
        res.end(script.body ?? JSON.stringify({ error: { message: `scripted failure ${script.status}` } }));
        return;
      }
      void stream(res, script, recorded);
    });
  });
  const { listen, shutdown } = listener(server, open);
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...scripts) => queue.push(...scripts),
    stopListening: shutdown,
    listen: () => listen(port),
    close: shutdown,
  };
}
