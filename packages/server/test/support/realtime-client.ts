/**
 * A raw WebSocket test client that records every server event in order and can wait for one.
 * It also checks each frame against the dialect's server-event schemas, so any test using it
 * fails if Parley sends a frame a real client of that dialect could not parse.
 */
import { checkServerEvent, serverEventSchemas, type Dialect } from '@parley/protocol';
import WebSocket from 'ws';

export type WireEvent = { type: string; event_id?: string; [key: string]: unknown };

export interface RealtimeTestClient {
  ws: WebSocket;
  events: WireEvent[];
  /** Frames that failed the dialect's schema, with the reason. */
  invalid: { event: WireEvent; reason: string }[];
  send(event: Record<string, unknown>): void;
  sendRaw(data: string | Buffer): void;
  /** Resolves with the first event (after `from`) that matches. */
  waitFor(type: string, predicate?: (event: WireEvent) => boolean, from?: number): Promise<WireEvent>;
  /** Waits for `count` events of `type` after `from`. */
  waitForCount(type: string, count: number, from?: number): Promise<WireEvent[]>;
  types(from?: number): string[];
  close(): Promise<void>;
}

export interface ConnectOptions {
  dialect?: Dialect;
  headers?: Record<string, string>;
  protocols?: string[];
  timeoutMs?: number;
}

export async function connectRealtime(url: string, options: ConnectOptions = {}): Promise<RealtimeTestClient> {
  const dialect = options.dialect ?? 'ga';
  const schemas = serverEventSchemas(dialect);
  const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
  const events: WireEvent[] = [];
  const invalid: RealtimeTestClient['invalid'] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    const text = data.toString();
    let event: WireEvent;
    try {
      if (isBinary) throw new Error('a binary frame');
      event = JSON.parse(text) as WireEvent;
    } catch (err) {
      invalid.push({ event: { type: '(unreadable frame)' }, reason: `${(err as Error).message}: ${text.slice(0, 200)}` });
      return;
    }
    events.push(event);
    const check = checkServerEvent(schemas, event);
    if (!check.ok) invalid.push({ event, reason: check.reason });
    for (const wake of [...waiters]) wake();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
  });
  const timeoutMs = options.timeoutMs ?? 10_000;

  const waitFor: RealtimeTestClient['waitFor'] = (type, predicate = () => true, from = 0) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = events.slice(from).find((e) => e.type === type && predicate(e));
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${type}; got: ${events.map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  return {
    ws,
    events,
    invalid,
    send: (event) => ws.send(JSON.stringify(event)),
    sendRaw: (data) => ws.send(data),
    waitFor,
    waitForCount: async (type, count, from = 0) => {
      await waitFor(type, () => events.slice(from).filter((e) => e.type === type).length >= count, from);
      return events.slice(from).filter((e) => e.type === type).slice(0, count);
    },
    types: (from = 0) => events.slice(from).map((e) => e.type),
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}
