/** A response's answer: the text (or transcript) of its last assistant message. */
import type { Item } from '@parley/protocol';

export interface LastMessage {
  text: string;
  /** The message's item; without a message, the response's last item (or ''). */
  itemId: string;
  /** Whether it was spoken. */
  audio: boolean;
}

export function lastMessage(output: readonly Item[]): LastMessage {
  for (let i = output.length - 1; i >= 0; i--) {
    const item = output[i]!;
    if (item.type !== 'message' || item.role !== 'assistant') continue;
    const text = item.content.map((part) => (part.type === 'output_text' ? part.text : part.type === 'output_audio' ? (part.transcript ?? '') : '')).join('');
    return { text, itemId: item.id, audio: item.content.some((part) => part.type === 'output_audio') };
  }
  return { text: '', itemId: output.at(-1)?.id ?? '', audio: false };
}
