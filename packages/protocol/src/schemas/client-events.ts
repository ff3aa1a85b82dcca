/**
 * Every client event of each dialect, as a strict runtime schema keyed by its `type`. The
 * codec looks the schema up by `type` (an unknown type is its own error) rather than trying a
 * discriminated union, so error paths name the field that is wrong.
 */
import { z } from 'zod';
import type { Dialect } from '../dialect.js';
import { itemInput } from './items.js';
import { betaResponseParams, gaResponseParams, voiceLiveResponseParams } from './response-params.js';
import { betaSessionUpdate, betaTranscriptionSessionUpdate, gaSessionUpdate, voiceLiveSessionUpdate } from './session.js';
import { eventId, ms } from './shared.js';

function clientEvent<const T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.strictObject({ type: z.literal(type), event_id: eventId, ...shape });
}

const base64 = z.string();
const itemIdField = z.string().min(1);

const shared = {
  'input_audio_buffer.append': clientEvent('input_audio_buffer.append', { audio: base64 }),
  'input_audio_buffer.commit': clientEvent('input_audio_buffer.commit', {}),
  'input_audio_buffer.clear': clientEvent('input_audio_buffer.clear', {}),
  'output_audio_buffer.clear': clientEvent('output_audio_buffer.clear', {}),
  'conversation.item.create': clientEvent('conversation.item.create', {
    previous_item_id: z.string().min(1).nullable().optional(),
    item: itemInput,
  }),
  'conversation.item.retrieve': clientEvent('conversation.item.retrieve', { item_id: itemIdField }),
  'conversation.item.truncate': clientEvent('conversation.item.truncate', {
    item_id: itemIdField,
    content_index: z.int().min(0),
    audio_end_ms: ms,
  }),
  'conversation.item.delete': clientEvent('conversation.item.delete', { item_id: itemIdField }),
  'response.cancel': clientEvent('response.cancel', { response_id: z.string().min(1).optional() }),
};

export const gaClientEvents = {
  ...shared,
  'session.update': clientEvent('session.update', { session: gaSessionUpdate }),
  'response.create': clientEvent('response.create', { response: gaResponseParams.optional() }),
};

export const betaClientEvents = {
  ...shared,
  'session.update': clientEvent('session.update', { session: betaSessionUpdate }),
  'transcription_session.update': clientEvent('transcription_session.update', { session: betaTranscriptionSessionUpdate }),
  'response.create': clientEvent('response.create', { response: betaResponseParams.optional() }),
};

const turnId = z.string().min(1);

export const voiceLiveClientEvents = {
  ...shared,
  'session.update': clientEvent('session.update', { session: voiceLiveSessionUpdate }),
  'response.create': clientEvent('response.create', {
    response: voiceLiveResponseParams.optional(),
    additional_instructions: z.string().optional(),
  }),
  'session.avatar.connect': clientEvent('session.avatar.connect', { client_sdp: z.string() }),
  'input_audio.turn.start': clientEvent('input_audio.turn.start', { turn_id: turnId }),
  'input_audio.turn.append': clientEvent('input_audio.turn.append', { turn_id: turnId, audio: base64 }),
  'input_audio.turn.end': clientEvent('input_audio.turn.end', { turn_id: turnId }),
  'input_audio.turn.cancel': clientEvent('input_audio.turn.cancel', { turn_id: turnId }),
  'input_audio.clear': clientEvent('input_audio.clear', {}),
  'input_text.delta': clientEvent('input_text.delta', {
    id: itemIdField,
    delta: z.string(),
    content_index: z.int().min(0).optional(),
  }),
  'input_text.done': clientEvent('input_text.done', { id: itemIdField, content_index: z.int().min(0).optional() }),
  /** In the SDK's known client-event list; the documented path is an item, which this becomes. */
  mcp_approval_response: clientEvent('mcp_approval_response', {
    approval_request_id: z.string().min(1),
    approve: z.boolean(),
    reason: z.string().nullable().optional(),
  }),
};

export const clientEventSchemas = {
  ga: gaClientEvents,
  beta: betaClientEvents,
  voicelive: voiceLiveClientEvents,
} as const satisfies Record<Dialect, Record<string, z.ZodType>>;

type Infer<M> = { [K in keyof M]: M[K] extends z.ZodType ? z.infer<M[K]> : never }[keyof M];

/** A client event exactly as a GA client writes it. */
export type GaClientEvent = Infer<typeof gaClientEvents>;
export type BetaClientEvent = Infer<typeof betaClientEvents>;
export type VoiceLiveClientEvent = Infer<typeof voiceLiveClientEvents>;
export type WireClientEvent<D extends Dialect> = D extends 'ga'
  ? GaClientEvent
  : D extends 'beta'
    ? BetaClientEvent
    : VoiceLiveClientEvent;
