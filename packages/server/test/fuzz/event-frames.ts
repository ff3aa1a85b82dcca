/**
 * Client events generated from the protocol's own schemas (through `z.toJSONSchema`): valid
 * ones of every type the dialect has, and the same events damaged by one to three mutations.
 */
import { clientEventSchemas, type Dialect } from '@parley/protocol';
import { z } from 'zod';
import { textFrame, type FuzzFrame } from './fuzz-frame.js';
import { randomFocus } from './focus.js';
import { toJsonText } from './json-text.js';
import { remember } from './known-ids.js';
import { MUTATION_WEIGHTS, mutate } from './mutations.js';
import { valueFor, type JsonSchema, type ValueContext } from './schema-values.js';

export interface EventContext extends ValueContext {
  dialect: Dialect;
  nextEventId(): string;
}

/** Every client event type of every dialect, and a few server ones: what a confused client sends as `type`. */
export const ANY_EVENT_TYPES: readonly string[] = [
  ...new Set(Object.values(clientEventSchemas).flatMap((schemas) => Object.keys(schemas))),
  'session.created',
  'response.done',
  'error',
];

/** Events that carry a conversation forward are drawn more often than the rest. */
const TYPE_WEIGHTS: Record<string, number> = {
  'conversation.item.create': 4,
  'response.create': 4,
  'session.update': 3,
  'input_audio_buffer.append': 3,
  'response.cancel': 2,
  'conversation.item.truncate': 2,
};

const jsonSchemas = new Map<Dialect, Record<string, JsonSchema>>();

function clientJsonSchemas(dialect: Dialect): Record<string, JsonSchema> {
  let schemas = jsonSchemas.get(dialect);
  if (!schemas) {
    const zodSchemas: Record<string, z.ZodType> = clientEventSchemas[dialect];
    schemas = Object.fromEntries(Object.entries(zodSchemas).map(([type, schema]) => [type, z.toJSONSchema(schema, { io: 'input' }) as JsonSchema]));
    jsonSchemas.set(dialect, schemas);
  }
  return schemas;
}

export function validEvent(context: EventContext, type?: string): Record<string, unknown> {
  const schemas = clientJsonSchemas(context.dialect);
  const chosen = type ?? context.random.weighted(Object.fromEntries(Object.keys(schemas).map((t) => [t, TYPE_WEIGHTS[t] ?? 1])));
  const schema = schemas[chosen]!;
  const style = context.random.weighted({ plain: 3, focus: 5, extreme: 2 });
  const focus = style === 'focus' ? randomFocus(schema, context.random) : undefined;
  const event = valueFor(schema, { ...context, extreme: style === 'extreme' }, '', 0, focus) as Record<string, unknown>;
  delete event.event_id;
  if (context.random.chance(0.9)) event.event_id = context.nextEventId();
  if (chosen === 'input_audio.turn.start') remember(context.known, 'turn_id', event.turn_id as string);
  if (chosen === 'input_text.delta') remember(context.known, 'id', event.id as string);
  return event;
}

export function validEventFrame(context: EventContext): FuzzFrame {
  return textFrame('valid', toJsonText(validEvent(context)), context.dialect);
}

export function mutatedEventFrame(context: EventContext): FuzzFrame {
  const event = validEvent(context);
  const count = context.random.int(1, 3);
  for (let i = 0; i < count; i++) mutate(event, context.random.weighted(MUTATION_WEIGHTS), context.random, ANY_EVENT_TYPES);
  return textFrame('mutated', toJsonText(event), context.dialect);
}
