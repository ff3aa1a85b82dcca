/**
 * A dialect's server frame → the canonical server event, for clients: the inverse of
 * `createServerEncoder`. Renamed events get their GA names back (`response.text.delta` →
 * `response.output_text.delta`; beta and Voice Live's one `conversation.item.created` →
 * `conversation.item.added`), and sessions, responses and items take the canonical shape.
 *
 * Lenient, like the clients it serves: nothing is validated, unknown fields pass through, and a
 * frame whose type the dialect does not define decodes to `undefined`.
 */
import type { Dialect } from '../dialect.js';
import type { Item } from '../model/items.js';
import type { ServerEvent, ServerEventType } from '../model/server-events.js';
import { SERVER_EVENT_NAMES } from './event-names.js';
import { itemFromWire } from './items-codec.js';
import { responseFromWire } from './response-from-wire.js';
import { sessionFromWire } from './session-from-wire.js';

/** A server frame as parsed JSON: an object with a string `type`. */
export interface WireFrame {
  type: string;
  [field: string]: unknown;
}

function canonicalNames(dialect: Dialect): Map<string, ServerEventType> {
  const names: Record<ServerEventType, string | null> = SERVER_EVENT_NAMES[dialect];
  const out = new Map<string, ServerEventType>();
  for (const [canonical, wire] of Object.entries(names) as [ServerEventType, string | null][]) {
    if (wire !== null) out.set(wire, canonical);
  }
  return out;
}

/**
 * One decoder per connection: beta's `response.function_call_arguments.done` has no `name`, so
 * the decoder remembers each function call's name from its item and fills it in.
 */
export function createServerDecoder(dialect: Dialect): (frame: WireFrame) => ServerEvent | undefined {
  const names = canonicalNames(dialect);
  const callNames = new Map<string, string>();
  const withItem = (frame: WireFrame): Item => {
    const item = itemFromWire(frame.item, dialect);
    if (item?.type === 'function_call' && item.name) callNames.set(item.call_id, item.name);
    return item;
  };
  return (frame) => {
    const type = names.get(frame.type);
    if (type === undefined) return undefined;
    const event = { ...frame, type };
    switch (type) {
      case 'session.created':
      case 'session.updated':
        return { ...event, session: sessionFromWire(frame.session, dialect) } as ServerEvent;
      case 'transcription_session.updated':
        return { ...event, session: sessionFromWire(frame.session, dialect, 'transcription') } as ServerEvent;
      case 'response.created':
      case 'response.done':
        return { ...event, response: responseFromWire(frame.response, dialect) } as ServerEvent;
      case 'conversation.item.added':
      case 'conversation.item.done':
      case 'conversation.item.retrieved':
      case 'response.output_item.added':
      case 'response.output_item.done':
        return { ...event, item: withItem(frame) } as ServerEvent;
      case 'response.function_call_arguments.done':
        return { ...event, name: frame.name ?? callNames.get(frame.call_id as string) ?? '' } as ServerEvent;
      default:
        return event as ServerEvent;
    }
  };
}
