/**
 * Binds one WebSocket to one session: frames in are decoded by the connection's dialect codec
 * and handed to the session; canonical events out are encoded for the dialect and sent, within
 * the outbound buffer's bounds (outbound.ts). The connection also keeps the session's deadlines
 * (connection-deadlines.ts).
 */
import { createCodec, ParleyError, type SessionPatch } from '@parley/protocol';
import { WebSocket, type RawData } from 'ws';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { Session } from '../session/session.js';
import { readClientFrame, sessionOptions, type TransportSessionOptions } from './client-frames.js';
import { DEFAULT_SESSION_LIMITS } from '../session/limits.js';
import { armDeadlines } from './connection-deadlines.js';
import { CLIENT_TOO_SLOW_CLOSE_CODE, CLOSE_GRACE_MS, DEFAULT_OUTBOUND_LIMITS, outboundVerdict, tooSlowReason, type OutboundLimits } from './outbound.js';

export interface ConnectionOptions extends TransportSessionOptions {
  outbound?: OutboundLimits;
  /** Counts the session's events and latencies. */
  metrics: ServerMetrics;
  /** The configuration a client secret carries: the session starts with it (session.created shows it). */
  initialSession?: SessionPatch;
}

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** The session each open socket serves (for shutdown, which waits for their responses). */
const sessions = new WeakMap<WebSocket, Session>();

export function sessionOf(ws: WebSocket): Session | undefined {
  return sessions.get(ws);
}

export function serveConnection(ws: WebSocket, options: ConnectionOptions): Session {
  const codec = createCodec(options.dialect);
  const openedAt = performance.now();
  const metrics = options.metrics.openSession({ dialect: options.dialect, profile: options.profile.name });
  const outbound = options.outbound ?? DEFAULT_OUTBOUND_LIMITS;
  let dropped = 0;
  let tooSlow = false;
  const session = new Session(
    sessionOptions(options, metrics, (event) => {
      if (ws.readyState !== WebSocket.OPEN || tooSlow) return;
      const verdict = outboundVerdict(event.type, ws.bufferedAmount, outbound);
      if (verdict === 'drop') {
        dropped++;
        return;
      }
      if (verdict === 'close') return closeTooSlow();
      const frame = codec.encode(event);
      if (frame === undefined) return;
      ws.send(frame);
      metrics.serverEvent(event);
    }),
  );
  sessions.set(ws, session);
  const logger = options.logger.child({ session_id: session.id, dialect: options.dialect });
  const closeTooSlow = () => {
    tooSlow = true;
    logger.warn('client too slow: closing', { buffered_bytes: ws.bufferedAmount, dropped_events: dropped });
    session.close();
    ws.close(CLIENT_TOO_SLOW_CLOSE_CODE, tooSlowReason(outbound));
    // The close frame waits behind what the client does not read: give up on it after a while.
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  };
  const limits = { ...DEFAULT_SESSION_LIMITS, ...options.limits };
  const deadlines = armDeadlines(limits, (error, closeCode) => {
    logger.info('session ended by its limit', { code: error.code });
    session.reportError(error, null);
    session.close();
    ws.close(closeCode, error.message);
  });
  ws.on('message', (data, isBinary) => {
    deadlines.touch();
    if (isBinary) {
      metrics.invalidClientFrame();
      session.reportError(new ParleyError('invalid_event', 'Binary frames are not supported: send each event as a JSON text frame.'), null);
      return;
    }
    readClientFrame(frameText(data), { codec, session, metrics, logger });
  });
  ws.on('close', (code) => {
    metrics.close();
    logger.info('session closed', {
      code,
      duration_ms: Math.round(performance.now() - openedAt),
      events_in: metrics.eventsIn,
      events_out: metrics.eventsOut,
      ...(dropped > 0 ? { dropped_events: dropped } : {}),
    });
    deadlines.clear();
    session.close();
  });
  ws.on('error', (err) => logger.warn('socket error', { error: err.message }));
  logger.info('session opened', { profile: options.profile.name, model: options.model });
  session.start(options.initialSession);
  return session;
}
