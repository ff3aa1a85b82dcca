/**
 * A socket factory for `@parley/client` on the `ws` package that keeps what a server says when
 * it refuses the WebSocket handshake (401 with "Incorrect API key provided.", 429 with
 * Retry-After…), so the CLI can tell its user more than "Unexpected server response: 401".
 */
import { WebSocket, type RawData } from 'ws';
import type { SocketFactory } from '@parley/client';

/** The server answered the handshake with an HTTP status instead of switching to WebSocket. */
export class HandshakeRefused extends Error {
  override name = 'HandshakeRefused';
  readonly status: number;
  /** `error.message` of the server's JSON body, when it sent one. */
  readonly serverMessage: string | null;

  constructor(status: number, serverMessage: string | null) {
    super(`The server refused the connection with HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''}`);
    this.status = status;
    this.serverMessage = serverMessage;
  }
}

function messageOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
  } catch {
    // Not JSON: the text itself, if short enough to be a message.
  }
  const text = body.trim();
  return text && text.length <= 300 ? text : null;
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

export const refusalAwareSocket: SocketFactory = (request, handlers) => {
  const ws = new WebSocket(request.url, request.protocols, { headers: request.headers });
  let refusal: HandshakeRefused | null = null;
  ws.on('unexpected-response', (_request, response) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => {
      refusal = new HandshakeRefused(response.statusCode ?? 0, messageOf(Buffer.concat(chunks).toString('utf8')));
      ws.terminate();
    });
    response.on('error', () => ws.terminate());
  });
  ws.on('open', () => handlers.onOpen());
  ws.on('message', (data, isBinary) => handlers.onMessage(isBinary ? data : textOf(data)));
  ws.on('error', (error) => handlers.onError(refusal ?? error));
  ws.on('close', (code, reason) => handlers.onClose(code, reason.toString('utf8')));
  return {
    send: (text) => ws.send(text),
    close: (code, reason) => ws.close(code, reason),
  };
};
