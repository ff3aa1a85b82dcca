/**
 * Copies of items for events. Items in the conversation keep changing while a response streams
 * into them; an event must carry the state at the moment it was sent. Audio bytes travel only
 * in `conversation.item.retrieved` (the hosted API omits them elsewhere).
 */
import type { ContentPart, Item } from '@parley/protocol';
import { audioBase64 } from './audio-bytes.js';

function copyPart(part: ContentPart, withAudio: boolean): ContentPart {
  if (part.type === 'input_audio' || part.type === 'output_audio') {
    const { audio: _audio, ...rest } = part;
    return withAudio ? { ...rest, audio: audioBase64(part) } : rest;
  }
  return { ...part };
}

export function snapshotItem(item: Item, withAudio = false): Item {
  if (item.type === 'message') return { ...item, content: item.content.map((part) => copyPart(part, withAudio)) };
  if (item.type === 'mcp_list_tools') return { ...item, tools: item.tools.map((tool) => ({ ...tool })) };
  return { ...item };
}
