/**
 * Runtime schemas of every server event, per dialect, as a client should parse them: loose
 * (unknown fields pass), but strict where the real clients are strict — every event has an
 * `event_id`, every item an `id`, user audio parts a `transcript`, `mcp_call` an `output`,
 * `usage` either absent or complete, and assistant content spelled as the dialect spells it.
 * Parley's SDK parses with these; the test suite holds every frame the server sends to them.
 */
import { z } from 'zod';
import type { Dialect } from '../dialect.js';
import { SERVER_EVENT_NAMES } from '../codec/event-names.js';
import type { ServerEventType } from '../model/server-events.js';

const CONTENT_TYPES: Record<Dialect, readonly [string, ...string[]]> = {
  ga: ['input_text', 'input_audio', 'input_image', 'output_text', 'output_audio'],
  beta: ['input_text', 'input_audio', 'input_image', 'text', 'audio'],
  voicelive: ['input_text', 'input_audio', 'input_image', 'text', 'audio'],
};

function contentPart(dialect: Dialect) {
  return z
    .looseObject({
      type: z.enum(CONTENT_TYPES[dialect]),
      text: z.string().optional(),
      audio: z.string().nullable().optional(),
      transcript: z.string().nullable().optional(),
    })
    .refine((part) => part.type !== 'input_audio' || 'transcript' in part, {
      message: 'input_audio parts must carry a transcript (null until known)',
    });
}

export function serverItemSchema(dialect: Dialect) {
  return z
    .looseObject({
      id: z.string().min(1),
      object: z.literal('realtime.item').optional(),
      type: z.enum([
        'message',
        'function_call',
        'function_call_output',
        'mcp_list_tools',
        'mcp_call',
        'mcp_approval_request',
        'mcp_approval_response',
        'web_search_call',
        'file_search_call',
      ]),
      // `searching` and `failed` are search call statuses.
      status: z.enum(['in_progress', 'completed', 'incomplete', 'searching', 'failed']).optional(),
      role: z.enum(['user', 'assistant', 'system']).optional(),
      content: z.array(contentPart(dialect)).optional(),
      call_id: z.string().optional(),
      name: z.string().optional(),
      arguments: z.string().optional(),
      output: z.string().nullable().optional(),
    })
    .refine((item) => item.type !== 'message' || Array.isArray(item.content), { message: 'message items need content' })
    .refine((item) => item.type !== 'mcp_call' || 'output' in item, { message: 'mcp_call items need output' })
    .refine((item) => item.type !== 'mcp_list_tools' || Array.isArray((item as { tools?: unknown }).tools), {
      message: 'mcp_list_tools items need tools',
    });
}

export const usageSchema = z.looseObject({
  total_tokens: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  input_token_details: z.looseObject({
    cached_tokens: z.number(),
    text_tokens: z.number(),
    audio_tokens: z.number(),
    cached_tokens_details: z.looseObject({ text_tokens: z.number(), audio_tokens: z.number() }),
  }),
  output_token_details: z.looseObject({ text_tokens: z.number(), audio_tokens: z.number() }),
});

function responseSchema(dialect: Dialect) {
  return z.looseObject({
    id: z.string().min(1),
    object: z.literal('realtime.response'),
    status: z.enum(['in_progress', 'completed', 'cancelled', 'failed', 'incomplete']),
    status_details: z.looseObject({ type: z.string() }).nullable(),
    output: z.array(serverItemSchema(dialect)),
    conversation_id: z.string().nullable().optional(),
    usage: usageSchema.optional(),
  });
}

const gaFormat = z.looseObject({ type: z.enum(['audio/pcm', 'audio/pcmu', 'audio/pcma']), rate: z.number().optional() });

