/**
 * Which canonical server events each dialect carries, and under which name (`null`: the
 * dialect's clients do not know the event, so it is not sent). The tables are total over the
 * canonical events, so adding an event forces a decision for every dialect.
 *
 * GA carries the Voice Live lip-sync, timestamp and search extensions too: they are only
 * produced when a session asks for them, which only Parley-aware GA clients do.
 */
import type { Dialect } from '../dialect.js';
import type { ServerEventType } from '../model/server-events.js';

type NameTable = Record<ServerEventType, string | null>;

const same = <T extends string>(name: T): T => name;

export const GA_NAMES = {
  error: 'error',
  warning: null,
  'session.created': 'session.created',
  'session.updated': 'session.updated',
  'transcription_session.updated': null,
  'conversation.created': null,
  'conversation.item.added': 'conversation.item.added',
  'conversation.item.done': 'conversation.item.done',
  'conversation.item.retrieved': 'conversation.item.retrieved',
  'conversation.item.truncated': 'conversation.item.truncated',
  'conversation.item.deleted': 'conversation.item.deleted',
  'conversation.item.input_audio_transcription.delta': same('conversation.item.input_audio_transcription.delta'),
  'conversation.item.input_audio_transcription.completed': same('conversation.item.input_audio_transcription.completed'),
  'conversation.item.input_audio_transcription.failed': same('conversation.item.input_audio_transcription.failed'),
  'conversation.item.input_audio_transcription.segment': same('conversation.item.input_audio_transcription.segment'),
  'input_audio_buffer.committed': 'input_audio_buffer.committed',
  'input_audio_buffer.cleared': 'input_audio_buffer.cleared',
  'input_audio_buffer.speech_started': 'input_audio_buffer.speech_started',
  'input_audio_buffer.speech_stopped': 'input_audio_buffer.speech_stopped',
  'input_audio_buffer.timeout_triggered': 'input_audio_buffer.timeout_triggered',
  'input_audio_buffer.dtmf_event_received': 'input_audio_buffer.dtmf_event_received',
  'output_audio_buffer.started': 'output_audio_buffer.started',
  'output_audio_buffer.stopped': 'output_audio_buffer.stopped',
  'output_audio_buffer.cleared': 'output_audio_buffer.cleared',
  'rate_limits.updated': 'rate_limits.updated',
  'response.created': 'response.created',
  'response.done': 'response.done',
  'response.output_item.added': 'response.output_item.added',
  'response.output_item.done': 'response.output_item.done',
  'response.content_part.added': 'response.content_part.added',
  'response.content_part.done': 'response.content_part.done',
  'response.output_text.delta': 'response.output_text.delta',
  'response.output_text.done': 'response.output_text.done',
  'response.output_audio.delta': 'response.output_audio.delta',
  'response.output_audio.done': 'response.output_audio.done',
  'response.output_audio_transcript.delta': 'response.output_audio_transcript.delta',
  'response.output_audio_transcript.done': 'response.output_audio_transcript.done',
  'response.function_call_arguments.delta': 'response.function_call_arguments.delta',
  'response.function_call_arguments.done': 'response.function_call_arguments.done',
  'mcp_list_tools.in_progress': 'mcp_list_tools.in_progress',
  'mcp_list_tools.completed': 'mcp_list_tools.completed',
  'mcp_list_tools.failed': 'mcp_list_tools.failed',
  'response.mcp_call_arguments.delta': 'response.mcp_call_arguments.delta',
  'response.mcp_call_arguments.done': 'response.mcp_call_arguments.done',
  'response.mcp_call.in_progress': 'response.mcp_call.in_progress',
  'response.mcp_call.completed': 'response.mcp_call.completed',
  'response.mcp_call.failed': 'response.mcp_call.failed',
  'session.avatar.connecting': null,
  'session.avatar.switch_to_speaking': null,
  'session.avatar.switch_to_idle': null,
  'response.video.delta': null,
  'response.animation_blendshapes.delta': 'response.animation_blendshapes.delta',
  'response.animation_blendshapes.done': 'response.animation_blendshapes.done',
  'response.animation_viseme.delta': 'response.animation_viseme.delta',
  'response.animation_viseme.done': 'response.animation_viseme.done',
  'response.audio_timestamp.delta': 'response.audio_timestamp.delta',
  'response.audio_timestamp.done': 'response.audio_timestamp.done',
  'response.web_search_call.searching': 'response.web_search_call.searching',
  'response.web_search_call.in_progress': 'response.web_search_call.in_progress',
  'response.web_search_call.completed': 'response.web_search_call.completed',
  'response.file_search_call.searching': 'response.file_search_call.searching',
  'response.file_search_call.in_progress': 'response.file_search_call.in_progress',
  'response.file_search_call.completed': 'response.file_search_call.completed',
  'response.audio_transcript.annotation.added': 'response.audio_transcript.annotation.added',
  'response.invocation.delta': null,
} as const satisfies NameTable;

