/**
 * Where a Parley server is, from `--url`: `ws://host:port`, `http://host:port`, a bare
 * `host:port`, or a realtime URL pasted whole (its path and query are dropped). Gives the
 * WebSocket base for realtime sessions and the HTTP base for `GET /v1/models`.
 */
import { UsageError } from './flags.js';

export const DEFAULT_SERVER_URL = 'ws://127.0.0.1:8080';

export interface ServerUrl {
  /** `ws(s)://host:port[/prefix]`. */
  ws: string;
  /** `http(s)://host:port[/prefix]`. */
  http: string;
}

const REALTIME_PATH = /\/(?:openai\/)?(?:v1\/realtime|realtime|voice-live\/realtime)\/?$/;

export function parseServerUrl(raw: string): ServerUrl {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `ws://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`--url must be a server address such as ${DEFAULT_SERVER_URL}, got '${raw}'.`);
  }
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) {
    throw new UsageError(`--url must start with ws://, wss://, http:// or https://, got '${raw}'.`);
  }
  const prefix = url.pathname.replace(REALTIME_PATH, '').replace(/\/+$/, '');
  const hostAndPath = `${url.host}${prefix}`;
  return { ws: `${secure ? 'wss' : 'ws'}://${hostAndPath}`, http: `${secure ? 'https' : 'http'}://${hostAndPath}` };
}