function sessionSchema(dialect: Dialect) {
  const common = { id: z.string().min(1), object: z.literal('realtime.session'), expires_at: z.number(), model: z.string() };
  if (dialect === 'ga') {
    return z.looseObject({
      ...common,
      type: z.enum(['realtime', 'transcription']),
      output_modalities: z.array(z.enum(['audio', 'text'])),
      audio: z.looseObject({
        input: z.looseObject({ format: gaFormat, turn_detection: z.looseObject({ type: z.string() }).nullable() }),
        output: z.looseObject({ format: gaFormat, voice: z.union([z.string(), z.looseObject({ id: z.string() })]) }),
      }),
    });
  }
  return z.looseObject({
    ...common,
    modalities: z.array(z.string()),
    input_audio_format: z.string(),
    output_audio_format: z.string(),
    turn_detection: z.looseObject({ type: z.string() }).nullable(),
  });
}

const errorDetail = z.looseObject({
  type: z.string(),
  code: z.string().nullable().optional(),
  message: z.string(),
  param: z.string().nullable().optional(),
  event_id: z.string().nullable().optional(),
});

const response_id = z.string();
const item_id = z.string();
const output_index = z.int().min(0);
const content_index = z.int().min(0);
const outputRef = { response_id, item_id, output_index };
const partRef = { ...outputRef, content_index };
const part = z.looseObject({ type: z.enum(['text', 'audio']) });
const searchRef = { ...outputRef, sequence_number: z.number() };

/** Payload fields of each canonical event; `session`, `response` and `item` depend on the dialect. */
function payloadShapes(dialect: Dialect): Record<ServerEventType, z.ZodRawShape> {
  const item = serverItemSchema(dialect);
  const session = sessionSchema(dialect);
  const response = responseSchema(dialect);
  return {
    error: { error: errorDetail },
    warning: { warning: z.looseObject({ message: z.string() }) },
    'session.created': { session },
    'session.updated': { session },
    'transcription_session.updated': { session },
    'conversation.created': { conversation: z.looseObject({ id: z.string() }) },
    'conversation.item.added': { item, previous_item_id: z.string().nullable().optional() },
    'conversation.item.done': { item, previous_item_id: z.string().nullable().optional() },
    'conversation.item.retrieved': { item },
    'conversation.item.truncated': { item_id, content_index, audio_end_ms: z.int().min(0) },
    'conversation.item.deleted': { item_id },
    'conversation.item.input_audio_transcription.delta': { item_id, content_index: content_index.optional(), delta: z.string() },
    'conversation.item.input_audio_transcription.completed': { item_id, content_index, transcript: z.string() },
    'conversation.item.input_audio_transcription.failed': { item_id, error: errorDetail },
    'conversation.item.input_audio_transcription.segment': {
      id: z.string(),
      item_id,
      content_index,
      text: z.string(),
      speaker: z.string(),
      start: z.number(),
      end: z.number(),
    },
    'input_audio_buffer.committed': { item_id, previous_item_id: z.string().nullable().optional() },
    'input_audio_buffer.cleared': {},
    'input_audio_buffer.speech_started': { item_id, audio_start_ms: z.int().min(0) },
    'input_audio_buffer.speech_stopped': { item_id, audio_end_ms: z.int().min(0) },
    'input_audio_buffer.timeout_triggered': { item_id, audio_start_ms: z.int().min(0), audio_end_ms: z.int().min(0) },
    'input_audio_buffer.dtmf_event_received': { event: z.string(), received_at: z.number() },
    'output_audio_buffer.started': { response_id },
    'output_audio_buffer.stopped': { response_id },
    'output_audio_buffer.cleared': { response_id: response_id.optional() },
    'rate_limits.updated': {
      rate_limits: z.array(z.looseObject({ name: z.string(), limit: z.number(), remaining: z.number(), reset_seconds: z.number() })),
    },
    'response.created': { response },
    'response.done': { response },
    'response.output_item.added': { response_id, output_index, item },
    'response.output_item.done': { response_id, output_index, item },
    'response.content_part.added': { ...partRef, part },
    'response.content_part.done': { ...partRef, part },
    'response.output_text.delta': { ...partRef, delta: z.string() },
    'response.output_text.done': { ...partRef, text: z.string() },
    'response.output_audio.delta': { ...partRef, delta: z.string() },
    'response.output_audio.done': partRef,
    'response.output_audio_transcript.delta': { ...partRef, delta: z.string() },
    'response.output_audio_transcript.done': { ...partRef, transcript: z.string() },
    'response.function_call_arguments.delta': { ...outputRef, call_id: z.string(), delta: z.string() },
    'response.function_call_arguments.done': {
      ...outputRef,
      call_id: z.string(),
      arguments: z.string(),
      ...(dialect === 'beta' ? {} : { name: z.string() }),
    },
    'mcp_list_tools.in_progress': { item_id },
    'mcp_list_tools.completed': { item_id },
    'mcp_list_tools.failed': { item_id },
    'response.mcp_call_arguments.delta': { ...outputRef, delta: z.string(), obfuscation: z.string() },
    'response.mcp_call_arguments.done': { ...outputRef, arguments: z.string() },
    'response.mcp_call.in_progress': { item_id, output_index },
    'response.mcp_call.completed': { item_id, output_index },
    'response.mcp_call.failed': { item_id, output_index },
    'session.avatar.connecting': { server_sdp: z.string() },
    'session.avatar.switch_to_speaking': {},
    'session.avatar.switch_to_idle': {},
    'response.video.delta': { output_index, codec: z.string(), delta: z.string() },
    'response.animation_blendshapes.delta': {
      ...partRef,
      frame_index: z.int().min(0),
      frames: z.union([z.array(z.array(z.number())), z.string()]),
    },
    'response.animation_blendshapes.done': outputRef,
    'response.animation_viseme.delta': { ...partRef, audio_offset_ms: z.number(), viseme_id: z.int() },
    'response.animation_viseme.done': partRef,
    'response.audio_timestamp.delta': {
      ...partRef,
      audio_offset_ms: z.number(),
      audio_duration_ms: z.number(),
      text: z.string(),
      timestamp_type: z.literal('word'),
    },
    'response.audio_timestamp.done': partRef,
    'response.web_search_call.searching': searchRef,
    'response.web_search_call.in_progress': searchRef,
    'response.web_search_call.completed': searchRef,
    'response.file_search_call.searching': searchRef,
    'response.file_search_call.in_progress': searchRef,
    'response.file_search_call.completed': searchRef,
    'response.audio_transcript.annotation.added': {
      ...partRef,
      annotation_index: z.int().min(0),
      annotation: z.record(z.string(), z.unknown()),
    },
    'response.invocation.delta': { delta: z.record(z.string(), z.unknown()) },
  };
}

