/** The plain HTTP side of the server: a greeting, the model list and a health check. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERRORS } from '@parley/protocol';
import type { ProfileRegistry } from '../profiles.js';
import { normalizePath, REALTIME_PATHS } from '../transport/handshake.js';

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function notFound(message: string) {
  return { error: { type: ERRORS.not_found.type, code: 'not_found', message } };
}

export interface RouteContext {
  profiles: ProfileRegistry;
}

export function handleHttp(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): void {
  const path = normalizePath(new URL(req.url ?? '/', 'http://localhost').pathname);
  if (req.method === 'GET' && path === '/v1/models') {
    return json(res, 200, {
      object: 'list',
      data: ctx.profiles.list().map((p) => ({ id: p.name, object: 'model', owned_by: 'parley', llm: p.llm.label })),
    });
  }
  if (req.method === 'GET' && path === '/healthz') return json(res, 200, { status: 'ok' });
  if (REALTIME_PATHS[path]) {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
    res.end(`${path} is a WebSocket endpoint: connect with a realtime client (ws://…${path}).\n`);
    return;
  }
  if (req.method === 'GET' && path === '/') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(
      'Parley realtime voice-agent server.\n\n' +
        'Connect a realtime client over WebSocket:\n' +
        '  OpenAI GA:    /v1/realtime?model=<profile>   (or /openai/v1/realtime)\n' +
        '  OpenAI beta:  /v1/realtime with "OpenAI-Beta: realtime=v1", or /openai/realtime?api-version=…\n' +
        '  Voice Live:   /voice-live/realtime?model=<profile>\n' +
        'Model profiles: GET /v1/models\n',
    );
    return;
  }
  json(res, 404, notFound(`No route for ${req.method} ${path}.`));
}
