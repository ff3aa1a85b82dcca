/**
 * One fuzzed connection: sends a batch of frames from the mix as fast as the socket drains,
 * then a sentinel event, and once the sentinel's error is back (every earlier frame has been
 * handled) judges what the server sent (judge-replies.ts).
 */
import type { Dialect } from '@parley/protocol';
import { connectRealtime } from '../support/realtime-client.js';
import { createFrameMix, type FrameMixOptions } from './frame-mix.js';
import type { FrameKind, FuzzFrame } from './fuzz-frame.js';
import { errorEventId, judgeReplies, type Problem } from './judge-replies.js';
import { learnIds } from './known-ids.js';
import type { KnownIds } from './schema-values.js';

const SENTINEL_TIMEOUT_MS = 30_000;

export interface BatchOptions extends Omit<FrameMixOptions, 'known'> {
  /** `ws://host:port/path?model=…` */
  url: string;
  dialect: Dialect;
  headers?: Record<string, string>;
  /** Frames to send (the last step may overshoot a little). */
  frames: number;
}

export interface BatchReport {
  framesSent: number;
  byKind: Partial<Record<FrameKind, number>>;
  serverEvents: number;
  serverEventsByType: Record<string, number>;
  errorsByCode: Record<string, number>;
  problems: Problem[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function countTypes(events: readonly { type: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { type } of events) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

export async function runBatch(options: BatchOptions): Promise<BatchReport> {
  const client = await connectRealtime(options.url, { dialect: options.dialect, headers: options.headers, timeoutMs: SENTINEL_TIMEOUT_MS });
  const closedByServer: string[] = [];
  client.ws.on('close', (code, reason) => closedByServer.push(`socket closed by the server: ${code} ${reason.toString()}`));
  const known: KnownIds = new Map();
  let learned = 0;
  const next = createFrameMix({ ...options, known });
  const sent: FuzzFrame[] = [];
  const byKind: BatchReport['byKind'] = {};

  while (sent.length < options.frames && closedByServer.length === 0) {
    for (; learned < client.events.length; learned++) learnIds(client.events[learned]!, known);
    const step = next();
    for (const frame of step.frames) {
      client.ws.send(frame.data, { binary: frame.binary });
      sent.push(frame);
      byKind[frame.kind] = (byKind[frame.kind] ?? 0) + 1;
    }
    if (step.pauseMs) await sleep(step.pauseMs);
    // Client and server share this event loop: yield now and then so the server reads, answers and interleaves.
    while (client.ws.bufferedAmount > 1 << 20) await sleep(1);
    if (options.random.chance(0.05)) await new Promise((resolve) => setImmediate(resolve));
  }

  const problems: Problem[] = [];
  if (closedByServer.length === 0) {
    const sentinel = `${options.eventIdPrefix}sentinel`;
    client.send({ type: 'conversation.item.retrieve', item_id: sentinel, event_id: sentinel });
    await client
      .waitFor('error', (e) => errorEventId(e) === sentinel)
      .catch(() => problems.push({ kind: 'unanswered', text: `the sentinel event was not answered within ${SENTINEL_TIMEOUT_MS} ms` }));
  }
  problems.push(...closedByServer.map((text) => ({ kind: 'closed' as const, text })));
  const judged = judgeReplies(sent, client);
  await client.close();
  return {
    framesSent: sent.length,
    byKind,
    serverEvents: client.events.length,
    serverEventsByType: countTypes(client.events),
    errorsByCode: judged.errorsByCode,
    problems: [...problems, ...judged.problems],
  };
}
