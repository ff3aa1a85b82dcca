/**
 * The Parley server: HTTP routes and the realtime WebSocket endpoint on one listener (plain
 * or TLS). `startServer` resolves once it is listening; `close` ends every session with 1001.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { handleHttp } from './http/routes.js';
import { silentLogger, type Logger } from './logger.js';
import type { ProfileRegistry } from './profiles.js';
import type { McpSettings } from './tools/mcp-registry.js';
import { ApiKeyPolicy } from './transport/auth.js';
import { RealtimeEndpoint } from './transport/realtime-endpoint.js';

export interface ParleyServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  profiles: ProfileRegistry;
  /** Keys clients must present; null or empty accepts every key. */
  apiKeys?: readonly string[] | null;
  /** Serve TLS (wss://) with this PEM certificate and key. */
  tls?: { cert: string | Buffer; key: string | Buffer } | null;
  logger?: Logger;
  maxFrameBytes?: number;
  /** Timeouts for the MCP servers that sessions' `mcp` tools name. */
  mcp?: McpSettings;
}

export interface ParleyServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (or https). */
  readonly url: string;
  /** `ws://host:port` (or wss). */
  readonly wsUrl: string;
  readonly auth: ApiKeyPolicy;
  readonly connections: number;
  close(): Promise<void>;
}

export async function startServer(options: ParleyServerOptions): Promise<ParleyServer> {
  const logger = options.logger ?? silentLogger;
  const auth = new ApiKeyPolicy(options.apiKeys ?? null);
  const endpoint = new RealtimeEndpoint({ profiles: options.profiles, auth, logger, maxFrameBytes: options.maxFrameBytes, mcp: options.mcp });
  const onRequest = (req: IncomingMessage, res: ServerResponse) => handleHttp(req, res, { profiles: options.profiles });
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : createHttpServer(onRequest);
  server.on('upgrade', (req, socket, head) => endpoint.handleUpgrade(req, socket, head));
  server.on('clientError', (err, socket) => {
    logger.debug('bad HTTP request', { error: err.message });
    socket.destroy();
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? 'https' : 'http';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port,
    url: `${scheme}://${urlHost}:${port}`,
    wsUrl: `${options.tls ? 'wss' : 'ws'}://${urlHost}:${port}`,
    auth,
    get connections() {
      return endpoint.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        endpoint.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
