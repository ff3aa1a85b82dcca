/**
 * Canonical client events, after a dialect codec has validated and normalised them. Audio
 * arrives decoded (`Buffer`), sessions as a `SessionPatch`, items and response parameters in
 * their GA spelling.
 */
import type { ItemInput } from './items.js';
import type { ResponseParams } from './response.js';
import type { SessionPatch } from './session.js';

interface Base {
  event_id?: string;
}

export type ClientEvent =
  | (Base & { type: 'session.update'; session: SessionPatch })
  | (Base & { type: 'transcription_session.update'; session: SessionPatch })
  | (Base & { type: 'input_audio_buffer.append'; audio: Buffer })
  | (Base & { type: 'input_audio_buffer.commit' })
  | (Base & { type: 'input_audio_buffer.clear' })
  | (Base & { type: 'output_audio_buffer.clear' })
  | (Base & { type: 'conversation.item.create'; item: ItemInput; previous_item_id?: string | null })
  | (Base & { type: 'conversation.item.retrieve'; item_id: string })
  | (Base & { type: 'conversation.item.truncate'; item_id: string; content_index: number; audio_end_ms: number })
  | (Base & { type: 'conversation.item.delete'; item_id: string })
  | (Base & { type: 'response.create'; response: ResponseParams })
  | (Base & { type: 'response.cancel'; response_id?: string })
  // Voice Live only.
  | (Base & { type: 'session.avatar.connect'; client_sdp: string })
  | (Base & { type: 'input_audio.turn.start'; turn_id: string })
  | (Base & { type: 'input_audio.turn.append'; turn_id: string; audio: Buffer })
  | (Base & { type: 'input_audio.turn.end'; turn_id: string })
  | (Base & { type: 'input_audio.turn.cancel'; turn_id: string })
  | (Base & { type: 'input_audio.clear' })
  | (Base & { type: 'input_text.delta'; id: string; delta: string; content_index?: number })
  | (Base & { type: 'input_text.done'; id: string; content_index?: number });

export type ClientEventType = ClientEvent['type'];

export type ClientEventOf<T extends ClientEventType> = Extract<ClientEvent, { type: T }>;

/**
 * A canonical client event as a client sends it: audio as base64 text (clients encode it once,
 * in browsers without `Buffer`), and `response.create`'s parameters optional.
 */
export type OutgoingClientEvent = ClientEvent extends infer E
  ? E extends { type: 'response.create' }
    ? Omit<E, 'response'> & { response?: ResponseParams }
    : E extends { audio: Buffer }
      ? Omit<E, 'audio'> & { audio: string }
      : E
  : never;
