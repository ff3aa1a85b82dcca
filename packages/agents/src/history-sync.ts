/**
 * Server events applied to the session's history: items added where the server put them,
 * completed, retrieved (after a truncation, with only what was heard), deleted; transcripts and
 * text as they stream; a function call's output and an MCP approval's answer on their items.
 */
import type { Item, ServerEvent } from '@parley/protocol';
import type { History } from './history.js';
import { toHistoryItem } from './history-item.js';
import type { RealtimeItem } from './items.js';

export interface HistoryChange {
  /** The item that is new to the history. */
  added?: RealtimeItem;
}

function applyItem(history: History, item: Item, previousItemId?: string | null): HistoryChange | null {
  if (item.type === 'function_call_output') return history.setFunctionOutput(item.call_id, item.output) ? {} : null;
  if (item.type === 'mcp_approval_response') return history.setApproval(item.approval_request_id, item.approve) ? {} : null;
  const converted = toHistoryItem(item, previousItemId);
  if (!converted) return null;
  return history.upsert(converted) === 'added' ? { added: history.find(converted.itemId)! } : {};
}

/** Applies `event`; what changed, or `null` when the history did not. */
export function applyToHistory(history: History, event: ServerEvent): HistoryChange | null {
  switch (event.type) {
    case 'conversation.item.added':
      return applyItem(history, event.item, event.previous_item_id);
    case 'conversation.item.done':
    case 'conversation.item.retrieved':
    case 'response.output_item.done':
      return applyItem(history, event.item);
    case 'conversation.item.deleted':
      return history.remove(event.item_id) ? {} : null;
    case 'conversation.item.input_audio_transcription.completed':
      return history.setInputTranscript(event.item_id, event.content_index, event.transcript) ? {} : null;
    case 'response.content_part.added':
      return history.appendContent(event.item_id, event.content_index, event.part.type === 'audio' ? 'output_audio' : 'output_text', '') ? {} : null;
    case 'response.output_text.delta':
      return history.appendContent(event.item_id, event.content_index, 'output_text', event.delta) ? {} : null;
    case 'response.output_audio_transcript.delta':
      return history.appendContent(event.item_id, event.content_index, 'output_audio', event.delta) ? {} : null;
    default:
      return null;
  }
}
