/**
 * The connection's states. `idle` until `connect()`; `connecting` for the first attempt;
 * `connected` while a socket is open; `reconnecting` from an abnormal drop until a new socket
 * opens (each further attempt is a new `reconnecting` state with the next `attempt`); `closed`
 * for good — after `close()`, a normal close, a failed first connection or the last attempt.
 *
 * idle → connecting → connected ⇄ reconnecting;  any → closed.
 */
export type ConnectionState =
  | { status: 'idle' }
  | { status: 'connecting' }
  | { status: 'connected' }
  | {
      status: 'reconnecting';
      /** 1 for the first attempt after a drop. */
      attempt: number;
      /** Wait before this attempt, ms. */
      delayMs: number;
      /** The close that started reconnecting, or that ended the previous attempt. */
      closeCode: number;
      closeReason: string;
      error?: Error;
    }
  | {
      status: 'closed';
      /** `null` when no socket was ever open or closed. */
      closeCode: number | null;
      closeReason: string;
      /** Why the connection failed, when it did. */
      error?: Error;
    };

export type ConnectionStatus = ConnectionState['status'];
