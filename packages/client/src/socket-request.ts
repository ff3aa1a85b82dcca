/** The URL, subprotocols and headers one connection asks for: endpoint + auth + dialect marker. */
import type { Dialect } from '@parley/protocol';
import { authParts, type Auth } from './auth.js';
import { dialectOfPath } from './endpoints.js';
import type { SocketRequest } from './socket.js';

export interface SocketRequestOptions {
  url: string;
  dialect: Dialect;
  auth?: Auth;
  headers?: Record<string, string>;
  protocols?: string[];
}

const BETA_PROTOCOL = 'openai-beta.realtime-v1';

/** The dialect the client will speak: the one given, checked against the URL, or the one the URL implies. */
export function resolveDialect(url: string, dialect: Dialect | undefined): Dialect {
  const implied = dialectOfPath(url);
  if (dialect === undefined) return implied ?? 'ga';
  // A GA path serves beta too (selected by subprotocol); the other paths fix their dialect.
  if (implied !== null && implied !== dialect && !(implied === 'ga' && dialect === 'beta')) {
    throw new TypeError(`The URL ${url} serves the ${implied} dialect, not ${dialect}.`);
  }
  return dialect;
}

export function buildSocketRequest(options: SocketRequestOptions): SocketRequest {
  const url = new URL(options.url);
  const auth = authParts(options.auth);
  for (const [key, value] of Object.entries(auth.query)) url.searchParams.set(key, value);
  const protocols = [...(options.protocols ?? []), ...auth.protocols];
  if (options.dialect === 'beta' && dialectOfPath(options.url) !== 'beta' && !protocols.includes(BETA_PROTOCOL)) protocols.push(BETA_PROTOCOL);
  // Servers answer with `realtime` (and OpenAI's needs it offered); a client offering
  // subprotocols fails when the server selects none, so it always leads the list.
  if (protocols.length > 0 && !protocols.includes('realtime')) protocols.unshift('realtime');
  return { url: url.toString(), protocols, headers: { ...options.headers, ...auth.headers } };
}
