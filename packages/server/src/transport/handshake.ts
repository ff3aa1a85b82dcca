/**
 * Reads a WebSocket upgrade request: which dialect the client speaks (by path, header and
 * subprotocol), which API key it presents (header, query or subprotocol), which model
 * profile it asks for, and which subprotocol to echo.
 */
import type { IncomingMessage } from 'node:http';
import type { Dialect } from '@parley/protocol';

export const REALTIME_PATHS: Record<string, Dialect> = {
  '/v1/realtime': 'ga',
  '/openai/v1/realtime': 'ga',
  '/openai/realtime': 'beta',
  '/voice-live/realtime': 'voicelive',
};

const KEY_PROTOCOL_PREFIX = 'openai-insecure-api-key.';
/** Subprotocol entries that carry credentials or account ids; they are read, never echoed. */
const PRIVATE_PROTOCOL_PREFIXES = [KEY_PROTOCOL_PREFIX, 'openai-organization.', 'openai-project.'];
const BETA_PROTOCOL = 'openai-beta.realtime-v1';

export interface Handshake {
  dialect: Dialect;
  apiKey: string | null;
  /** `?model=` (or `deployment` on Azure's beta path), if given. */
  model: string | null;
  protocols: string[];
}

export function parseSubprotocols(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bearer(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match ? match[1]!.trim() : null;
}

export function extractApiKey(req: IncomingMessage, url: URL, protocols: readonly string[]): string | null {
  return (
    bearer(header(req, 'authorization')) ??
    header(req, 'api-key') ??
    url.searchParams.get('api-key') ??
    bearer(url.searchParams.get('authorization')) ??
    protocols.find((p) => p.startsWith(KEY_PROTOCOL_PREFIX))?.slice(KEY_PROTOCOL_PREFIX.length) ??
    null
  );
}

export function normalizePath(pathname: string): string {
  return pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
}

/** The dialect for a request, or null when the path is not a realtime endpoint. */
export function detectDialect(req: IncomingMessage, url: URL, protocols: readonly string[]): Dialect | null {
  const dialect = REALTIME_PATHS[normalizePath(url.pathname)];
  if (!dialect) return null;
  if (dialect === 'ga' && (/realtime=v1/.test(header(req, 'openai-beta') ?? '') || protocols.includes(BETA_PROTOCOL))) return 'beta';
  return dialect;
}

export function readHandshake(req: IncomingMessage): Handshake | null {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const protocols = parseSubprotocols(req.headers['sec-websocket-protocol']);
  const dialect = detectDialect(req, url, protocols);
  if (!dialect) return null;
  return {
    dialect,
    apiKey: extractApiKey(req, url, protocols),
    model: url.searchParams.get('model') ?? url.searchParams.get('deployment'),
    protocols,
  };
}

/**
 * The subprotocol to answer with. Clients that offer subprotocols fail the connection when
 * none is selected, so `realtime` is echoed whenever offered; entries carrying keys never are.
 */
export function chooseSubprotocol(offered: Set<string>): string | false {
  if (offered.has('realtime')) return 'realtime';
  for (const protocol of offered) {
    if (!PRIVATE_PROTOCOL_PREFIXES.some((prefix) => protocol.startsWith(prefix))) return protocol;
  }
  return false;
}
