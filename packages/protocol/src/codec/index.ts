import type { Dialect } from '../dialect.js';
import type { ServerEvent } from '../model/server-events.js';
import { createClientDecoder, type DecodeResult } from './decode.js';
import { createServerEncoder } from './encode.js';

export interface DialectCodec {
  readonly dialect: Dialect;
  /** A client frame's text → a canonical client event, or the error to report. */
  decode(text: string): DecodeResult;
  /** A canonical server event → the frame for this dialect, or `undefined` if its clients have no such event. */
  encode(event: ServerEvent): string | undefined;
}

export function createCodec(dialect: Dialect): DialectCodec {
  return { dialect, decode: createClientDecoder(dialect), encode: createServerEncoder(dialect) };
}

export type { DecodeResult };
export { SERVER_EVENT_NAMES, wireServerEventNames } from './event-names.js';
export * from './audio-format.js';
export * from './modalities.js';
export { itemToWire, itemInputToCanonical, itemFromWire } from './items-codec.js';
export { responseToWire } from './response-codec.js';
export { SESSION_ENCODERS, voiceName, definedOnly } from './session-codec.js';
export { createClientEncoder } from './client-encode.js';
export { createServerDecoder, type WireFrame } from './server-decode.js';
export { sessionPatchToWire } from './session-patch-to-wire.js';
export { responseParamsToWire, type ResponseCreateFields } from './response-params-to-wire.js';
export { sessionFromWire } from './session-from-wire.js';
export { responseFromWire } from './response-from-wire.js';
export { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
