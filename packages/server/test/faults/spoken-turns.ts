/**
 * Turns of the fault tests over a real socket (GA dialect, spoken answers), and what a spoken
 * response that an engine failure cut short must look like on the wire.
 */
import { expect } from 'vitest';
import type { Harness } from '../support/harness.js';
import { connectRealtime, type RealtimeTestClient, type WireEvent } from '../support/realtime-client.js';

export interface WireResponse {
  id: string;
  status: string;
  status_details: null | { type: string; error?: { type: string; code: string; message: string } };
  output: { type: string; status: string; content?: { type: string; transcript?: string | null }[] }[];
}

const DELTAS = new Set(['response.output_audio.delta', 'response.output_audio_transcript.delta']);
const USER_ITEM = ['conversation.item.added', 'conversation.item.done'];
const MESSAGE_OPENED = ['response.output_item.added', 'conversation.item.added', 'response.content_part.added'];
const MESSAGE_CLOSED = [
  'response.output_audio.done',
  'response.output_audio_transcript.done',
  'response.content_part.done',
  'response.output_item.done',
  'conversation.item.done',
];

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A GA client whose answers are spoken, past its `session.updated`. */
export async function connectSpoken(h: Harness, clients: RealtimeTestClient[]): Promise<RealtimeTestClient> {
  const c = await connectRealtime(`${h.server.wsUrl}/v1/realtime`, { timeoutMs: 20_000 });
  clients.push(c);
  c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['audio'] } });
  await c.waitFor('session.updated');
  return c;
}

/** Adds a user message and asks for a response; returns where the turn's events begin. */
export function startTurn(c: RealtimeTestClient, text: string): number {
  const from = c.events.length;
  c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
  c.send({ type: 'response.create', response: {} });
  return from;
}

export interface SpokenTurn {
  from: number;
  /** From the user item to the turn's `response.done`. */
  events: WireEvent[];
  response: WireResponse;
  /** The transcript deltas joined: what the client was told was said. */
  transcript: string;
  /** PCM16 bytes of the audio deltas. */
  audioBytes: number;
}

/** The turn that began at `from`, once its `response.done` is in. */
export async function finishedTurn(c: RealtimeTestClient, from: number): Promise<SpokenTurn> {
  const done = await c.waitFor('response.done', undefined, from);
  const events = c.events.slice(from, c.events.indexOf(done) + 1);
  const transcript = events.filter((e) => e.type === 'response.output_audio_transcript.delta').map((e) => e.delta as string).join('');
  const audioBytes = events.filter((e) => e.type === 'response.output_audio.delta').reduce((n, e) => n + Buffer.from(e.delta as string, 'base64').length, 0);
  return { from, events, response: done.response as WireResponse, transcript, audioBytes };
}

/** A whole spoken turn that must complete, saying `said`. */
export async function expectSpokenTurn(c: RealtimeTestClient, text: string, said: string): Promise<SpokenTurn> {
  return expectCompleted(await finishedTurn(c, startTurn(c, text)), said);
}

export function expectCompleted(turn: SpokenTurn, said: string): SpokenTurn {
  expect(turn.response.status).toBe('completed');
  expect(turn.events.map((e) => e.type).filter((t) => !DELTAS.has(t))).toStrictEqual([...USER_ITEM, 'response.created', ...MESSAGE_OPENED, ...MESSAGE_CLOSED, 'response.done']);
  expect(turn.transcript).toBe(said);
  expect(turn.response.output[0]!.content![0]).toMatchObject({ type: 'output_audio', transcript: said });
  expect(turn.audioBytes).toBeGreaterThan(0);
  return turn;
}

/**
 * A spoken response an engine failure ended: its message closes `incomplete` keeping exactly
 * what was said, then one `error` with `code`, then `response.done` `failed` carrying the same
 * error; no audio or transcript after the message closed. Returns the error.
 */
export function expectFailedSpokenTurn(turn: SpokenTurn, code: string): { type: string; code: string; message: string } {
  const types = turn.events.map((e) => e.type);
  expect(types.filter((t) => !DELTAS.has(t))).toStrictEqual([...USER_ITEM, 'response.created', ...MESSAGE_OPENED, ...MESSAGE_CLOSED, 'error', 'response.done']);
  expect(types.slice(types.indexOf('response.output_audio.done')).filter((t) => DELTAS.has(t))).toStrictEqual([]);

  const error = turn.events.find((e) => e.type === 'error')!.error as { type: string; code: string; message: string };
  expect(error).toMatchObject({ type: 'server_error', code, param: null, event_id: null });
  expect(turn.response.status).toBe('failed');
  expect(turn.response.status_details).toStrictEqual({ type: 'failed', error: { type: 'server_error', code, message: error.message } });

  // The item keeps what was said, as the client heard it.
  const done = turn.events.find((e) => e.type === 'response.output_audio_transcript.done')!;
  expect(done.transcript).toBe(turn.transcript);
  expect(turn.response.output).toHaveLength(1);
  expect(turn.response.output[0]).toMatchObject({ type: 'message', status: 'incomplete', content: [{ type: 'output_audio', transcript: turn.transcript }] });
  return error;
}

/** The engine's HTTP request was closed by Parley within `ms` (the LLM stopped being asked). */
export async function expectClosed(request: { aborted: Promise<void> }, ms = 1_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'open'>((resolve) => (timer = setTimeout(() => resolve('open'), ms)));
  const result = await Promise.race([request.aborted.then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  expect(result, 'the HTTP request should have been closed').toBe('closed');
}

/** Nothing of response `id` arrives after `from` (a late delta, a second `response.done`). */
export function expectNothingOf(c: RealtimeTestClient, id: string, from: number): void {
  const late = c.events.slice(from).filter((e) => e.response_id === id || (e.response as { id?: string } | undefined)?.id === id);
  expect(late).toStrictEqual([]);
}
