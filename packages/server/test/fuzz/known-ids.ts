/** Ids the server handed out on one connection, by the client field names that refer to them. */
import type { KnownIds } from './schema-values.js';

const KEEP = 20;

export function remember(known: KnownIds, key: string, id: string): void {
  const ids = known.get(key) ?? [];
  ids.push(id);
  if (ids.length > KEEP) ids.shift();
  known.set(key, ids);
}

interface IdCarrier {
  type?: unknown;
  item?: { id?: unknown; type?: unknown; call_id?: unknown };
  response?: { id?: unknown };
  conversation?: { id?: unknown };
}

/** Learns the ids in one server event: items, their calls and approval requests, responses, the conversation. */
export function learnIds(event: IdCarrier, known: KnownIds): void {
  const item = event.item;
  if (typeof item?.id === 'string') {
    for (const key of ['item_id', 'previous_item_id', 'id']) remember(known, key, item.id);
    if (item.type === 'function_call' && typeof item.call_id === 'string') remember(known, 'call_id', item.call_id);
    if (item.type === 'mcp_approval_request') remember(known, 'approval_request_id', item.id);
  }
  if (event.type === 'response.created' && typeof event.response?.id === 'string') remember(known, 'response_id', event.response.id);
  if (event.type === 'conversation.created' && typeof event.conversation?.id === 'string') remember(known, 'conversation', event.conversation.id);
}
