/**
 * The realtime WebSocket endpoint: accepts or refuses each upgrade, in this order — unknown path
 * → 404, a browser from an origin not allowed → 403, no valid key (API key or client secret) →
 * 401, a client secret whose session this server cannot start → 400, a limit reached → 429 —
 * each with a JSON body saying why, then hands the socket to a session. A session holds its
 * admission slot until its socket closes.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERRORS, isParleyError, type ErrorCode, type SessionPatch } from '@parley/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../logger.js';
import type { ProfileRegistry } from '../profiles.js';
import type { McpSettings } from '../tools/mcp-registry.js';
import type { Admission } from './admission.js';
import type { Authenticator } from './auth.js';
import type { OriginPolicy } from './origins.js';
import { decodeCarriedSession, startingSession } from './starting-session.js';
import { chooseSubprotocol, readHandshake, REALTIME_PATHS } from './handshake.js';
import { serveConnection, sessionOf } from './websocket-connection.js';
import { drainSessions } from './drain.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { SessionLimits } from '../session/limits.js';
import type { OutboundLimits } from './outbound.js';

/** Large enough for the protocol's largest event: 15 MiB of audio is 20 MiB in base64. */
export const DEFAULT_MAX_FRAME_BYTES = 24 * 1024 * 1024;

export interface RealtimeEndpointOptions {
  profiles: ProfileRegistry;
  /** API keys and client secrets. */
  auth: Authenticator;
  /** Which browser origins may connect. */
  origins: OriginPolicy;
  /** Concurrent sessions and connection rate. */
  admission: Admission;
  /** Milliseconds since the epoch (client secrets expire by it); Date.now by default. */
  now?: () => number;
  logger: Logger;
  maxFrameBytes?: number;
  mcp?: McpSettings;
  limits?: Partial<SessionLimits>;
  outbound?: OutboundLimits;
  metrics: ServerMetrics;
}

function refuse(socket: Duplex, status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}, param?: string | null): void {
  const body = JSON.stringify({ error: { type: ERRORS[code].type, code, message, ...(param ? { param } : {}) } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json\r\n' +
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

export class RealtimeEndpoint {
  readonly #wss: WebSocketServer;
  readonly #options: RealtimeEndpointOptions;
  #draining = false;

  constructor(options: RealtimeEndpointOptions) {
    this.#options = options;
    this.#wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      handleProtocols: (offered) => chooseSubprotocol(offered),
    });
  }

  get connections(): number {
    return this.#wss.clients.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#draining) {
      return refuse(socket, 503, 'server_shutting_down', 'The server is shutting down: connect to another instance, or retry in a moment.', { 'Retry-After': '5' });
    }
    const handshake = readHandshake(req);
    if (!handshake) {
      const paths = Object.keys(REALTIME_PATHS).join(', ');
      return refuse(socket, 404, 'not_found', `No realtime endpoint at ${req.url ?? '/'}. Connect to one of: ${paths}.`);
    }
    const origin = req.headers.origin;
    const address = req.socket.remoteAddress ?? 'unknown';
    /** Refusals an operator may want to see (never the key): a bad key, a foreign page, a limit. */
    const logged = (status: number, code: ErrorCode, message: string) => {
      this.#options.logger.info('connection refused', { status, code, reason: message, address, ...(origin ? { origin } : {}) });
    };
    if (!this.#options.origins.allows(origin, req.headers.host)) {
      logged(403, 'origin_not_allowed', 'origin not allowed');
      return refuse(socket, 403, 'origin_not_allowed', this.#options.origins.refusal(origin!));
    }
    const credential = this.#options.auth.authenticate(handshake.apiKey, (this.#options.now ?? Date.now)());
    if (!credential.ok) {
      logged(401, 'invalid_api_key', credential.message);
      return refuse(socket, 401, 'invalid_api_key', credential.message);
    }
    // A client secret's session configuration: its model picks the profile, and it is checked
    // here as at minting (this instance's profiles and MCP allow-list may differ from the minter's).
    let initialSession: SessionPatch | undefined;
    const carried = credential.claims?.session;
    try {
      if (carried) initialSession = decodeCarriedSession(carried);
    } catch (err) {
      if (!isParleyError(err)) throw err;
      return refuse(socket, 400, err.code, `The client secret's session configuration cannot be used: ${err.message}`, {}, err.param);
    }
    const model = initialSession?.model || handshake.model;
    const profile = this.#options.profiles.resolve(model);
    if (initialSession) {
      try {
        startingSession(profile, initialSession, { model, mcp: this.#options.mcp });
      } catch (err) {
        if (!isParleyError(err)) throw err;
        return refuse(socket, 400, err.code, `The client secret's session configuration cannot be used on this server: ${err.message}`, {}, err.param);
      }
    }
    const admitted = this.#options.admission.admit({ owner: credential.owner, address });
    if (!admitted.ok) {
      logged(429, admitted.code, admitted.message);
      const retry: Record<string, string> = admitted.retryAfter === null ? {} : { 'Retry-After': String(admitted.retryAfter) };
      return refuse(socket, 429, admitted.code, admitted.message, retry);
    }
    // The slot is held until the socket closes, whether the session ends or the upgrade fails.
    socket.once('close', admitted.release);
    if (socket.destroyed) admitted.release();
    this.#wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const { logger, mcp, limits, outbound, metrics } = this.#options;
      serveConnection(ws, { dialect: handshake.dialect, profile, model, logger, mcp, limits, outbound, metrics, initialSession });
    });
  }

  /**
   * Stops taking sessions (new upgrades get 503), lets each open session finish the response it is
   * running (up to `graceMs`), and closes it with 1001. Resolves when every socket has closed.
   */
  async drain(graceMs: number): Promise<void> {
    this.#draining = true;
    await drainSessions([...this.#wss.clients].map((ws) => ({ ws, session: sessionOf(ws) })), graceMs);
    this.#wss.close();
  }

  /** Closes every connection with `code` (1001: going away) and stops accepting new ones. */
  close(code = 1001, reason = 'Server shutting down'): void {
    for (const ws of this.#wss.clients) ws.close(code, reason);
    this.#wss.close();
  }
}
