/** Canonical objects and one sample of every canonical server event, for the codec tests. */
import { defaultSession, type Item, type MessageItem, type ResponseObject, type ServerEvent, type ServerEventPayloads, type ServerEventType, type SessionObject } from '@parley/protocol';

export function sampleSession(overrides: Partial<SessionObject> = {}): SessionObject {
  const session = defaultSession('sess_test', { model: 'gpt-realtime', instructions: 'Be brief.', voice: 'alloy', maxDurationMs: 0 }, 1_900_000_000_000);
  return { ...session, ...overrides };
}

export function assistantMessage(id = 'item_a'): MessageItem {
  return {
    id,
    object: 'realtime.item',
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [
      { type: 'output_text', text: 'Hello.' },
      { type: 'output_audio', transcript: 'Hello there.' },
    ],
  };
}

export function userMessage(id = 'item_u'): MessageItem {
  return {
    id,
    object: 'realtime.item',
    type: 'message',
    role: 'user',
    status: 'completed',
    content: [
      { type: 'input_text', text: 'Hi' },
      { type: 'input_audio', transcript: null },
    ],
  };
}

export function sampleResponse(overrides: Partial<ResponseObject> = {}): ResponseObject {
  return {
    id: 'resp_test',
    object: 'realtime.response',
    status: 'completed',
    status_details: null,
    output: [assistantMessage()],
    conversation_id: 'conv_test',
    output_modalities: ['audio'],
    audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy' } },
    max_output_tokens: 'inf',
    metadata: null,
    temperature: 0.8,
    usage: {
      total_tokens: 15,
      input_tokens: 10,
      output_tokens: 5,
      input_token_details: {
        cached_tokens: 0,
        text_tokens: 10,
        audio_tokens: 0,
        image_tokens: 0,
        cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
      },
      output_token_details: { text_tokens: 5, audio_tokens: 0, reasoning_tokens: 0 },
    },
    ...overrides,
  };
}

const part = { response_id: 'resp_test', item_id: 'item_a', output_index: 0, content_index: 0 };
const out = { response_id: 'resp_test', item_id: 'item_a', output_index: 0 };
const item: Item = assistantMessage();

