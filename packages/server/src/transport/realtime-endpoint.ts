/**
 * The realtime WebSocket endpoint: accepts or refuses each upgrade (unknown path → 404, bad
 * key → 401, both with a JSON body saying why), then hands the socket to a session.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERRORS, type ErrorCode } from '@parley/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../logger.js';
import type { ProfileRegistry } from '../profiles.js';
import type { McpSettings } from '../tools/mcp-registry.js';
import type { ApiKeyPolicy } from './auth.js';
import { chooseSubprotocol, readHandshake, REALTIME_PATHS } from './handshake.js';
import { serveConnection } from './websocket-connection.js';

/** Large enough for the protocol's largest event: 15 MiB of audio is 20 MiB in base64. */
export const DEFAULT_MAX_FRAME_BYTES = 24 * 1024 * 1024;

export interface RealtimeEndpointOptions {
  profiles: ProfileRegistry;
  auth: ApiKeyPolicy;
  logger: Logger;
  maxFrameBytes?: number;
  mcp?: McpSettings;
}

function refuse(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  const body = JSON.stringify({ error: { type: ERRORS[code].type, code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

export class RealtimeEndpoint {
  readonly #wss: WebSocketServer;
  readonly #options: RealtimeEndpointOptions;

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
    const handshake = readHandshake(req);
    if (!handshake) {
      const paths = Object.keys(REALTIME_PATHS).join(', ');
      return refuse(socket, 404, 'not_found', `No realtime endpoint at ${req.url ?? '/'}. Connect to one of: ${paths}.`);
    }
    if (!this.#options.auth.accepts(handshake.apiKey)) {
      const message = handshake.apiKey
        ? 'Incorrect API key provided.'
        : 'Missing API key: send it as "Authorization: Bearer <key>", the "api-key" header or query parameter, or the "openai-insecure-api-key.<key>" subprotocol.';
      return refuse(socket, 401, 'invalid_api_key', message);
    }
    const profile = this.#options.profiles.resolve(handshake.model);
    this.#wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      serveConnection(ws, { dialect: handshake.dialect, profile, model: handshake.model, logger: this.#options.logger, mcp: this.#options.mcp });
    });
  }

  /** Closes every connection with `code` (1001: going away) and stops accepting new ones. */
  close(code = 1001, reason = 'Server shutting down'): void {
    for (const ws of this.#wss.clients) ws.close(code, reason);
    this.#wss.close();
  }
}
