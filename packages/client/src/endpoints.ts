/**
 * Where each service listens (catalogue §2h), as `{ url, dialect }` to spread into the client's
 * options. The dialect a URL implies: Voice Live's path, Azure's beta path, else GA — a GA path
 * speaks beta too when the client says so (the client then offers `openai-beta.realtime-v1`).
 */
import type { Dialect } from '@parley/protocol';

export interface Endpoint {
  url: string;
  dialect: Dialect;
}

/** The Voice Live API version this client was written against (the `@azure/ai-voicelive` 1.1.0 default). */
export const VOICE_LIVE_API_VERSION = '2026-07-15';
/** The Azure OpenAI API version of the beta realtime path. */
export const AZURE_BETA_API_VERSION = '2024-10-01-preview';

/** `http(s)://` becomes `ws(s)://`; a bare host gets `wss://`. */
export function toWebSocketUrl(base: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(base) ? base : `wss://${base}`;
  const url = new URL(withScheme);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  return url;
}

function withPath(base: string, path: string, query: Record<string, string | undefined>): string {
  const url = toWebSocketUrl(base);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** The dialect a realtime URL's path implies; `null` for a path none of the services use. */
export function dialectOfPath(url: string): Dialect | null {
  const path = new URL(url).pathname.replace(/\/+$/, '');
  if (path.endsWith('/voice-live/realtime')) return 'voicelive';
  if (path.endsWith('/openai/realtime')) return 'beta';
  if (path.endsWith('/realtime')) return 'ga';
  return null;
}

/** OpenAI's hosted API: `wss://api.openai.com/v1/realtime?model=…`. */
export function openAiEndpoint(options: { model: string; dialect?: 'ga' | 'beta'; baseUrl?: string }): Endpoint {
  return { url: withPath(options.baseUrl ?? 'wss://api.openai.com/v1', '/realtime', { model: options.model }), dialect: options.dialect ?? 'ga' };
}

/**
 * Azure OpenAI: GA at `/openai/v1/realtime?model=<deployment>`, beta at
 * `/openai/realtime?api-version=…&deployment=…`. `endpoint` is the resource URL.
 */
export function azureOpenAiEndpoint(options: { endpoint: string; deployment: string; dialect?: 'ga' | 'beta'; apiVersion?: string }): Endpoint {
  if (options.dialect === 'beta') {
    const query = { 'api-version': options.apiVersion ?? AZURE_BETA_API_VERSION, deployment: options.deployment };
    return { url: withPath(options.endpoint, '/openai/realtime', query), dialect: 'beta' };
  }
  return { url: withPath(options.endpoint, '/openai/v1/realtime', { model: options.deployment }), dialect: 'ga' };
}

/** Azure Voice Live: `/voice-live/realtime?api-version=…&model=…` under the resource URL (its path is replaced, as the Azure SDK does). */
export function voiceLiveEndpoint(options: { endpoint: string; model: string; apiVersion?: string }): Endpoint {
  const origin = toWebSocketUrl(options.endpoint).origin;
  return { url: withPath(origin, '/voice-live/realtime', { 'api-version': options.apiVersion ?? VOICE_LIVE_API_VERSION, model: options.model }), dialect: 'voicelive' };
}

/**
 * A Parley server, e.g. `ws://127.0.0.1:8080`: GA and beta at `/v1/realtime`, Voice Live at
 * `/voice-live/realtime`. `model` picks the server's model profile.
 */
export function parleyEndpoint(options: { baseUrl: string; dialect?: Dialect; model?: string }): Endpoint {
  const dialect = options.dialect ?? 'ga';
  if (dialect === 'voicelive') {
    return { url: withPath(options.baseUrl, '/voice-live/realtime', { 'api-version': VOICE_LIVE_API_VERSION, model: options.model }), dialect };
  }
  return { url: withPath(options.baseUrl, '/v1/realtime', { model: options.model }), dialect };
}
