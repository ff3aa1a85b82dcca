/**
 * Mutations of a valid client event, each the kind of damage a buggy or hostile client does:
 * a wrong JSON type, a huge or hostile string, deep nesting, numbers JSON can spell but JS
 * mishandles, a required field dropped, a field added, a neighbouring event's `type`.
 */
import { anyJson } from './schema-values.js';
import { deeplyNested, RawJson, setOwn } from './json-text.js';
import type { Random } from './random.js';
import { hostileText, hugeText, word } from './strings.js';

type Container = Record<string, unknown> | unknown[];

interface Slot {
  parent: Container;
  key: string | number;
}

const ODD_NUMBERS = ['-1', '-0', '1e400', '-1e400', '1e-400', '9007199254740993', '0.5', '-2147483649', '2147483648', '1e21', '3.000000000000001'];

export type Mutation =
  | 'wrong_type'
  | 'huge_string'
  | 'deep_nesting'
  | 'hostile_text'
  | 'odd_number'
  | 'drop_field'
  | 'extra_field'
  | 'null'
  | 'empty'
  | 'other_type'
  | 'odd_event_id'
  | 'proto_key';

function slots(value: unknown, out: Slot[] = []): Slot[] {
  if (value instanceof RawJson || value === null || typeof value !== 'object') return out;
  const container = value as Container;
  for (const key of Array.isArray(container) ? container.keys() : Object.keys(container)) {
    out.push({ parent: container, key });
    slots((container as Record<string | number, unknown>)[key], out);
  }
  return out;
}

function containers(root: Record<string, unknown>): Record<string, unknown>[] {
  const objects = [root];
  for (const { parent, key } of slots(root)) {
    const value = (parent as Record<string | number, unknown>)[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RawJson)) objects.push(value as Record<string, unknown>);
  }
  return objects;
}

function set(slot: Slot, value: unknown): void {
  (slot.parent as Record<string | number, unknown>)[slot.key] = value;
}

function differentType(current: unknown, random: Random): unknown {
  const options: unknown[] = [word(random), random.int(-5, 5), random.chance(0.5), null, [current], { value: current }, 0.25];
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  const others = options.filter((v) => kind(v) !== kind(current));
  return random.pick(others);
}

/** Applies `mutation` to `event` in place (`event` is a fresh copy). */
export function mutate(event: Record<string, unknown>, mutation: Mutation, random: Random, otherTypes: readonly string[]): void {
  const all = slots(event);
  const slot = all.length ? random.pick(all) : { parent: event, key: 'type' };
  const current = (slot.parent as Record<string | number, unknown>)[slot.key];
  switch (mutation) {
    case 'wrong_type':
      return set(slot, differentType(current, random));
    case 'huge_string':
      return set(slot, hugeText(random, 10_000, 200_000));
    case 'deep_nesting':
      return set(slot, deeplyNested(random.int(50, 20_000), random.chance(0.5) ? '1' : '{}', random.chance(0.7) ? 'array' : 'object'));
    case 'hostile_text':
      if (random.chance(0.3) && !Array.isArray(slot.parent)) {
        delete slot.parent[slot.key as string];
        return setOwn(slot.parent, hostileText(random), current);
      }
      return set(slot, hostileText(random));
    case 'odd_number':
      return set(slot, new RawJson(random.pick(ODD_NUMBERS)));
    case 'drop_field':
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key];
      return;
    case 'extra_field':
      return setOwn(random.pick(containers(event)), word(random), anyJson(random));
    case 'null':
      return set(slot, null);
    case 'empty':
      return set(slot, random.pick(['', [], {}]));
    case 'other_type':
      event.type = random.chance(0.8) ? random.pick(otherTypes) : random.pick([`${String(event.type)} `, String(event.type).toUpperCase(), '', 'response.create.', hostileText(random)]);
      return;
    case 'odd_event_id':
      event.event_id = random.pick<unknown>([random.int(0, 99), null, 'e'.repeat(513), hostileText(random), { id: 'x' }]);
      return;
    case 'proto_key':
      return setOwn(random.pick(containers(event)), random.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']), random.chance(0.5) ? { polluted: true } : word(random));
  }
}

/** How often each mutation is drawn: the expensive ones (huge, deep) rarely. */
export const MUTATION_WEIGHTS: Readonly<Record<Mutation, number>> = {
  wrong_type: 20,
  huge_string: 2,
  deep_nesting: 3,
  hostile_text: 12,
  odd_number: 10,
  drop_field: 14,
  extra_field: 10,
  null: 8,
  empty: 6,
  other_type: 8,
  odd_event_id: 4,
  proto_key: 4,
};
