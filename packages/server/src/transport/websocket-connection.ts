/**
 * Binds one WebSocket to one session: frames in are decoded by the connection's dialect codec
 * and handed to the session; canonical events out are encoded for the dialect and sent.
 */
import { createCodec, ParleyError, type Dialect } from '@parley/protocol';
import { WebSocket, type RawData } from 'ws';
import type { Logger } from '../logger.js';
import type { ModelProfile } from '../profiles.js';
import type { McpSettings } from '../tools/mcp-registry.js';
import { Session } from '../session/session.js';

export interface ConnectionOptions {
  dialect: Dialect;
  profile: ModelProfile;
  model: string | null;
  logger: Logger;
  mcp?: McpSettings;
}

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export function serveConnection(ws: WebSocket, options: ConnectionOptions): Session {
  const codec = createCodec(options.dialect);
  const session = new Session({
    profile: options.profile,
    model: options.model,
    logger: options.logger,
    mcp: options.mcp,
    searchItems: options.dialect === 'voicelive',
    send: (event) => {
      const frame = codec.encode(event);
      if (frame !== undefined && ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
  });
  const logger = options.logger.child({ session_id: session.id, dialect: options.dialect });
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      session.reportError(new ParleyError('invalid_event', 'Binary frames are not supported: send each event as a JSON text frame.'), null);
      return;
    }
    let decoded;
    try {
      decoded = codec.decode(frameText(data));
    } catch (err) {
      logger.error('decoding a client frame failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      session.reportError(new ParleyError('internal_error', 'The event could not be read because of an internal error.'), null);
      return;
    }
    if (decoded.ok) session.handle(decoded.event);
    else session.reportError(decoded.error, decoded.event_id);
  });
  ws.on('close', (code) => {
    logger.info('session closed', { code });
    session.close();
  });
  ws.on('error', (err) => logger.warn('socket error', { error: err.message }));
  logger.info('session opened', { profile: options.profile.name, model: options.model });
  session.start();
  return session;
}