/** Wire event type → schema, for one dialect. Only events that dialect's clients can receive are present. */
export function serverEventSchemas(dialect: Dialect): Map<string, z.ZodType> {
  const shapes = payloadShapes(dialect);
  const names: Record<ServerEventType, string | null> = SERVER_EVENT_NAMES[dialect];
  const out = new Map<string, z.ZodType>();
  for (const canonical of Object.keys(shapes) as ServerEventType[]) {
    const name = names[canonical];
    if (name === null) continue;
    // agents-realtime requires `event_id` on every event except `error` and `mcp_list_tools.*`;
    // Parley always sends it, so the schema always requires it.
    out.set(name, z.looseObject({ type: z.literal(name), event_id: z.string().min(1), ...shapes[canonical] }));
  }
  return out;
}

export type ServerEventCheck = { ok: true } | { ok: false; reason: string };

/** Checks one parsed server frame against its dialect's schema. */
export function checkServerEvent(schemas: Map<string, z.ZodType>, frame: unknown): ServerEventCheck {
  const type = (frame as { type?: unknown } | null)?.type;
  if (typeof type !== 'string') return { ok: false, reason: 'frame has no string type' };
  const schema = schemas.get(type);
  if (!schema) return { ok: false, reason: `'${type}' is not a server event of this dialect` };
  const result = schema.safeParse(frame);
  if (result.success) return { ok: true };
  return { ok: false, reason: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}
