/**
 * Wraps an `openai` SDK realtime client (GA or beta `OpenAIRealtimeWS`) so a test can wait for
 * events and read everything the client received, in order, and everything its `error`
 * listener got.
 */
import type { OpenAIRealtimeWS as BetaRealtimeWS } from 'openai/beta/realtime/ws';
import type { OpenAIRealtimeError, OpenAIRealtimeWS } from 'openai/realtime/ws';
import { eventually } from './helpers.js';

export type ServerEvent = { type: string; [key: string]: unknown };

/** What the tests use of either client. They send plain objects, so the dialects' typed unions are not needed. */
interface AnyRealtimeClient {
  socket: { once(event: 'open', listener: () => void): unknown; once(event: 'error', listener: (err: Error) => void): unknown };
  on(event: 'event', listener: (event: ServerEvent) => void): unknown;
  on(event: 'error', listener: (error: OpenAIRealtimeError) => void): unknown;
  send(event: Record<string, unknown>): void;
  close(): void;
}

/** A connected SDK client and everything it has received. */
export interface SdkConnection {
  events: ServerEvent[];
  /** What reached the SDK's `error` listener (API `error` events and client-side failures). */
  errors: OpenAIRealtimeError[];
  send(event: Record<string, unknown>): void;
  /** Types received since index `from`. */
  types(from?: number): string[];
  /** Waits for the `count`-th event of `type` after index `from` and returns it. */
  waitFor(type: string, from?: number, count?: number): Promise<ServerEvent>;
  close(): void;
}

/** Records `client` from now on and resolves once its socket is open. */
export async function openSdkClient(client: OpenAIRealtimeWS | BetaRealtimeWS): Promise<SdkConnection> {
  const rt = client as unknown as AnyRealtimeClient;
  const events: ServerEvent[] = [];
  const errors: OpenAIRealtimeError[] = [];
  rt.on('event', (event) => events.push(event));
  rt.on('error', (error) => errors.push(error));
  await new Promise<void>((resolve, reject) => {
    rt.socket.once('open', resolve);
    rt.socket.once('error', reject);
  });
  const ofType = (type: string, from: number) => events.slice(from).filter((e) => e.type === type);
  return {
    events,
    errors,
    send: (event) => rt.send(event),
    types: (from = 0) => events.slice(from).map((e) => e.type),
    waitFor: (type, from = 0, count = 1) =>
      eventually(`${type} #${count} (got: ${events.map((e) => e.type).join(', ')})`, () => ofType(type, from)[count - 1]),
    close: () => rt.close(),
  };
}
