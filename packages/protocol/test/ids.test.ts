/** Ids follow OpenAI's prefixes and never repeat within a process. */
import { newId, type IdPrefix } from '@parley/protocol';
import { describe, expect, it } from 'vitest';

describe('newId', () => {
  it.each(['event', 'sess', 'conv', 'item', 'resp', 'call'] as IdPrefix[])('mints %s_… ids', (prefix) => {
    expect(newId(prefix)).toMatch(new RegExp(`^${prefix}_[0-9A-Za-z]{18}$`));
  });

  it('never repeats within a process', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('event')));
    expect(ids.size).toBe(10_000);
  });
});