/** One valid payload per canonical server event. Total over ServerEventType, so a new event must be added here. */
export const SAMPLE_PAYLOADS: { [K in ServerEventType]: ServerEventPayloads[K] } = {
  error: { error: { type: 'invalid_request_error', code: 'invalid_value', message: 'Bad.', param: 'x', event_id: 'c1' } },
  warning: { warning: { message: 'Careful.', code: 'w', param: null } },
  'session.created': { session: sampleSession() },
  'session.updated': { session: sampleSession() },
  'transcription_session.updated': { session: sampleSession({ type: 'transcription' }) },
  'conversation.created': { conversation: { id: 'conv_test', object: 'realtime.conversation' } },
  'conversation.item.added': { item, previous_item_id: null },
  'conversation.item.done': { item, previous_item_id: null },
  'conversation.item.retrieved': { item },
  'conversation.item.truncated': { item_id: 'item_a', content_index: 0, audio_end_ms: 10 },
  'conversation.item.deleted': { item_id: 'item_a' },
  'conversation.item.input_audio_transcription.delta': { item_id: 'item_u', content_index: 0, delta: 'he' },
  'conversation.item.input_audio_transcription.completed': { item_id: 'item_u', content_index: 0, transcript: 'hello' },
  'conversation.item.input_audio_transcription.failed': {
    item_id: 'item_u',
    content_index: 0,
    error: { type: 'server_error', code: null, message: 'no', param: null },
  },
  'conversation.item.input_audio_transcription.segment': {
    id: 'seg_1',
    item_id: 'item_u',
    content_index: 0,
    text: 'hello',
    speaker: 'A',
    start: 0,
    end: 1,
  },
  'input_audio_buffer.committed': { item_id: 'item_u', previous_item_id: null },
  'input_audio_buffer.cleared': {},
  'input_audio_buffer.speech_started': { item_id: 'item_u', audio_start_ms: 0 },
  'input_audio_buffer.speech_stopped': { item_id: 'item_u', audio_end_ms: 500 },
  'input_audio_buffer.timeout_triggered': { item_id: 'item_u', audio_start_ms: 0, audio_end_ms: 500 },
  'input_audio_buffer.dtmf_event_received': { event: '5', received_at: 1_900_000_000 },
  'output_audio_buffer.started': { response_id: 'resp_test' },
  'output_audio_buffer.stopped': { response_id: 'resp_test' },
  'output_audio_buffer.cleared': { response_id: 'resp_test' },
  'rate_limits.updated': { rate_limits: [{ name: 'requests', limit: 10, remaining: 9, reset_seconds: 1 }] },
  'response.created': { response: sampleResponse({ status: 'in_progress', output: [] }) },
  'response.done': { response: sampleResponse() },
  'response.output_item.added': { response_id: 'resp_test', output_index: 0, item },
  'response.output_item.done': { response_id: 'resp_test', output_index: 0, item },
  'response.content_part.added': { ...part, part: { type: 'text', text: '' } },
  'response.content_part.done': { ...part, part: { type: 'audio', transcript: 'Hello there.' } },
  'response.output_text.delta': { ...part, delta: 'He' },
  'response.output_text.done': { ...part, text: 'Hello.' },
  'response.output_audio.delta': { ...part, delta: 'AAAA' },
  'response.output_audio.done': part,
  'response.output_audio_transcript.delta': { ...part, delta: 'He' },
  'response.output_audio_transcript.done': { ...part, transcript: 'Hello there.' },
  'response.function_call_arguments.delta': { ...out, call_id: 'call_1', delta: '{"a"' },
  'response.function_call_arguments.done': { ...out, call_id: 'call_1', name: 'lookup', arguments: '{"a":1}' },
  'mcp_list_tools.in_progress': { item_id: 'item_l' },
  'mcp_list_tools.completed': { item_id: 'item_l' },
  'mcp_list_tools.failed': { item_id: 'item_l' },
  'response.mcp_call_arguments.delta': { ...out, delta: '{', obfuscation: 'x' },
  'response.mcp_call_arguments.done': { ...out, arguments: '{}' },
  'response.mcp_call.in_progress': { item_id: 'item_m', output_index: 0 },
  'response.mcp_call.completed': { item_id: 'item_m', output_index: 0 },
  'response.mcp_call.failed': { item_id: 'item_m', output_index: 0 },
  'session.avatar.connecting': { server_sdp: 'sdp' },
  'session.avatar.switch_to_speaking': {},
  'session.avatar.switch_to_idle': {},
  'response.video.delta': { output_index: 0, codec: 'h264', delta: 'AAAA' },
  'response.animation_blendshapes.delta': { ...part, frame_index: 0, frames: [[0.1, 0.2]] },
  'response.animation_blendshapes.done': out,
  'response.animation_viseme.delta': { ...part, audio_offset_ms: 0, viseme_id: 3 },
  'response.animation_viseme.done': part,
  'response.audio_timestamp.delta': { ...part, audio_offset_ms: 0, audio_duration_ms: 200, text: 'Hello', timestamp_type: 'word' },
  'response.audio_timestamp.done': part,
  'response.web_search_call.searching': { ...out, sequence_number: 1 },
  'response.web_search_call.in_progress': { ...out, sequence_number: 1 },
  'response.web_search_call.completed': { ...out, sequence_number: 1 },
  'response.file_search_call.searching': { ...out, sequence_number: 1 },
  'response.file_search_call.in_progress': { ...out, sequence_number: 1 },
  'response.file_search_call.completed': { ...out, sequence_number: 1 },
  'response.audio_transcript.annotation.added': { ...part, annotation_index: 0, annotation: { type: 'url_citation' } },
  'response.invocation.delta': { delta: { step: 1 } },
};

export function sampleEvent<K extends ServerEventType>(type: K): ServerEvent<K> {
  return { type, event_id: `event_${type}`, ...SAMPLE_PAYLOADS[type] } as unknown as ServerEvent<K>;
}

export const ALL_SERVER_EVENT_TYPES = Object.keys(SAMPLE_PAYLOADS) as ServerEventType[];
