/**
 * Canonical server event → the frame a dialect's clients expect: renamed, with sessions,
 * responses and items reshaped, or nothing at all when the dialect has no such event.
 */
import type { Dialect } from '../dialect.js';
import type { ServerEvent } from '../model/server-events.js';
import { SERVER_EVENT_NAMES } from './event-names.js';
import { itemToWire } from './items-codec.js';
import { responseToWire } from './response-codec.js';
import { SESSION_ENCODERS } from './session-codec.js';

function reshape(event: ServerEvent, dialect: Dialect): object {
  switch (event.type) {
    case 'session.created':
    case 'session.updated':
    case 'transcription_session.updated':
      return { ...event, session: SESSION_ENCODERS[dialect](event.session) };
    case 'response.created':
    case 'response.done':
      return { ...event, response: responseToWire(event.response, dialect) };
    case 'conversation.item.added':
    case 'conversation.item.done':
    case 'conversation.item.retrieved':
    case 'response.output_item.added':
    case 'response.output_item.done':
      return dialect === 'ga' ? event : { ...event, item: itemToWire(event.item, dialect) };
    case 'response.function_call_arguments.done':
      if (dialect === 'beta') {
        // The beta event has no `name`.
        const { name: _name, ...rest } = event;
        return rest;
      }
      return event;
    case 'conversation.item.input_audio_transcription.completed': {
      // Voice Live reports word offsets in `phrases` and has no `usage`; OpenAI the reverse.
      const { usage, phrases, ...rest } = event;
      return dialect === 'voicelive' ? { ...rest, ...(phrases ? { phrases } : {}) } : { ...rest, ...(usage ? { usage } : {}) };
    }
    default:
      return event;
  }
}

export function createServerEncoder(dialect: Dialect): (event: ServerEvent) => string | undefined {
  const names = SERVER_EVENT_NAMES[dialect];
  return (event) => {
    const name = names[event.type];
    if (name === null) return undefined;
    const shaped = reshape(event, dialect);
    // Spreading keeps `type` as the first key, where people reading logs look for it.
    return JSON.stringify(name === event.type ? shaped : { ...shaped, type: name });
  };
}
