/**
 * Conversation ordering by `previous_item_id`: absent or null appends, `root` inserts first, an
 * id inserts right after that item, an unknown id is an error that inserts nothing; plus
 * delete and lookups.
 */
import { isParleyError, type Item } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { Conversation } from '../../src/session/conversation.js';

const text = (id: string): Item => ({
  id,
  object: 'realtime.item',
  type: 'message',
  role: 'user',
  status: 'completed',
  content: [{ type: 'input_text', text: id }],
});

const ids = (c: Conversation) => c.items.map((item) => item.id);

function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (isParleyError(err)) return err;
    throw err;
  }
  throw new Error('expected a ParleyError');
}

describe('Conversation', () => {
  it('has a conv_ id and starts empty', () => {
    const c = new Conversation();
    expect(c.id).toMatch(/^conv_/);
    expect(c.size).toBe(0);
    expect(c.lastId()).toBeNull();
    expect(new Conversation().id).not.toBe(c.id);
  });

  it('appends when previous_item_id is absent or null, returning the id now before the item', () => {
    const c = new Conversation();
    expect(c.insert(text('a'))).toBeNull();
    expect(c.insert(text('b'), undefined)).toBe('a');
    expect(c.insert(text('c'), null)).toBe('b');
    expect(c.append(text('d'))).toBe('c');
    expect(ids(c)).toEqual(['a', 'b', 'c', 'd']);
    expect(c.lastId()).toBe('d');
  });

  it('inserts at the beginning for root', () => {
    const c = new Conversation();
    c.append(text('a'));
    c.append(text('b'));
    expect(c.insert(text('first'), 'root')).toBeNull();
    expect(ids(c)).toEqual(['first', 'a', 'b']);
    expect(c.previousIdOf('a')).toBe('first');
  });

  it('inserts right after the named item, in the middle too', () => {
    const c = new Conversation();
    for (const id of ['a', 'b', 'c']) c.append(text(id));
    expect(c.insert(text('x'), 'a')).toBe('a');
    expect(ids(c)).toEqual(['a', 'x', 'b', 'c']);
    expect(c.previousIdOf('b')).toBe('x');
    expect(c.insert(text('y'), 'c')).toBe('c');
    expect(ids(c)).toEqual(['a', 'x', 'b', 'c', 'y']);
  });

  it('refuses an unknown previous_item_id with item_not_found and inserts nothing', () => {
    const c = new Conversation();
    c.append(text('a'));
    const err = thrown(() => c.insert(text('b'), 'item_nope'));
    expect(err.code).toBe('item_not_found');
    expect(err.param).toBe('previous_item_id');
    expect(err.message).toContain("'item_nope'");
    expect(ids(c)).toEqual(['a']);
    expect(c.has('b')).toBe(false);
  });

  it('names the field the caller gives for an unknown previous item', () => {
    const c = new Conversation();
    expect(thrown(() => c.insert(text('b'), 'nope', 'item.previous_item_id')).param).toBe('item.previous_item_id');
  });

  it('refuses a second item with the same id', () => {
    const c = new Conversation();
    c.append(text('a'));
    const err = thrown(() => c.append(text('a')));
    expect(err.code).toBe('item_already_exists');
    expect(c.size).toBe(1);
  });

  it('deletes by id, and the id can then be used again', () => {
    const c = new Conversation();
    for (const id of ['a', 'b', 'c']) c.append(text(id));
    expect(c.delete('b')).toBe(true);
    expect(ids(c)).toEqual(['a', 'c']);
    expect(c.get('b')).toBeUndefined();
    expect(c.previousIdOf('c')).toBe('a');
    expect(c.delete('b')).toBe(false);
    c.insert(text('b'), 'a');
    expect(ids(c)).toEqual(['a', 'b', 'c']);
  });

  it('inserting after a deleted item is an error', () => {
    const c = new Conversation();
    c.append(text('a'));
    c.delete('a');
    expect(thrown(() => c.insert(text('b'), 'a')).code).toBe('item_not_found');
  });

  it('require() returns the item, or an item_not_found error naming the action and the id', () => {
    const c = new Conversation();
    c.append(text('a'));
    expect(c.require('a', 'retrieving')).toBe(c.get('a'));
    const err = thrown(() => c.require('zzz', 'deleting'));
    expect(err).toMatchObject({ code: 'item_not_found', param: 'item_id' });
    expect(err.message).toBe("Error deleting item: the item with id 'zzz' does not exist.");
  });

  it('previousIdOf is null for the first item and for unknown ids', () => {
    const c = new Conversation();
    c.append(text('a'));
    expect(c.previousIdOf('a')).toBeNull();
    expect(c.previousIdOf('nope')).toBeNull();
  });
});
