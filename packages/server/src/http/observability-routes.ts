/** `GET /metrics` (Prometheus text format) and `GET /readyz` (200 ready, 503 with what is not). */
import type { ServerResponse } from 'node:http';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { Readiness } from './readiness.js';

export interface ObservabilityContext {
  metrics: ServerMetrics;
  readiness: Readiness;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

function readyz(res: ServerResponse, readiness: Readiness): void {
  const notReady = readiness.notReady();
  const body = notReady.length === 0 ? { status: 'ready' } : { status: 'not_ready', not_ready: notReady };
  send(res, notReady.length === 0 ? 200 : 503, 'application/json', JSON.stringify(body));
}

function metrics(res: ServerResponse, registry: ServerMetrics): void {
  registry.exposition().then(
    (text) => send(res, 200, registry.contentType, text),
    (err: unknown) => send(res, 500, 'text/plain; charset=utf-8', `Collecting the metrics failed: ${err instanceof Error ? err.message : String(err)}\n`),
  );
}

/** Answers `GET path` if it is one of these routes; false otherwise. */
export function serveObservability(path: string, res: ServerResponse, ctx: ObservabilityContext): boolean {
  if (path === '/metrics') metrics(res, ctx.metrics);
  else if (path === '/readyz') readyz(res, ctx.readiness);
  else return false;
  return true;
}
