/**
 * The one error registry. Every error Parley reports on the wire has a stable `code` defined
 * here, with its wire `type`, whether retrying the same request can succeed, and — where the
 * error ends the connection — the WebSocket close code. `docs/errors.md` lists every code; a
 * test keeps the two in step.
 */
import { shortenMessage } from './quote.js';

export type WireErrorType = 'invalid_request_error' | 'server_error';

export interface ErrorDefinition {
  readonly type: WireErrorType;
  /** True when the same request may succeed later (upstream hiccups), false for bad input. */
  readonly retryable: boolean;
  /** Set when the error closes the WebSocket; the session otherwise stays open. */
  readonly closeCode?: number;
  readonly summary: string;
}

function define<const T extends Record<string, ErrorDefinition>>(defs: T): T {
  return defs;
}

export const ERRORS = define({
  // Refusals of the WebSocket upgrade, sent as an HTTP response body.
  invalid_api_key: {
    type: 'invalid_request_error',
    retryable: false,
    summary: 'HTTP 401 at the upgrade: the API key is missing or not accepted.',
  },
  not_found: { type: 'invalid_request_error', retryable: false, summary: 'HTTP 404: no endpoint at that path.' },
  origin_not_allowed: {
    type: 'invalid_request_error',
    retryable: false,
    summary: "HTTP 403: a browser request (one with an Origin header) from an origin that is not on the server's allow-list.",
  },
  rate_limit_exceeded: {
    type: 'invalid_request_error',
    retryable: true,
    summary: 'HTTP 429 at the upgrade: too many new connections per minute for this key (or address); Retry-After says when to try again.',
  },
  session_limit_reached: {
    type: 'invalid_request_error',
    retryable: true,
    summary: 'HTTP 429 at the upgrade: the concurrent sessions of this key, or of the whole server, are at their limit.',
  },
  // Framing and validation of client events.
  invalid_json: { type: 'invalid_request_error', retryable: false, summary: 'The frame is not valid JSON.' },
  invalid_event: {
    type: 'invalid_request_error',
    retryable: false,
    summary: 'The frame is not a JSON object with a string `type`, nests more than 64 levels deep, or is a binary frame.',
  },
  unknown_event_type: {
    type: 'invalid_request_error',
    retryable: false,
    summary: "`type` names no client event of this connection's dialect.",
  },
  missing_required_parameter: { type: 'invalid_request_error', retryable: false, summary: 'A required field is absent.' },
  unknown_parameter: { type: 'invalid_request_error', retryable: false, summary: 'A field this event does not define.' },
  invalid_type: { type: 'invalid_request_error', retryable: false, summary: 'A field has the wrong JSON type.' },
  invalid_value: {
    type: 'invalid_request_error',
    retryable: false,
    summary: 'A field has a value outside its allowed set or range.',
  },
  invalid_base64: { type: 'invalid_request_error', retryable: false, summary: 'Audio that is not valid base64.' },
  // Conversation.
  item_not_found: { type: 'invalid_request_error', retryable: false, summary: 'An item id that is not in the conversation.' },
  item_already_exists: {
    type: 'invalid_request_error',
    retryable: false,
    summary: 'conversation.item.create with an id the conversation already holds.',
  },
  invalid_item: {
    type: 'invalid_request_error',
    retryable: false,
    summary: 'An item that cannot be created as given (assistant audio, an output for an unknown call_id, …).',
  },
  invalid_truncate: {
    type: 'invalid_request_error',
    retryable: false,
    summary: 'conversation.item.truncate on an item or content part that holds no assistant audio.',
  },
  // Input audio.
  input_audio_buffer_commit_empty: {
    type: 'invalid_request_error',
    retryable: false,
    summary: 'input_audio_buffer.commit with less than 100 ms of audio.',
  },
  input_audio_buffer_full: {
    type: 'invalid_request_error',
    retryable: false,
    summary: 'input_audio_buffer.append past the input buffer limit: the append is refused until the buffer is committed or cleared.',
  },
  context_length_exceeded: {
    type: 'invalid_request_error',
    retryable: false,
    summary: 'A response whose context is longer than the model takes, with truncation "disabled".',
  },
  server_shutting_down: {
    type: 'server_error',
    retryable: true,
    summary: 'HTTP 503 at the upgrade: the server is draining for shutdown and takes no new sessions.',
  },
  // Limits that end the connection.
  session_expired: {
    type: 'invalid_request_error',
    retryable: false,
    closeCode: 1001,
    summary: 'The session reached its maximum duration; the WebSocket closes with 1001.',
  },
  session_idle: {
    type: 'invalid_request_error',
    retryable: false,
    closeCode: 1001,
    summary: 'The client sent no event for the idle limit; the WebSocket closes with 1001.',
  },
  // Responses.
  conversation_already_has_active_response: {
    type: 'invalid_request_error',
    retryable: true,
    summary: 'response.create while a response on the default conversation is still active.',
  },
  response_cancel_not_active: {
    type: 'invalid_request_error',
    retryable: false,
    summary: 'response.cancel with no active response (or none with the given id).',
  },
  // Features this server or session cannot provide.
  unsupported_feature: {
    type: 'invalid_request_error',
    retryable: false,
    summary: 'A valid request for something this server does not offer (say, avatar video).',
  },
  // Engines (language model, speech recognition and synthesis) failing mid-response.
  engine_unreachable: {
    type: 'server_error',
    retryable: true,
    summary: 'An engine server refused the connection or could not be resolved.',
  },
  engine_http_error: { type: 'server_error', retryable: true, summary: 'An engine server answered with an HTTP error status.' },
  engine_timeout: { type: 'server_error', retryable: true, summary: 'An engine did not answer within its timeout.' },
  engine_stream_error: {
    type: 'server_error',
    retryable: true,
    summary: 'An engine stream broke off or carried data that could not be parsed.',
  },
  engine_crashed: {
    type: 'server_error',
    retryable: true,
    summary: "An engine's worker thread died mid-request; the next request gets a new one.",
  },
  engine_unavailable: {
    type: 'server_error',
    retryable: false,
    summary: 'An engine cannot run on this server: its library or model files are missing or unreadable (the message says what to install).',
  },
  // Remote tools.
  mcp_server_error: {
    type: 'server_error',
    retryable: true,
    summary: 'An MCP server (an `mcp` tool) could not be reached or could not list its tools; the session goes on without them.',
  },
  internal_error: { type: 'server_error', retryable: true, summary: 'A bug in Parley; the session stays open.' },
});

export type ErrorCode = keyof typeof ERRORS;

/** The `error` object inside an `error` server event, in all three dialects. */
export interface WireErrorDetail {
  type: WireErrorType;
  code: ErrorCode;
  message: string;
  param: string | null;
  event_id: string | null;
}

export interface ParleyErrorOptions {
  /** Dotted path of the offending field, as on the wire (`session.tools[3].description`). */
  param?: string | null;
  cause?: unknown;
}

/** An error with a registry code. Thrown inside the server, turned into an `error` event at the edge. */
export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly param: string | null;

  constructor(code: ErrorCode, message: string, options: ParleyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ParleyError';
    this.code = code;
    this.param = options.param ?? null;
  }

  get type(): WireErrorType {
    return ERRORS[this.code].type;
  }

  get retryable(): boolean {
    return ERRORS[this.code].retryable;
  }

  toWire(eventId: string | null = null): WireErrorDetail {
    return { type: this.type, code: this.code, message: shortenMessage(this.message), param: this.param, event_id: eventId };
  }
}

export function isParleyError(value: unknown): value is ParleyError {
  return value instanceof ParleyError;
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERRORS, value);
}
