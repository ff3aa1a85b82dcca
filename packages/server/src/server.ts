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
import { ApiKeyPolicy, Authenticator } from './transport/auth.js';
import { Admission, type AdmissionLimits } from './transport/admission.js';
import { ClientSecrets } from './transport/client-secrets.js';
import { OriginPolicy } from './transport/origins.js';
import { handleClientSecretRoute } from './http/client-secrets.js';
import { RealtimeEndpoint } from './transport/realtime-endpoint.js';
import { CallEndpoint } from './transport/webrtc/call-endpoint.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import { Readiness } from './http/readiness.js';
import type { SessionLimits } from './session/limits.js';
import type { OutboundLimits } from './transport/outbound.js';

export interface ParleyServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  profiles: ProfileRegistry;
  /** Keys clients must present; null or empty accepts every key. */
  apiKeys?: readonly string[] | null;
  /**
   * Signs and encrypts client secrets (`ek_…`); give every instance the same one. Several: the
   * first signs, all verify (rotation). Absent: a random one, so keys die with the process.
   */
  secret?: string | readonly string[] | null;
  /** Browser origins allowed to connect and to mint client secrets; null or empty allows every origin. */
  allowedOrigins?: readonly string[] | null;
  /** Concurrent sessions (total, per key) and new connections per minute per key; 0 is no limit. */
  admission?: Partial<AdmissionLimits>;
  /** The clock for client-secret expiry and the connection rate, in ms since the epoch (tests); Date.now by default. */
  now?: () => number;
  /** Serve TLS (wss://) with this PEM certificate and key. */
  tls?: { cert: string | Buffer; key: string | Buffer } | null;
  logger?: Logger;
  maxFrameBytes?: number;
  /** Timeouts for the MCP servers that sessions' `mcp` tools name. */
  mcp?: McpSettings;
  /** What each session may hold and how long it may last (session/limits.ts). */
  limits?: Partial<SessionLimits>;
  /** Backpressure bounds of each session's outbound buffer (transport/outbound.ts). */
  outbound?: OutboundLimits;
  /** Where the server's Prometheus metrics are counted (`GET /metrics`); one is made when absent. */
  metrics?: ServerMetrics;
  /** What `GET /readyz` reports; ready unless told otherwise. */
  readiness?: Readiness;
  /** Addresses offered as ICE host candidates to WebRTC callers, besides the machine's interfaces; default 127.0.0.1. */
  iceHostAddresses?: readonly string[];
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
  /** Sessions holding an admission slot, and the limits. */
  readonly admission: Admission;
  readonly metrics: ServerMetrics;
  /** Call `readiness.setDraining()` when shutting down: `/readyz` then answers 503. */
  readonly readiness: Readiness;
  close(): Promise<void>;
  /**
   * Graceful shutdown: `/readyz` turns 503 and new sessions are refused (503), the responses
   * running are finished (up to `graceMs`), each session is closed with 1001, then the server
   * stops. What SIGTERM does.
   */
  drain(graceMs: number): Promise<void>;
}

export async function startServer(options: ParleyServerOptions): Promise<ParleyServer> {
  const logger = options.logger ?? silentLogger;
  const auth = new ApiKeyPolicy(options.apiKeys ?? null);
  const now = options.now ?? Date.now;
  const secrets = typeof options.secret === 'string' ? [options.secret] : [...(options.secret ?? [])].filter(Boolean);
  if (secrets.length === 0) {
    secrets.push(ClientSecrets.randomSecret());
    logger.warn(
      'PARLEY_SECRET is not set: client secrets (ek_ keys) are signed with a random secret made now, so they stop working when this server restarts and other instances refuse them. Set PARLEY_SECRET (the same on every instance).',
    );
  }
  const authenticator = new Authenticator(auth, new ClientSecrets(secrets));
  const origins = new OriginPolicy(options.allowedOrigins ?? null);
  const admission = new Admission(options.admission, now);
  const metrics = options.metrics ?? new ServerMetrics();
  const readiness = options.readiness ?? new Readiness();
  // What the WebSocket endpoint and the WebRTC call endpoint both check and give their sessions.
  const sessionsGate = { profiles: options.profiles, auth: authenticator, origins, admission, now, logger, mcp: options.mcp, limits: options.limits, metrics };
  const endpoint = new RealtimeEndpoint({ ...sessionsGate, maxFrameBytes: options.maxFrameBytes, outbound: options.outbound });
  const calls = new CallEndpoint({ ...sessionsGate, hostAddresses: options.iceHostAddresses });
  const secretRoutes = { auth: authenticator, origins, profiles: options.profiles, mcp: options.mcp, now, logger };
  const onRequest = (req: IncomingMessage, res: ServerResponse) =>
    handleClientSecretRoute(req, res, secretRoutes) || calls.handle(req, res) || handleHttp(req, res, { profiles: options.profiles, metrics, readiness });
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
    admission,
    metrics,
    readiness,
    get connections() {
      return endpoint.connections + calls.calls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        endpoint.close();
        calls.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    drain: async (graceMs) => {
      readiness.setDraining();
      await Promise.all([endpoint.drain(graceMs), calls.drain(graceMs)]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
