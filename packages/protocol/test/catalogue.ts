/**
 * Event-name lists transcribed from the wire catalogue (`reference/protocol.md`), written the
 * way the catalogue writes them (`response.{created,done}`), so a reader can hold the two side
 * by side. Tests compare the codecs against these lists, never against the codecs' own tables.
 */

/** Expands the catalogue's brace shorthand: `a.{b,c}` → `a.b`, `a.c`. */
export function expand(spec: string): string[] {
  return spec
    .split(/,\s*(?![^{]*\})/)
    .map((s) => s.trim().replace(/`/g, ''))
    .filter(Boolean)
    .flatMap((name) => {
      const m = /^(.*)\{([^}]*)\}(.*)$/.exec(name);
      if (!m) return [name];
      return m[2]!.split(',').map((part) => `${m[1]}${part.trim()}${m[3]}`);
    });
}

/** §2b-5, GA: "`openai` 7.57.0, `RealtimeServerEvent` union, 46 types". */
export const GA_SERVER_EVENTS = expand(
  '`error`, `session.created`, `session.updated`, `conversation.created`, `conversation.item.created`, `conversation.item.added`, `conversation.item.done`, `conversation.item.deleted`, `conversation.item.retrieved`, `conversation.item.truncated`, `conversation.item.input_audio_transcription.{completed,delta,failed,segment}`, `input_audio_buffer.{cleared,committed,speech_started,speech_stopped,timeout_triggered,dtmf_event_received}`, `output_audio_buffer.{started,stopped,cleared}`, `rate_limits.updated`, `response.{created,done}`, `response.output_item.{added,done}`, `response.content_part.{added,done}`, `response.output_text.{delta,done}`, `response.output_audio.{delta,done}`, `response.output_audio_transcript.{delta,done}`, `response.function_call_arguments.{delta,done}`, `mcp_list_tools.{in_progress,completed,failed}`, `response.mcp_call_arguments.{delta,done}`, `response.mcp_call.{in_progress,completed,failed}`',
);
export const GA_SERVER_EVENT_COUNT = 46;

/** §2b-5, β: "`openai/resources/beta/realtime`, 34 types". */
export const BETA_SERVER_EVENTS = expand(
  '`error`, `session.created`, `session.updated`, `transcription_session.updated`, `conversation.created`, `conversation.item.created`, `conversation.item.deleted`, `conversation.item.retrieved`, `conversation.item.truncated`, `conversation.item.input_audio_transcription.{completed,delta,failed}`, `input_audio_buffer.{cleared,committed,speech_started,speech_stopped}`, `output_audio_buffer.{started,stopped,cleared}`, `rate_limits.updated`, `response.{created,done}`, `response.output_item.{added,done}`, `response.content_part.{added,done}`, `response.text.{delta,done}`, `response.audio.{delta,done}`, `response.audio_transcript.{delta,done}`, `response.function_call_arguments.{delta,done}`',
);
export const BETA_SERVER_EVENT_COUNT = 34;

/** §2b-5, VL: "`@azure/ai-voicelive` 1.1.0, `KnownServerEventType`, 56 types; the SDK parses only these". */
export const VOICE_LIVE_SERVER_EVENTS = expand(
  '`error`, `warning`, `session.created`, `session.updated`, `session.avatar.connecting`, `session.avatar.switch_to_speaking`, `session.avatar.switch_to_idle`, `input_audio_buffer.{committed,cleared,speech_started,speech_stopped}`, `conversation.item.created`, `conversation.item.retrieved`, `conversation.item.truncated`, `conversation.item.deleted`, `conversation.item.input_audio_transcription.{completed,failed,delta}`, `response.{created,done}`, `response.output_item.{added,done}`, `response.content_part.{added,done}`, `response.text.{delta,done}`, `response.audio_transcript.{delta,done}`, `response.audio.{delta,done}`, `response.animation_blendshapes.{delta,done}`, `response.audio_timestamp.{delta,done}`, `response.animation_viseme.{delta,done}`, `response.function_call_arguments.{delta,done}`, `mcp_list_tools.{in_progress,completed,failed}`, `response.mcp_call_arguments.{delta,done}`, `response.mcp_call.{in_progress,completed,failed}`, `response.video.delta`, `response.web_search_call.{searching,in_progress,completed}`, `response.file_search_call.{searching,in_progress,completed}`, `output_audio_buffer.cleared`, `response.audio_transcript.annotation.added`, `response.invocation.delta`',
);
export const VOICE_LIVE_SERVER_EVENT_COUNT = 56;

/** §2i: the zod union of server events `@openai/agents-realtime` 0.20.0 acts on (GA names only). */
export const AGENTS_REALTIME_SERVER_EVENTS = expand(
  '`conversation.created`, `conversation.item.added`, `conversation.item.done`, `conversation.item.deleted`, `conversation.item.input_audio_transcription.{completed,delta,failed}`, `conversation.item.retrieved`, `conversation.item.truncated`, `error`, `input_audio_buffer.{cleared,committed,speech_started,speech_stopped}`, `output_audio_buffer.{started,stopped,cleared}`, `rate_limits.updated`, `response.output_audio.{delta,done}`, `response.output_audio_transcript.{delta,done}`, `response.content_part.{added,done}`, `response.created`, `response.done`, `response.function_call_arguments.{delta,done}`, `response.output_item.{added,done}`, `response.output_text.{delta,done}`, `session.created`, `session.updated`, `mcp_list_tools.{in_progress,completed,failed}`, `response.mcp_call_arguments.{delta,done}`, `response.mcp_call.{in_progress,completed}`',
);

/**
 * GA names the catalogue lists but a GA server does not send: `conversation.created` is
 * "optional; no client depends on it", and `conversation.item.created` is "still in the GA
 * union, but the GA server sends `.added`/`.done`" (§2b-1).
 */
export const GA_LISTED_BUT_NOT_SENT = ['conversation.created', 'conversation.item.created'];

/** §2b-3: the Voice Live extensions. GA carries the lip-sync, timestamp and search ones too, for Parley-aware clients. */
export const VOICE_LIVE_ONLY_SERVER_EVENTS = expand(
  '`warning`, `session.avatar.connecting`, `session.avatar.switch_to_speaking`, `session.avatar.switch_to_idle`, `response.video.delta`, `response.animation_blendshapes.{delta,done}`, `response.animation_viseme.{delta,done}`, `response.audio_timestamp.{delta,done}`, `response.web_search_call.{searching,in_progress,completed}`, `response.file_search_call.{searching,in_progress,completed}`, `response.audio_transcript.annotation.added`, `response.invocation.delta`',
);

/** §2a: client events the catalogue marks ✓ for GA. (`transcription_session.update` is "not in the GA client union".) */
export const GA_CLIENT_EVENTS = [
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'output_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.retrieve',
  'conversation.item.truncate',
  'conversation.item.delete',
  'response.create',
  'response.cancel',
];

/** §2a: β has GA's client events plus `transcription_session.update`. */
export const BETA_CLIENT_EVENTS = [...GA_CLIENT_EVENTS, 'transcription_session.update'];

/**
 * §2a: Voice Live has GA's client events plus its own, and (note under §2a) the SDK's
 * `KnownClientEventType` also lists `mcp_approval_response`.
 */
export const VOICE_LIVE_CLIENT_EVENTS = [
  ...GA_CLIENT_EVENTS,
  'session.avatar.connect',
  'input_audio.turn.start',
  'input_audio.turn.append',
  'input_audio.turn.end',
  'input_audio.turn.cancel',
  'input_audio.clear',
  'input_text.delta',
  'input_text.done',
  'mcp_approval_response',
];

/** §2b-4: the GA ↔ β renames. */
export const GA_TO_BETA_RENAMES: [ga: string, beta: string][] = [
  ['response.output_text.delta', 'response.text.delta'],
  ['response.output_text.done', 'response.text.done'],
  ['response.output_audio.delta', 'response.audio.delta'],
  ['response.output_audio.done', 'response.audio.done'],
  ['response.output_audio_transcript.delta', 'response.audio_transcript.delta'],
  ['response.output_audio_transcript.done', 'response.audio_transcript.done'],
];
