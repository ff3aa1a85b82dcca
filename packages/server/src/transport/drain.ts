/**
 * Graceful shutdown of the open sessions: each is closed with 1001 as soon as no response of
 * its own is running, so an answer being spoken is finished rather than cut; whatever is still
 * running when the grace period ends is closed then. Resolves once every socket has closed.
 */
import { WebSocket } from 'ws';
import type { Session } from '../session/session.js';

export const SHUTDOWN_CLOSE_CODE = 1001;
export const SHUTDOWN_REASON = 'Server shutting down';
/** How long a closing socket may take to finish its close handshake before it is cut. */
const CLOSE_HANDSHAKE_MS = 2_000;

function closeSocket(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once('close', () => resolve());
    ws.close(SHUTDOWN_CLOSE_CODE, SHUTDOWN_REASON);
    setTimeout(() => ws.terminate(), CLOSE_HANDSHAKE_MS).unref();
  });
}

export async function drainSessions(connections: Iterable<{ ws: WebSocket; session: Session | undefined }>, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
  try {
    await Promise.all(
      [...connections].map(async ({ ws, session }) => {
        if (session) await Promise.race([session.whenIdle(), graceOver]);
        await closeSocket(ws);
      }),
    );
  } finally {
    clearTimeout(timer);
  }
}
