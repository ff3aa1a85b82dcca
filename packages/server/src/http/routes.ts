/** The plain HTTP side of the server: the playground page, the model list and a health check. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ERRORS } from '@parley/protocol';
import type { ProfileRegistry } from '../profiles.js';
import { normalizePath, REALTIME_PATHS } from '../transport/handshake.js';
import { sendStaticFile } from './static-files.js';
import { serveObservability, type ObservabilityContext } from './observability-routes.js';

/** `packages/server/playground/`, from `src/http/` and from `dist/http/` alike. */
export const PLAYGROUND_DIR = fileURLToPath(new URL('../../playground/', import.meta.url));
const PLAYGROUND_PREFIX = '/playground/';

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function notFound(message: string) {
  return { error: { type: ERRORS.not_found.type, code: 'not_found', message } };
}

export interface RouteContext extends ObservabilityContext {
  profiles: ProfileRegistry;
  /** Where the playground's files are; PLAYGROUND_DIR by default. */
  playgroundDir?: string;
}

function describeEndpoints(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(
    'Parley realtime voice-agent server.\n\n' +
      'Open this address in a browser for the playground.\n' +
      'Connect a realtime client over WebSocket:\n' +
      '  OpenAI GA:    /v1/realtime?model=<profile>   (or /openai/v1/realtime)\n' +
      '  OpenAI beta:  /v1/realtime with "OpenAI-Beta: realtime=v1", or /openai/realtime?api-version=…\n' +
      '  Voice Live:   /voice-live/realtime?model=<profile>\n' +
      'Or over WebRTC: POST the SDP offer to /v1/realtime/calls (Voice Live: /voice-live/realtime/calls).\n' +
      'Model profiles: GET /v1/models\n',
  );
}

/** `/` is the page for browsers and a description of the endpoints for other clients. */
function servePlayground(req: IncomingMessage, res: ServerResponse, path: string, root: string): void {
  const headOnly = req.method === 'HEAD';
  if (path === '/') {
    if (!req.headers.accept?.includes('text/html')) return describeEndpoints(res);
    void sendStaticFile(res, root, 'index.html', headOnly).then((sent) => sent || describeEndpoints(res), () => describeEndpoints(res));
    return;
  }
  const missing = () => json(res, 404, notFound(`No playground file ${path}.`));
  void sendStaticFile(res, root, path.slice(PLAYGROUND_PREFIX.length), headOnly).then((sent) => sent || missing(), missing);
}

export function handleHttp(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): void {
  const path = normalizePath(new URL(req.url ?? '/', 'http://localhost').pathname);
  if (req.method === 'GET' && path === '/v1/models') {
    return json(res, 200, {
      object: 'list',
      data: ctx.profiles.list().map((p) => ({
        id: p.name,
        object: 'model',
        owned_by: 'parley',
        default: p === ctx.profiles.defaultProfile,
        llm: p.llm.label,
        stt: p.hearing?.stt?.label ?? 'none',
        tts: p.tts?.label ?? 'none',
        voice: typeof p.voice === 'string' ? p.voice : 'id' in p.voice ? p.voice.id : (p.voice.name ?? p.voice.type),
      })),
    });
  }
  if (req.method === 'GET' && path === '/healthz') return json(res, 200, { status: 'ok' });
  if (req.method === 'GET' && serveObservability(path, res, ctx)) return;
  if (REALTIME_PATHS[path]) {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
    res.end(`${path} is a WebSocket endpoint: connect with a realtime client (ws://…${path}).\n`);
    return;
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && (path === '/' || path.startsWith(PLAYGROUND_PREFIX))) {
    return servePlayground(req, res, path, ctx.playgroundDir ?? PLAYGROUND_DIR);
  }
  json(res, 404, notFound(`No route for ${req.method} ${path}.`));
}
