/**
 * Canonical server events: GA names plus the Voice Live extensions. The session emits only
 * these; each dialect codec renames (`response.output_text.delta` → `response.text.delta`),
 * reshapes (sessions, items, responses) or drops what its clients do not know.
 *
 * Every event also carries `event_id`: agents-realtime ignores server events without it.
 */
import type { WireErrorDetail } from '../errors.js';
import type { Item, McpCallError } from './items.js';
import type { ResponseObject } from './response.js';
import type { SessionObject } from './session.js';

interface ResponseRef {
  response_id: string;
}
interface OutputRef extends ResponseRef {
  item_id: string;
  output_index: number;
}
interface PartRef extends OutputRef {
  content_index: number;
}
type TextPart = { type: 'text'; text: string };
type AudioPart = { type: 'audio'; transcript: string; audio?: string };

export interface TranscriptionUsage {
  type: 'tokens' | 'duration';
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  input_token_details?: { text_tokens: number; audio_tokens: number };
  seconds?: number;
}

export interface TranscriptionPhrase {
  offset_milliseconds: number;
  duration_milliseconds: number;
  text: string;
  words: { text: string; offset_milliseconds: number; duration_milliseconds: number }[];
  locale?: string;
  confidence?: number;
}

export interface RateLimit {
  name: 'requests' | 'tokens';
  limit: number;
  remaining: number;
  reset_seconds: number;
}

export interface ServerEventPayloads {
  error: { error: WireErrorDetail };
  /** Voice Live only; other dialects never see warnings (they are logged). */
  warning: { warning: { message: string; code: string | null; param: string | null } };
  'session.created': { session: SessionObject };
  'session.updated': { session: SessionObject };
  /** Beta only: the reply to `transcription_session.update`. */
  'transcription_session.updated': { session: SessionObject };
  'conversation.created': { conversation: { id: string; object: 'realtime.conversation' } };
  'conversation.item.added': { item: Item; previous_item_id: string | null };
  'conversation.item.done': { item: Item; previous_item_id: string | null };
  'conversation.item.retrieved': { item: Item };
  'conversation.item.truncated': { item_id: string; content_index: number; audio_end_ms: number };
  'conversation.item.deleted': { item_id: string };
  'conversation.item.input_audio_transcription.delta': {
    item_id: string;
    content_index: number;
    delta: string;
    logprobs?: unknown[] | null;
  };
  'conversation.item.input_audio_transcription.completed': {
    item_id: string;
    content_index: number;
    transcript: string;
    logprobs?: unknown[] | null;
    usage?: TranscriptionUsage;
    languages?: string[];
    phrases?: TranscriptionPhrase[];
  };
  'conversation.item.input_audio_transcription.failed': {
    item_id: string;
    content_index: number;
    error: { type: string; code: string | null; message: string; param: string | null };
  };
  'conversation.item.input_audio_transcription.segment': {
    id: string;
    item_id: string;
    content_index: number;
    text: string;
    speaker: string;
    start: number;
    end: number;
  };
  'input_audio_buffer.committed': { item_id: string; previous_item_id: string | null };
  'input_audio_buffer.cleared': Record<never, never>;
  'input_audio_buffer.speech_started': { item_id: string; audio_start_ms: number };
  'input_audio_buffer.speech_stopped': { item_id: string; audio_end_ms: number };
  'input_audio_buffer.timeout_triggered': { item_id: string; audio_start_ms: number; audio_end_ms: number };
  'input_audio_buffer.dtmf_event_received': { event: string; received_at: number };
  'output_audio_buffer.started': ResponseRef;
  'output_audio_buffer.stopped': ResponseRef;
  'output_audio_buffer.cleared': ResponseRef;
  'rate_limits.updated': { rate_limits: RateLimit[] };
  'response.created': { response: ResponseObject };
  'response.done': { response: ResponseObject };
  'response.output_item.added': ResponseRef & { output_index: number; item: Item };
  'response.output_item.done': ResponseRef & { output_index: number; item: Item };
  'response.content_part.added': PartRef & { part: TextPart | AudioPart };
  'response.content_part.done': PartRef & { part: TextPart | AudioPart };
  'response.output_text.delta': PartRef & { delta: string };
  'response.output_text.done': PartRef & { text: string };
  'response.output_audio.delta': PartRef & { delta: string };
  'response.output_audio.done': PartRef;
  'response.output_audio_transcript.delta': PartRef & { delta: string };
  'response.output_audio_transcript.done': PartRef & { transcript: string };
  'response.function_call_arguments.delta': OutputRef & { call_id: string; delta: string };
  'response.function_call_arguments.done': OutputRef & { call_id: string; name: string; arguments: string };
  'mcp_list_tools.in_progress': { item_id: string };
  'mcp_list_tools.completed': { item_id: string };
  'mcp_list_tools.failed': { item_id: string };
  'response.mcp_call_arguments.delta': OutputRef & { delta: string; obfuscation: string };
  'response.mcp_call_arguments.done': OutputRef & { arguments: string };
  'response.mcp_call.in_progress': { item_id: string; output_index: number };
  'response.mcp_call.completed': { item_id: string; output_index: number };
  'response.mcp_call.failed': { item_id: string; output_index: number; error?: McpCallError };
  // Voice Live extensions.
  'session.avatar.connecting': { server_sdp: string };
  'session.avatar.switch_to_speaking': { turn_id?: string };
  'session.avatar.switch_to_idle': { turn_id?: string };
  'response.video.delta': { output_index: number; codec: string; delta: string };
  'response.animation_blendshapes.delta': PartRef & { frame_index: number; frames: number[][] | string };
  'response.animation_blendshapes.done': OutputRef;
  'response.animation_viseme.delta': PartRef & { audio_offset_ms: number; viseme_id: number };
  'response.animation_viseme.done': PartRef;
  'response.audio_timestamp.delta': PartRef & {
    audio_offset_ms: number;
    audio_duration_ms: number;
    text: string;
    timestamp_type: 'word';
  };
  'response.audio_timestamp.done': PartRef;
  'response.web_search_call.searching': OutputRef & { sequence_number: number };
  'response.web_search_call.in_progress': OutputRef & { sequence_number: number };
  'response.web_search_call.completed': OutputRef & { sequence_number: number };
  'response.file_search_call.searching': OutputRef & { sequence_number: number };
  'response.file_search_call.in_progress': OutputRef & { sequence_number: number };
  'response.file_search_call.completed': OutputRef & { sequence_number: number };
  'response.audio_transcript.annotation.added': PartRef & { annotation_index: number; annotation: Record<string, unknown> };
  'response.invocation.delta': { delta: Record<string, unknown> };
}

export type ServerEventType = keyof ServerEventPayloads;

/** One canonical server event of type `T` (or, without `T`, any of them). */
export type ServerEvent<T extends ServerEventType = ServerEventType> = T extends ServerEventType
  ? { type: T; event_id: string } & ServerEventPayloads[T]
  : never;

/** A server event before the session stamps its `event_id`. */
export type ServerEventInit<T extends ServerEventType = ServerEventType> = T extends ServerEventType
  ? { type: T } & ServerEventPayloads[T]
  : never;
