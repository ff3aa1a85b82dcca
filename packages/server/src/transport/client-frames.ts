/**
 * One client frame, as every transport reads it (a WebSocket message, a WebRTC data-channel
 * message): decoded by the dialect's codec, counted, and either handed on or answered with the
 * `error` event that says what is wrong with it. A decoder failure is our bug, not the client's:
 * it is logged with its stack and answered with `internal_error`.
 */
import { ParleyError, type ClientEvent, type DialectCodec, type Dialect } from '@parley/protocol';
import type { Logger } from '../logger.js';
import type { SessionMetrics } from '../metrics/session-metrics.js';
import type { ModelProfile } from '../profiles.js';
import type { Session, SessionOptions } from '../session/session.js';
import type { SessionLimits } from '../session/limits.js';
import type { McpSettings } from '../tools/mcp-registry.js';

export interface FrameContext {
  codec: DialectCodec;
  session: Session;
  metrics: SessionMetrics;
  logger: Logger;
  /** Where a decoded event goes; the session by default. */
  dispatch?: (event: ClientEvent) => void;
}

export function readClientFrame(text: string, ctx: FrameContext): void {
  const { session, metrics } = ctx;
  let decoded;
  try {
    decoded = ctx.codec.decode(text);
  } catch (err) {
    metrics.invalidClientFrame();
    ctx.logger.error('decoding a client frame failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    session.reportError(new ParleyError('internal_error', 'The event could not be read because of an internal error.'), null);
    return;
  }
  if (!decoded.ok) {
    metrics.invalidClientFrame();
    session.reportError(decoded.error, decoded.event_id);
    return;
  }
  metrics.clientEvent(decoded.event.type);
  if (ctx.dispatch) ctx.dispatch(decoded.event);
  else session.handle(decoded.event);
}

/** What every transport's session shares: the profile, limits and tools, and whether search items are on the wire. */
export interface TransportSessionOptions {
  dialect: Dialect;
  profile: ModelProfile;
  model: string | null;
  logger: Logger;
  mcp?: McpSettings;
  limits?: Partial<SessionLimits>;
}

export function sessionOptions(options: TransportSessionOptions, metrics: SessionMetrics, send: SessionOptions['send']): SessionOptions {
  return {
    profile: options.profile,
    model: options.model,
    logger: options.logger,
    mcp: options.mcp,
    limits: options.limits,
    metrics,
    // Voice Live has search call items; the OpenAI dialects do not (session.ts).
    searchItems: options.dialect === 'voicelive',
    send,
  };
}
