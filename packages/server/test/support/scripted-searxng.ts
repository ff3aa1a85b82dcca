/**
 * A scripted SearXNG instance for tests: `GET /search?q=…&format=json` answers with the results
 * queued for it (or a status, a body that is not JSON, a delay). Records every query.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SearxngScript {
  results?: { url: string; title: string; content: string }[];
  status?: number;
  /** Sent instead of the JSON answer. */
  body?: string;
  delayMs?: number;
}

export interface ScriptedSearxng {
  url: string;
  queries: { q: string | null; format: string | null; language: string | null; headers: IncomingHttpHeaders }[];
  /** Each search takes the next script; with none queued, it answers with no results. */
  enqueue(...scripts: SearxngScript[]): void;
  close(): Promise<void>;
}

export async function startScriptedSearxng(): Promise<ScriptedSearxng> {
  const queue: SearxngScript[] = [];
  const queries: ScriptedSearxng['queries'] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/search') {
      res.writeHead(404).end('not found');
      return;
    }
    queries.push({ q: url.searchParams.get('q'), format: url.searchParams.get('format'), language: url.searchParams.get('language'), headers: req.headers });
    const script = queue.shift() ?? {};
    const answer = () => {
      if (res.destroyed) return;
      if (script.status && script.status !== 200) {
        res.writeHead(script.status, { 'content-type': 'text/plain' }).end(script.body ?? 'error');
        return;
      }
      if (script.body !== undefined) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(script.body);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ query: url.searchParams.get('q'), results: script.results ?? [] }));
    };
    if (script.delayMs) setTimeout(answer, script.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    enqueue: (...scripts) => void queue.push(...scripts),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