/** Beta and Voice Live share these renames of GA names. */
const BETA_STYLE_RENAMES = {
  'conversation.item.added': 'conversation.item.created',
  'conversation.item.done': null,
  'response.output_text.delta': 'response.text.delta',
  'response.output_text.done': 'response.text.done',
  'response.output_audio.delta': 'response.audio.delta',
  'response.output_audio.done': 'response.audio.done',
  'response.output_audio_transcript.delta': 'response.audio_transcript.delta',
  'response.output_audio_transcript.done': 'response.audio_transcript.done',
} as const satisfies Partial<NameTable>;

/** The table with the `dropped` events set to `null`, keeping the literal types of the rest. */
function without<T extends NameTable, const D extends readonly ServerEventType[]>(
  table: T,
  dropped: D,
): Omit<T, D[number]> & Record<D[number], null> {
  const out: NameTable = { ...table };
  for (const name of dropped) out[name] = null;
  return out as Omit<T, D[number]> & Record<D[number], null>;
}

export const BETA_NAMES = {
  ...without(GA_NAMES, [
    'conversation.item.input_audio_transcription.segment',
    'input_audio_buffer.timeout_triggered',
    'input_audio_buffer.dtmf_event_received',
    'mcp_list_tools.in_progress',
    'mcp_list_tools.completed',
    'mcp_list_tools.failed',
    'response.mcp_call_arguments.delta',
    'response.mcp_call_arguments.done',
    'response.mcp_call.in_progress',
    'response.mcp_call.completed',
    'response.mcp_call.failed',
    'response.animation_blendshapes.delta',
    'response.animation_blendshapes.done',
    'response.animation_viseme.delta',
    'response.animation_viseme.done',
    'response.audio_timestamp.delta',
    'response.audio_timestamp.done',
    'response.web_search_call.searching',
    'response.web_search_call.in_progress',
    'response.web_search_call.completed',
    'response.file_search_call.searching',
    'response.file_search_call.in_progress',
    'response.file_search_call.completed',
    'response.audio_transcript.annotation.added',
  ]),
  ...BETA_STYLE_RENAMES,
  'transcription_session.updated': 'transcription_session.updated',
  'conversation.created': 'conversation.created',
} as const satisfies NameTable;

/** Exactly the SDK's `KnownServerEventType` list: it silently drops every other type. */
export const VOICE_LIVE_NAMES = {
  ...without(GA_NAMES, [
    'conversation.item.input_audio_transcription.segment',
    'input_audio_buffer.timeout_triggered',
    'input_audio_buffer.dtmf_event_received',
    'output_audio_buffer.started',
    'output_audio_buffer.stopped',
    'rate_limits.updated',
  ]),
  ...BETA_STYLE_RENAMES,
  warning: 'warning',
  'session.avatar.connecting': 'session.avatar.connecting',
  'session.avatar.switch_to_speaking': 'session.avatar.switch_to_speaking',
  'session.avatar.switch_to_idle': 'session.avatar.switch_to_idle',
  'response.video.delta': 'response.video.delta',
  'response.invocation.delta': 'response.invocation.delta',
} as const satisfies NameTable;

export const SERVER_EVENT_NAMES = {
  ga: GA_NAMES,
  beta: BETA_NAMES,
  voicelive: VOICE_LIVE_NAMES,
} as const satisfies Record<Dialect, NameTable>;

type Names<D extends Dialect> = (typeof SERVER_EVENT_NAMES)[D];

/** The wire name dialect `D` uses for canonical event `K` (`never` if it has none). */
export type WireEventName<D extends Dialect, K extends ServerEventType> = Exclude<Names<D>[K], null>;

/** Every server event type a client of dialect `D` can receive. */
export type WireServerEventType<D extends Dialect> = { [K in ServerEventType]: WireEventName<D, K> }[ServerEventType];

/** The wire names a dialect's clients receive: what "sees only its own dialect's names" means. */
export function wireServerEventNames(dialect: Dialect): Set<string> {
  const names: NameTable = SERVER_EVENT_NAMES[dialect];
  return new Set(Object.values(names).filter((n): n is string => n !== null));
}
