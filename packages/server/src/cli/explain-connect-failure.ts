/** Why a server could not be reached or refused us, said so its user knows what to do next. */
import { HandshakeRefused } from './talk/refusal-aware-socket.js';

const START_HINT = 'Start it with "npm start" (parley serve), or point --url at it.';

function networkCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: unknown }).cause;
  return cause ? networkCode(cause) : undefined;
}

/** An HTTP refusal (of the WebSocket handshake or of a plain request), by status. */
export function explainRefusal(url: string, status: number, serverMessage: string | null): string {
  const said = serverMessage ? `: ${serverMessage.replace(/\.$/, '')}` : '';
  switch (status) {
    case 401:
      return `Parley at ${url} refused the API key (HTTP 401${said}). Give the right one with --api-key or PARLEY_API_KEY.`;
    case 403:
      return `Parley at ${url} refused the connection (HTTP 403${said}).`;
    case 404:
      return `${url} has no Parley realtime endpoint (HTTP 404${said}). Is --url a Parley server?`;
    case 429:
      return `Parley at ${url} is at its session or connection limit (HTTP 429${said}). Try again shortly.`;
    case 503:
      return `Parley at ${url} is not taking sessions (HTTP 503${said}): it is starting or shutting down.`;
    default:
      return `Parley at ${url} answered HTTP ${status}${said}.`;
  }
}

export function explainConnectFailure(url: string, error: unknown): string {
  if (error instanceof HandshakeRefused) return explainRefusal(url, error.status, error.serverMessage);
  const message = error instanceof Error ? error.message : String(error);
  switch (networkCode(error)) {
    case 'ECONNREFUSED':
      return `Cannot reach Parley at ${url}: nothing is listening there (connection refused). ${START_HINT}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot reach Parley at ${url}: its host name does not resolve. Check --url.`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `Cannot reach Parley at ${url}: the connection timed out. ${START_HINT}`;
    case 'ECONNRESET':
      return `Cannot reach Parley at ${url}: the connection was reset. Is it a Parley server (ws:// vs wss://)?`;
  }
  if (/did not open within/.test(message)) return `Cannot reach Parley at ${url}: ${message}`;
  return `Cannot connect to Parley at ${url}: ${message}`;
}
