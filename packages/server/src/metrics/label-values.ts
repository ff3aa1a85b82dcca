/**
 * The values each metric label may take. Labels come from a known set, so a client sending
 * made-up event types cannot grow the number of series: anything else is counted as `other`.
 */
import { clientEventSchemas, ERRORS, SERVER_EVENT_NAMES, type ResponseStatus } from '@parley/protocol';

export const OTHER = 'other';
/** The `type` of client frames that could not be decoded (bad JSON, unknown type, invalid fields). */
export const INVALID_CLIENT_EVENT = 'invalid';

/** Every client event type of every dialect, as decoded (canonical names). */
export const CLIENT_EVENT_TYPES: ReadonlySet<string> = new Set([
  ...Object.values(clientEventSchemas).flatMap((schemas) => Object.keys(schemas)),
  INVALID_CLIENT_EVENT,
]);

/** Every canonical server event type (the GA table names them all). */
export const SERVER_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(SERVER_EVENT_NAMES.ga));

export const ERROR_CODES: ReadonlySet<string> = new Set(Object.keys(ERRORS));

export const RESPONSE_STATUSES: ReadonlySet<string> = new Set<ResponseStatus>(['completed', 'cancelled', 'failed', 'incomplete']);
