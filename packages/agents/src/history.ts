/**
 * The session's copy of the conversation, kept in step with the server's: items go where the
 * server put them (after their `previous_item_id`), and every change makes a new array and new
 * item objects, so a history an application holds never changes under it.
 */
import type { RealtimeItem, RealtimeMessageItem } from './items.js';

type Content = RealtimeMessageItem['content'][number];

/** What an update of a known item keeps from the copy it replaces when the update lacks it. */
function merge(existing: RealtimeItem, incoming: RealtimeItem): RealtimeItem {
  const previousItemId = incoming.previousItemId !== undefined ? incoming.previousItemId : existing.previousItemId;
  const kept = { ...incoming, ...(previousItemId !== undefined ? { previousItemId } : {}) };
  if (kept.type === 'function_call' && existing.type === 'function_call' && existing.output !== null && kept.output === null) {
    return { ...kept, output: existing.output, status: existing.status };
  }
  if (kept.type === 'mcp_approval_request' && existing.type === 'mcp_approval_request' && kept.approved === null) {
    return { ...kept, approved: existing.approved };
  }
  if (kept.type === 'message' && existing.type === 'message') {
    const content = kept.content.map((part, index) => {
      const before = existing.content[index];
      if ((part.type === 'output_audio' || part.type === 'input_audio') && part.transcript === null && before?.type === part.type && before.transcript !== null) {
        return { ...part, transcript: before.transcript };
      }
      return part;
    });
    return { ...kept, content } as RealtimeItem;
  }
  return kept;
}

export class History {
  #items: RealtimeItem[] = [];

  get items(): RealtimeItem[] {
    return this.#items;
  }

  find(itemId: string): RealtimeItem | undefined {
    return this.#items.find((item) => item.itemId === itemId);
  }

  /** Adds `item` where its `previousItemId` puts it, or updates the copy already kept; says which. */
  upsert(item: RealtimeItem): 'added' | 'updated' {
    const index = this.#items.findIndex((existing) => existing.itemId === item.itemId);
    if (index >= 0) {
      this.#items = this.#items.map((existing, i) => (i === index ? merge(existing, item) : existing));
      return 'updated';
    }
    if (item.previousItemId === null) {
      this.#items = [item, ...this.#items];
    } else {
      const after = item.previousItemId === undefined ? -1 : this.#items.findIndex((existing) => existing.itemId === item.previousItemId);
      this.#items = after < 0 ? [...this.#items, item] : [...this.#items.slice(0, after + 1), item, ...this.#items.slice(after + 1)];
    }
    return 'added';
  }

  /** Replaces the item `itemId` with `change(item)`; false when there is no such item or nothing changed. */
  update(itemId: string, change: (item: RealtimeItem) => RealtimeItem): boolean {
    const index = this.#items.findIndex((item) => item.itemId === itemId);
    if (index < 0) return false;
    const next = change(this.#items[index]!);
    if (next === this.#items[index]) return false;
    this.#items = this.#items.map((item, i) => (i === index ? next : item));
    return true;
  }

  remove(itemId: string): boolean {
    const before = this.#items.length;
    this.#items = this.#items.filter((item) => item.itemId !== itemId);
    return this.#items.length !== before;
  }

  clear(): void {
    this.#items = [];
  }

  /** The function call `callId` got its output: it is complete. */
  setFunctionOutput(callId: string, output: string): boolean {
    const call = this.#items.find((item) => item.type === 'function_call' && item.callId === callId);
    return call ? this.update(call.itemId, (item) => ({ ...item, output, status: 'completed' }) as RealtimeItem) : false;
  }

  setApproval(itemId: string, approved: boolean): boolean {
    return this.update(itemId, (item) => (item.type === 'mcp_approval_request' && item.approved !== approved ? { ...item, approved } : item));
  }

  /** Adds streamed words to content part `contentIndex` of a message (text or transcript alike). */
  appendContent(itemId: string, contentIndex: number, kind: 'output_text' | 'output_audio', delta: string): boolean {
    return this.update(itemId, (item) => {
      if (item.type !== 'message' || item.role !== 'assistant') return item;
      const content = [...item.content];
      const part = content[contentIndex];
      if (delta === '' && part?.type === kind) return item;
      if (kind === 'output_text') content[contentIndex] = { type: 'output_text', text: (part?.type === 'output_text' ? part.text : '') + delta };
      else content[contentIndex] = { type: 'output_audio', transcript: (part?.type === 'output_audio' ? (part.transcript ?? '') : '') + delta };
      return { ...item, content: fillGaps(content) } as RealtimeItem;
    });
  }

  /** The server finished transcribing what the user said. */
  setInputTranscript(itemId: string, contentIndex: number, transcript: string): boolean {
    return this.update(itemId, (item) => {
      if (item.type !== 'message' || item.role !== 'user') return item;
      const content = item.content.map((part, index) => (index === contentIndex && part.type === 'input_audio' ? { ...part, transcript } : part));
      return { ...item, content, status: 'completed' };
    });
  }
}

/** A part added past the end leaves no holes (deltas may name a part before its `content_part.added`). */
function fillGaps<T extends Content>(content: (T | undefined)[]): T[] {
  return Array.from(content, (part) => part ?? ({ type: 'output_text', text: '' } as T));
}
