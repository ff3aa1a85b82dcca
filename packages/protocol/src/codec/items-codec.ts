/** Items between the canonical (GA) spelling and beta / Voice Live's. */
import type { Dialect } from '../dialect.js';
import { ParleyError } from '../errors.js';
import { decodeBase64 } from '../base64.js';
import type { ContentPart, ContentPartInput, Item, ItemInput, ResponseInputItem } from '../model/items.js';
import type { WireItemInput, WireResponseInputItem } from '../schemas/items.js';

type WirePart = Extract<WireItemInput, { type: 'message' }>['content'][number];

function partToCanonical(part: WirePart, index: number, paramPrefix: string): ContentPartInput {
  switch (part.type) {
    case 'text':
    case 'output_text':
      return { type: 'output_text', text: part.text };
    case 'audio':
    case 'output_audio':
      return { type: 'output_audio', audio: part.audio, transcript: part.transcript };
    case 'input_audio':
      if (typeof part.audio === 'string' && decodeBase64(part.audio) === undefined) {
        throw new ParleyError('invalid_base64', `Invalid '${paramPrefix}.content[${index}].audio': not valid base64.`, {
          param: `${paramPrefix}.content[${index}].audio`,
        });
      }
      return part;
    default:
      return part;
  }
}

/**
 * A client's item in canonical form. Read-only fields (`object`, `status`) are dropped: the
 * server decides them. `paramPrefix` names where the item sits, for error paths.
 */
export function itemInputToCanonical(item: WireItemInput, paramPrefix = 'item'): ItemInput {
  const { object: _object, status: _status, ...rest } = item;
  if (rest.type !== 'message') return rest;
  return { ...rest, content: rest.content.map((part, i) => partToCanonical(part, i, paramPrefix)) };
}

export function responseInputToCanonical(items: readonly WireResponseInputItem[], param: string): ResponseInputItem[] {
  return items.map((item, i) => (item.type === 'item_reference' ? item : itemInputToCanonical(item, `${param}[${i}]`)));
}

function partToBetaStyle(part: ContentPart | ContentPartInput): unknown {
  if (part.type === 'output_text') return { ...part, type: 'text' };
  if (part.type === 'output_audio') return { ...part, type: 'audio' };
  return part;
}

/**
 * The item as the dialect spells it: a server's item, or a client's (the inverse of
 * `itemInputToCanonical`). GA items are already canonical and pass through untouched.
 */
export function itemToWire(item: Item | ItemInput, dialect: Dialect): unknown {
  if (dialect === 'ga' || item.type !== 'message' || item.role !== 'assistant') return item;
  const content: (ContentPart | ContentPartInput)[] = item.content;
  return { ...item, content: content.map(partToBetaStyle) };
}

export function responseInputToWire(items: readonly ResponseInputItem[], dialect: Dialect): unknown[] {
  return items.map((item) => (item.type === 'item_reference' ? item : itemToWire(item, dialect)));
}

function partFromBetaStyle(part: { type: string }): ContentPart {
  if (part.type === 'text') return { ...part, type: 'output_text' } as ContentPart;
  if (part.type === 'audio') return { ...part, type: 'output_audio' } as ContentPart;
  return part as ContentPart;
}

/**
 * A server's item in canonical form (the inverse of `itemToWire`), for clients. Not validated:
 * anything but assistant content passes as sent.
 */
export function itemFromWire(item: unknown, dialect: Dialect): Item {
  const wire = item as Item;
  if (dialect === 'ga' || wire.type !== 'message' || wire.role !== 'assistant' || !Array.isArray(wire.content)) return wire;
  return { ...wire, content: wire.content.map(partFromBetaStyle) };
}
