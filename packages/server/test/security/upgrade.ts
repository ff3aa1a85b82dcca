/** WebSocket upgrades and HTTP requests for the security tests: refusals are read whole (status, headers, JSON body). */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { eventually } from '../clients/helpers.js';

export interface Refusal {
  status: number;
  headers: IncomingMessage['headers'];
  body: { error: { type: string; code: string; message: string; param?: string | null } };
}

export interface Opened {
  ws: WebSocket;
  upgrade: IncomingMessage;
  /** Every event received, parsed, from the first frame on. */
  events: { type: string; [key: string]: unknown }[];
  /** Resolves with the first event of `type`. */
  waitFor(type: string): Promise<{ type: string; [key: string]: unknown }>;
  /** Closes and waits until the socket is closed on this side. */
  close(): Promise<void>;
}

export interface AttemptOptions {
  headers?: Record<string, string>;
  protocols?: string[];
  /** Sent as the Origin header, as browsers do. */
  origin?: string;
}

/** Tries an upgrade to `url`: resolves with the refusal or the open socket. */
export function attempt(url: string, options: AttemptOptions = {}): Promise<{ refused: Refusal } | { opened: Opened }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers, ...(options.origin ? { origin: options.origin } : {}) });
    const events: Opened['events'] = [];
    ws.on('message', (data) => events.push(JSON.parse(data.toString()) as Opened['events'][number]));
    let upgrade: IncomingMessage | undefined;
    ws.once('upgrade', (res) => (upgrade = res));
    ws.once('open', () =>
      resolve({
        opened: {
          ws,
          upgrade: upgrade!,
          events,
          waitFor: (type) => eventually(`${type} (got ${events.map((e) => e.type).join(', ')})`, () => events.find((e) => e.type === type)),
          close: () =>
            new Promise<void>((done) => {
              if (ws.readyState === WebSocket.CLOSED) return done();
              ws.once('close', () => done());
              ws.close();
            }),
        },
      }),
    );
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        try {
          resolve({ refused: { status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Refusal['body'] } });
        } catch {
          reject(new Error(`HTTP ${res.statusCode} with a body that is not JSON: ${text}`));
        }
      });
    });
    ws.once('error', reject);
  });
}

export async function refused(url: string, options: AttemptOptions = {}): Promise<Refusal> {
  const result = await attempt(url, options);
  if ('opened' in result) {
    await result.opened.close();
    throw new Error(`${url} was accepted`);
  }
  return result.refused;
}

export async function opened(url: string, options: AttemptOptions = {}): Promise<Opened> {
  const result = await attempt(url, options);
  if ('refused' in result) throw new Error(`${url} was refused: HTTP ${result.refused.status} ${JSON.stringify(result.refused.body)}`);
  return result.opened;
}

/** The subprotocols a browser client sends with key `key` (openai native, agents-realtime in a browser). */
export function browserProtocols(key: string): string[] {
  return ['realtime', `openai-insecure-api-key.${key}`, 'openai-agents-sdk.0.20.0'];
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  json: unknown;
}

/** A plain HTTP request with fetch; the JSON body parsed when there is one. */
export async function request(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as unknown) : null };
}
