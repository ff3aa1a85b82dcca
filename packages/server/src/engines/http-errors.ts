/**
 * Failures of the HTTP engines (OpenAI-compatible LLM, transcription and speech servers) as
 * registry errors, worded the same way for each: who could not be reached, what the server
 * answered, where a stream broke off.
 */
import { ParleyError } from '@parley/protocol';

/** Socket errors meaning the request never reached a server; anything later is a broken stream. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** How much of an error body to quote in the error message. */
export const ERROR_BODY_LIMIT = 500;

export interface HttpEngineNames {
  /** `The ${server} at ${url} …`, e.g. 'LLM server'. */
  server: string;
  /** How a broken transfer is described: `${broken} ${url} broke off`, e.g. 'The LLM stream from'. */
  broken: string;
  url: string;
}

/** A non-2xx answer, quoting the server's own message (OpenAI's `error.message`, FastAPI's `detail`, …). */
export async function httpError(response: Response, names: HttpEngineNames): Promise<ParleyError> {
  const text = (await response.text().catch(() => '')).slice(0, ERROR_BODY_LIMIT);
  let detail = text;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string; detail?: unknown; message?: string };
    detail =
      (typeof parsed.error === 'string' ? parsed.error : parsed.error?.message) ??
      parsed.message ??
      (parsed.detail === undefined ? text : typeof parsed.detail === 'string' ? parsed.detail : JSON.stringify(parsed.detail));
  } catch {
    // Not JSON: quote it as it is.
  }
  return new ParleyError('engine_http_error', `The ${names.server} at ${names.url} answered HTTP ${response.status}${detail ? `: ${detail.trim()}` : ''}`);
}

/** A fetch or stream failure; `answered` tells a refused connection from a broken transfer. */
export function describeFetchFailure(err: unknown, answered: boolean, names: HttpEngineNames): ParleyError {
  if (err instanceof ParleyError) return err;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code;
  if (!answered && CONNECT_FAILURES.has(code ?? '')) {
    const why = code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    return new ParleyError('engine_unreachable', `The ${names.server} at ${names.url} could not be reached (${why}).`, { cause: err });
  }
  const detail = cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new ParleyError('engine_stream_error', `${names.broken} ${names.url} broke off: ${detail}`, { cause: err });
}
