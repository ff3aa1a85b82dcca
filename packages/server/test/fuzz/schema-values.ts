/**
 * Values that fit a JSON Schema, as `z.toJSONSchema` writes the protocol's client-event schemas.
 * Only the keywords those schemas use are understood. Strings are steered by their field's name
 * (`item_id` from ids the server handed out, `audio` as base64 PCM, ...), so generated events
 * reach the session's logic instead of stopping at "no such item". A `Focus` (focus.ts) forces one
 * path through the schema, however deep, and gives the field at its end an extreme valid value.
 */
import { ITEM, type Focus } from './focus.js';
import type { Random } from './random.js';
import { base64Of, hostileText, hugeText, word } from './strings.js';

export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
}

/** Ids the server has announced, by the field names that refer to them. */
export type KnownIds = Map<string, string[]>;

export interface ValueContext {
  random: Random;
  known: KnownIds;
  /** MCP server URLs this server allows. */
  mcpUrls: readonly string[];
  /** Every optional field likely present, every leaf extreme (still valid): an event at its limits. */
  extreme?: boolean;
}

/** How extreme a leaf's value is: `focus` is the one leaf in focus, `all` an extreme event's every leaf. */
type Edge = 'none' | 'all' | 'focus';

const MAX_DEPTH = 8;

/** Strings that satisfy the `pattern`s the protocol's schemas use. */
const PATTERNS: Record<string, (random: Random) => string> = {
  '^[a-zA-Z0-9_-]{1,64}$': (random) => word(random).replace(/[^a-zA-Z0-9_-]/g, '_'),
  '^data:image\\/(png|jpeg);base64,': (random) => `data:image/png;base64,${base64Of(random.bytes(random.int(1, 48)))}`,
};


/** Base64 of a short burst of noise: up to 200 ms of 24 kHz PCM16, now and then an odd byte count. */
export function audioBase64(random: Random): string {
  const bytes = random.int(0, 9600) & ~(random.chance(0.8) ? 1 : 0);
  return base64Of(random.bytes(bytes), random.chance(0.9));
}

function stringFor(schema: JsonSchema, key: string, context: ValueContext, edge: Edge): string {
  const { random } = context;
  const pattern = schema.pattern && PATTERNS[schema.pattern];
  if (pattern) return pattern(random);
  const id = random.maybePick(context.known.get(key), 0.75);
  let text: string;
  if (edge !== 'none' && random.chance(edge === 'focus' ? 0.5 : 0.3)) text = random.chance(0.5) ? hugeText(random, 200, edge === 'focus' ? 50_000 : 5_000) : hostileText(random);
  else if (key === 'audio') text = audioBase64(random);
  else if (key === 'voice' || key === 'name') text = random.pick(['alloy', 'tone', 'nobody', word(random)]);
  else if (key === 'server_url' && context.mcpUrls.length && random.chance(0.6)) text = `${random.pick(context.mcpUrls)}${word(random)}`;
  else if (key === 'conversation') text = random.pick(['auto', 'none', word(random)]);
  else text = random.chance(0.15) ? hostileText(random) : word(random);
  const min = schema.minLength ?? 0;
  if (text.length < min) text = text.padEnd(min, 'x');
  if (schema.maxLength !== undefined && text.length > schema.maxLength) text = text.slice(0, schema.maxLength);
  return id ?? text;
}

function numberFor(schema: JsonSchema, integer: boolean, random: Random, edge: Edge): number {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 1e-6) : -1000);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 1e-6) : 1000);
  if (random.chance(edge === 'none' ? 0.1 : 0.7)) {
    // The bounds, and where 32-bit timers and lengths overflow.
    const edges = [min, max, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 1e9].filter((n) => n >= min && n <= max && (!integer || Number.isSafeInteger(n)));
    return random.pick(edges.length ? edges : [min]);
  }
  // Mostly small values.
  const top = Math.min(max, min + 2000);
  const value = min + random.next() * (top - min);
  return integer ? Math.round(Math.min(top, Math.max(min, value))) : value;
}

/** A small JSON value of any shape, for `z.unknown()` fields. */
export function anyJson(random: Random, depth = 0): unknown {
  switch (random.int(0, depth > 2 ? 3 : 5)) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.int(-1000, 1000);
    case 3:
      return random.chance(0.2) ? hostileText(random) : word(random);
    case 4:
      return Array.from({ length: random.int(0, 3) }, () => anyJson(random, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: random.int(0, 3) }, () => [word(random), anyJson(random, depth + 1)]));
  }
}

function objectFor(schema: JsonSchema, context: ValueContext, depth: number, focus: Focus | undefined): Record<string, unknown> {
  const { random } = context;
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  const optionalChance = depth >= MAX_DEPTH ? 0 : context.extreme ? 0.8 / (1 + depth * 0.05) : 0.4 / (1 + depth * 0.3);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (focus?.[0] === key) out[key] = valueFor(property, context, key, depth + 1, focus.slice(1));
    else if (required.has(key) || random.chance(optionalChance)) out[key] = valueFor(property, context, key, depth + 1);
  }
  if (typeof schema.additionalProperties === 'object' && depth < MAX_DEPTH) {
    const count = random.int(0, 2);
    for (let i = 0; i < count; i++) out[word(random)] = valueFor(schema.additionalProperties, context, '', depth + 1);
  }
  return out;
}

function arrayFor(schema: JsonSchema, context: ValueContext, depth: number, focus: Focus | undefined): unknown[] {
  const inFocus = focus?.[0] === ITEM;
  const min = Math.max(schema.minItems ?? 0, inFocus ? 1 : 0);
  const max = Math.min(schema.maxItems ?? Infinity, depth >= MAX_DEPTH ? min : min + 3);
  return Array.from({ length: context.random.int(min, max) }, (_, i) =>
    schema.items ? valueFor(schema.items, context, '', depth + 1, inFocus && i === 0 ? focus!.slice(1) : undefined) : anyJson(context.random),
  );
}

/** A value that fits `schema`; `key` is the name of the field it is for; `focus`, the path forced within it. */
export function valueFor(schema: JsonSchema, context: ValueContext, key = '', depth = 0, focus?: Focus): unknown {
  const { random } = context;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return random.pick(schema.enum);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    const forced = typeof focus?.[0] === 'number' ? branches[focus[0]] : undefined;
    return forced ? valueFor(forced, context, key, depth, focus!.slice(1)) : valueFor(random.pick(branches), context, key, depth);
  }
  const type = Array.isArray(schema.type) ? random.pick(schema.type.filter((t) => !focus || t !== 'null')) : schema.type;
  const edge: Edge = focus !== undefined && focus.length === 0 ? 'focus' : context.extreme ? 'all' : 'none';
  switch (type) {
    case 'object':
      return objectFor(schema, context, depth, focus);
    case 'array':
      return arrayFor(schema, context, depth, focus);
    case 'string':
      return stringFor(schema, key, context, edge);
    case 'integer':
      return numberFor(schema, true, random, edge);
    case 'number':
      return numberFor(schema, false, random, edge);
    case 'boolean':
      return random.chance(0.5);
    case 'null':
      return null;
    default:
      return anyJson(random);
  }
}
