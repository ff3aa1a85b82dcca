/**
 * Client frame → canonical client event: parse, look the schema up by `type`, validate
 * strictly, then fold the dialect's spelling into the canonical one. Never throws: bad input
 * comes back as a ParleyError, with the client's `event_id` when it could be read.
 */
import type { z } from 'zod';
import { decodeBase64 } from '../base64.js';
import type { Dialect } from '../dialect.js';
import { ParleyError } from '../errors.js';
import { quoteText } from '../quote.js';
import type { ClientEvent } from '../model/client-events.js';
import { betaClientEvents, clientEventSchemas, gaClientEvents, voiceLiveClientEvents } from '../schemas/client-events.js';
import { schemaErrorToParley } from '../validation.js';
import { itemInputToCanonical } from './items-codec.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import {
  betaResponseParamsToCanonical,
  gaResponseParamsToCanonical,
  voiceLiveResponseParamsToCanonical,
} from './response-codec.js';
import { flatSessionPatch, gaSessionPatch, transcriptionSessionPatch } from './session-codec.js';

export type DecodeResult =
  | { ok: true; event: ClientEvent }
  | { ok: false; error: ParleyError; event_id: string | null };

type Parsed<M, K extends keyof M> = M[K] extends z.ZodType ? z.infer<M[K]> : never;
type Canonicalizers<M> = { [K in keyof M]?: (event: Parsed<M, K>) => ClientEvent };

function audioBytes(base64: string): Buffer {
  const bytes = decodeBase64(base64);
  if (!bytes) throw new ParleyError('invalid_base64', "Invalid 'audio': expected base64-encoded audio.", { param: 'audio' });
  return bytes;
}

const shared = {
  'input_audio_buffer.append': (e: Parsed<typeof gaClientEvents, 'input_audio_buffer.append'>): ClientEvent => ({
    type: e.type,
    event_id: e.event_id,
    audio: audioBytes(e.audio),
  }),
  'conversation.item.create': (e: Parsed<typeof gaClientEvents, 'conversation.item.create'>): ClientEvent => ({
    ...e,
    item: itemInputToCanonical(e.item),
  }),
};

const ga: Canonicalizers<typeof gaClientEvents> = {
  ...shared,
  'session.update': (e) => ({ ...e, session: gaSessionPatch(e.session) }),
  'response.create': (e) => ({ ...e, response: gaResponseParamsToCanonical(e.response) }),
};

const beta: Canonicalizers<typeof betaClientEvents> = {
  ...shared,
  'session.update': (e) => ({ ...e, session: flatSessionPatch(e.session) }),
  'transcription_session.update': (e) => ({ ...e, session: transcriptionSessionPatch(e.session) }),
  'response.create': (e) => ({ ...e, response: betaResponseParamsToCanonical(e.response) }),
};

const voiceLive: Canonicalizers<typeof voiceLiveClientEvents> = {
  ...shared,
  'session.update': (e) => ({ ...e, session: flatSessionPatch(e.session) }),
  'response.create': ({ additional_instructions, ...e }) => ({
    ...e,
    response: voiceLiveResponseParamsToCanonical(e.response, additional_instructions),
  }),
  'input_audio.turn.append': (e) => ({ ...e, audio: audioBytes(e.audio) }),
  mcp_approval_response: ({ event_id, approval_request_id, approve, reason }) => ({
    type: 'conversation.item.create',
    event_id,
    item: { type: 'mcp_approval_response', approval_request_id, approve, reason: reason ?? null },
  }),
};

const CANONICALIZERS: Record<Dialect, Record<string, ((event: never) => ClientEvent) | undefined>> = {
  ga,
  beta,
  voicelive: voiceLive,
};

export function createClientDecoder(dialect: Dialect): (text: string) => DecodeResult {
  const schemas: Record<string, z.ZodType | undefined> = clientEventSchemas[dialect];
  const canonicalizers = CANONICALIZERS[dialect];
  return (text) => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      return { ok: false, event_id: null, error: new ParleyError('invalid_json', `The frame is not valid JSON: ${detail}.`) };
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return {
        ok: false,
        event_id: null,
        error: new ParleyError('invalid_event', 'Each event must be a JSON object with a string "type".'),
      };
    }
    const record = raw as Record<string, unknown>;
    const eventId = typeof record.event_id === 'string' ? record.event_id : null;
    if (nestsDeeperThan(record, MAX_JSON_DEPTH)) {
      const message = `The event nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`;
      return { ok: false, event_id: eventId, error: new ParleyError('invalid_event', message) };
    }
    const type = record.type;
    if (typeof type !== 'string') {
      const message = type === undefined ? "The 'type' field is missing." : "The 'type' field must be a string.";
      return { ok: false, event_id: eventId, error: new ParleyError('invalid_event', message, { param: 'type' }) };
    }
    const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
    if (!schema) {
      return {
        ok: false,
        event_id: eventId,
        error: new ParleyError(
          'unknown_event_type',
          `Invalid value: ${quoteText(type)}. Supported client events on this ${dialect} connection are: ${Object.keys(schemas).join(', ')}.`,
          { param: 'type' },
        ),
      };
    }
    const parsed = schema.safeParse(raw, { reportInput: true });
    if (!parsed.success) return { ok: false, event_id: eventId, error: schemaErrorToParley(parsed.error) };
    try {
      const canonicalize = canonicalizers[type];
      const event = canonicalize ? canonicalize(parsed.data as never) : (parsed.data as ClientEvent);
      return { ok: true, event };
    } catch (err) {
      if (err instanceof ParleyError) return { ok: false, event_id: eventId, error: err };
      throw err;
    }
  };
}
