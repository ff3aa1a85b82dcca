/** Canonical response objects (`response.created` / `response.done`) and `response.create` parameters. */
import type { Item, ItemInput, ResponseInputItem } from './items.js';
import type { AudioFormat, AudioFormatPatch, OutputModality, ReasoningEffort, Voice } from './session.js';
import type { InterimResponse, Prompt, Tool, ToolChoice } from '../schemas/shared.js';
import type { WireErrorDetail } from '../errors.js';

export type ResponseStatus = 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete';

export type ResponseStatusDetails =
  | { type: 'cancelled'; reason: 'turn_detected' | 'client_cancelled' }
  | { type: 'incomplete'; reason: 'max_output_tokens' | 'content_filter' }
  | { type: 'failed'; error: Omit<WireErrorDetail, 'param' | 'event_id'> }
  | { type: 'completed' };

/**
 * Token usage. The Voice Live SDK throws on a `usage` whose detail objects are missing, so
 * usage is either absent or complete, nested details included.
 */
export interface Usage {
  total_tokens: number;
  input_tokens: number;
  output_tokens: number;
  input_token_details: {
    cached_tokens: number;
    text_tokens: number;
    audio_tokens: number;
    image_tokens: number;
    cached_tokens_details: { text_tokens: number; audio_tokens: number; image_tokens: number };
  };
  output_token_details: { text_tokens: number; audio_tokens: number; reasoning_tokens: number };
}

export interface ResponseObject {
  id: string;
  object: 'realtime.response';
  status: ResponseStatus;
  status_details: ResponseStatusDetails | null;
  output: Item[];
  /** Null for out-of-band responses (`conversation: "none"`). */
  conversation_id: string | null;
  output_modalities: OutputModality[];
  audio: { output: { format: AudioFormat; voice: Voice } };
  max_output_tokens: number | 'inf';
  metadata: Record<string, string> | null;
  temperature: number;
  usage?: Usage;
}

/** `response.create`'s `response`, with every dialect's spelling folded into one. */
export interface ResponseParams {
  output_modalities?: OutputModality[];
  instructions?: string;
  /** Voice Live: appended to the instructions for this response only. */
  additional_instructions?: string;
  audio?: { output?: { format?: AudioFormatPatch; voice?: Voice; speed?: number } };
  tools?: Tool[];
  tool_choice?: ToolChoice;
  max_output_tokens?: number | 'inf';
  temperature?: number;
  metadata?: Record<string, string> | null;
  /** `auto` (default): output joins the conversation; `none`: out-of-band. */
  conversation?: string;
  /** Replaces the conversation as this response's context (`[]` clears it). */
  input?: ResponseInputItem[];
  /** Voice Live: items appended to the conversation's context for this response only. */
  append_input_items?: ResponseInputItem[];
  /** Voice Live: commit pending input audio first (its default: true). */
  commit?: boolean;
  /** Voice Live: cancel an active response instead of refusing (its default: true). */
  cancel_previous?: boolean;
  /** Voice Live: an assistant message to speak as the response instead of asking the model. */
  pre_generated_assistant_message?: Extract<ItemInput, { type: 'message' }>;
  /** Voice Live: input for a hosted agent; accepted, not used. */
  invoke_input?: Record<string, unknown>;
  interim_response?: InterimResponse | null;
  reasoning_effort?: ReasoningEffort;
  reasoning?: { effort?: ReasoningEffort | null } | null;
  parallel_tool_calls?: boolean;
  prompt?: Prompt | null;
}
