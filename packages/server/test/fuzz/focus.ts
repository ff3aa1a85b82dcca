/**
 * A focus: one path from an event's root to a leaf of its schema — property names, union
 * branches (their index) and ITEM for "an element of this array". Generating along a focus
 * makes that path present and gives its leaf an extreme value. Focuses are drawn uniformly over
 * a schema's leaves, so a field five objects deep (`session.audio.input.turn_detection.
 * idle_timeout_ms`) is exercised as often as a top-level one.
 */
import type { Random } from './random.js';
import type { JsonSchema } from './schema-values.js';

export const ITEM = '[]';

export type Focus = readonly (string | number)[];

const MAX_DEPTH = 10;
const leavesOf = new WeakMap<JsonSchema, Focus[]>();

function leaves(schema: JsonSchema, depth = 0): Focus[] {
  if (depth > MAX_DEPTH) return [[]];
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    return branches.flatMap((branch, index) => (branch.type === 'null' && branches.length > 1 ? [] : leaves(branch, depth + 1).map((path) => [index, ...path])));
  }
  const keys = Object.keys(schema.properties ?? {}).filter((key) => key !== 'type' && key !== 'event_id');
  if (keys.length) return keys.flatMap((key) => leaves(schema.properties![key]!, depth + 1).map((path) => [key, ...path]));
  if (schema.items) return leaves(schema.items, depth + 1).map((path) => [ITEM, ...path]);
  return [[]];
}

export function randomFocus(schema: JsonSchema, random: Random): Focus {
  let all = leavesOf.get(schema);
  if (!all) leavesOf.set(schema, (all = leaves(schema)));
  return random.pick(all);
}
