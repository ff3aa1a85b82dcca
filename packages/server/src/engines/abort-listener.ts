/**
 * Listening for a signal's abort for as long as something runs. The listener must be removed
 * when the work ends: a composite signal (AbortSignal.any) lives as long as its sources, which
 * may be an engine's own, so a listener left on it keeps its owner alive — every stream ever
 * opened, say.
 */

/** Calls `onAbort` when `signal` aborts (at once, if it already has); the returned function stops listening. */
export function listenForAbort(signal: AbortSignal, onAbort: () => void): () => void {
  if (signal.aborted) {
    onAbort();
    return () => {};
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
