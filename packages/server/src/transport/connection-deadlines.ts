/**
 * The two deadlines of a connection: its maximum duration, and how long it may stay silent.
 * Each ends the session the same way: the `error` event that says why, then a close with the
 * registry's close code (1001) and the same words as the reason.
 */
import { ERRORS, ParleyError } from '@parley/protocol';
import { spokenDuration } from '../session/limits.js';

export interface Deadlines {
  /** A client event arrived: the idle clock starts again. */
  touch(): void;
  clear(): void;
}

export function armDeadlines(
  limits: { maxSessionMs: number; idleMs: number },
  end: (error: ParleyError, closeCode: number) => void,
): Deadlines {
  const expire = setTimeout(() => {
    const error = new ParleyError('session_expired', `Your session hit the maximum duration of ${spokenDuration(limits.maxSessionMs)}.`);
    end(error, ERRORS.session_expired.closeCode);
  }, limits.maxSessionMs).unref();
  let idle: NodeJS.Timeout | undefined;
  const touch = () => {
    // Re-arming a timer per event would cost on the audio path: refresh() only moves its deadline.
    if (idle) idle.refresh();
    else {
      idle = setTimeout(() => {
        const error = new ParleyError('session_idle', `Your session sent no event for ${spokenDuration(limits.idleMs)} and was closed.`);
        end(error, ERRORS.session_idle.closeCode);
      }, limits.idleMs).unref();
    }
  };
  touch();
  return {
    touch,
    clear: () => {
      clearTimeout(expire);
      clearTimeout(idle);
    },
  };
}
