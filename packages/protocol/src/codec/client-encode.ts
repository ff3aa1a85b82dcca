/**
 * Canonical client event → the frame a dialect's server expects, for clients: the inverse of
 * `createClientDecoder`. Sessions are nested (GA) or flattened (beta, Voice Live), response
 * parameters and assistant content renamed. An event the dialect does not have is a
 * programming error and throws, rather than being sent to a server that must refuse it.
 */
import type { Dialect } from '../dialect.js';
import type { OutgoingClientEvent } from '../model/client-events.js';
import { itemToWire } from './items-codec.js';
import { responseParamsToWire } from './response-params-to-wire.js';
import { sessionPatchToWire } from './session-patch-to-wire.js';

const VOICE_LIVE_ONLY = new Set<OutgoingClientEvent['type']>([
  'session.avatar.connect',
  'input_audio.turn.start',
  'input_audio.turn.append',
  'input_audio.turn.end',
  'input_audio.turn.cancel',
  'input_audio.clear',
  'input_text.delta',
  'input_text.done',
]);

function unsupported(type: string, dialect: Dialect): TypeError {
  return new TypeError(`'${type}' is not a client event of the ${dialect} dialect.`);
}

function toWire(event: OutgoingClientEvent, dialect: Dialect): object {
  if (VOICE_LIVE_ONLY.has(event.type) && dialect !== 'voicelive') throw unsupported(event.type, dialect);
  switch (event.type) {
    case 'session.update':
      return { ...event, session: sessionPatchToWire(event.session, dialect) };
    case 'transcription_session.update':
      if (dialect === 'voicelive') throw unsupported(event.type, dialect);
      // GA has no such event: a transcription session is a session.update of that type.
      if (dialect === 'ga') return { type: 'session.update', event_id: event.event_id, session: sessionPatchToWire({ ...event.session, type: 'transcription' }, dialect) };
      return { ...event, session: sessionPatchToWire(event.session, dialect) };
    case 'response.create':
      return { type: event.type, event_id: event.event_id, ...responseParamsToWire(event.response, dialect) };
    case 'conversation.item.create':
      return { ...event, item: itemToWire(event.item, dialect) };
    default:
      return event;
  }
}

export function createClientEncoder(dialect: Dialect): (event: OutgoingClientEvent) => string {
  // JSON.stringify drops keys whose value is undefined, such as an absent event_id.
  return (event) => JSON.stringify(toWire(event, dialect));
}
