/**
 * Backpressure: what a session does when its client reads events more slowly than the server
 * writes them. Events wait in the socket's send buffer (`ws.bufferedAmount`); that buffer is
 * bounded, so a client that stops reading cannot grow the server's memory without limit:
 *
 * - above `softBytes`, best-effort events — animation frames and partial input transcripts,
 *   which later events make whole again — are dropped (and counted);
 * - above `hardBytes`, the client is too far behind to catch up: the session ends, and the
 *   socket is closed with 1008 (the client can tell this from a network failure) or, if even the
 *   close frame cannot get through, destroyed after CLOSE_GRACE_MS.
 *
 * Audio, transcripts and every other event are never dropped: a client either gets them all, in
 * order, or learns that its session ended.
 */
import type { ServerEventType } from '@parley/protocol';

export interface OutboundLimits {
  softBytes: number;
  hardBytes: number;
}

/** 4 MiB is about 60 s of 24 kHz audio in base64: a client that far behind has stalled. */
export const DEFAULT_OUTBOUND_LIMITS: OutboundLimits = { softBytes: 4 * 1024 * 1024, hardBytes: 32 * 1024 * 1024 };

export const CLIENT_TOO_SLOW_CLOSE_CODE = 1008;
export const CLOSE_GRACE_MS = 2_000;

/** Events a client can do without: each is followed by one that carries the whole state. */
const BEST_EFFORT = new Set<ServerEventType>([
  'response.animation_blendshapes.delta',
  'response.animation_viseme.delta',
  'conversation.item.input_audio_transcription.delta',
]);

export type OutboundVerdict = 'send' | 'drop' | 'close';

/** What to do with `type` when `bufferedBytes` are waiting to be sent. */
export function outboundVerdict(type: ServerEventType, bufferedBytes: number, limits: OutboundLimits): OutboundVerdict {
  if (bufferedBytes > limits.hardBytes) return 'close';
  if (bufferedBytes > limits.softBytes && BEST_EFFORT.has(type)) return 'drop';
  return 'send';
}

export function tooSlowReason(limits: OutboundLimits): string {
  return `The client did not read its events: over ${Math.round(limits.hardBytes / 1024)} KiB were waiting to be sent.`;
}
