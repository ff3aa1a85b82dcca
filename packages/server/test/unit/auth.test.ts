/**
 * The API-key policy: open with no keys configured; otherwise exactly the configured keys, and
 * compared so that the time taken reveals neither which key matched nor how much of it did.
 */
import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiKeyPolicy } from '../../src/transport/auth.js';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);
beforeEach(() => {
  timingSafeEqual.mockClear();
});

describe('ApiKeyPolicy', () => {
  it.each([[null], [[]], [['', '  ']]] as (string[] | null)[][])('is open with keys %j: every key, and none, is accepted', (keys) => {
    const policy = new ApiKeyPolicy(keys);
    expect(policy.open).toBe(true);
    expect(policy.accepts(null)).toBe(true);
    expect(policy.accepts('anything')).toBe(true);
  });

  it('with keys configured, accepts exactly those keys', () => {
    const policy = new ApiKeyPolicy(['sk-one', 'sk-two']);
    expect(policy.open).toBe(false);
    expect(policy.accepts('sk-one')).toBe(true);
    expect(policy.accepts('sk-two')).toBe(true);
    for (const wrong of [null, '', 'sk-three', 'sk-on', 'sk-one2', 'SK-ONE', 'sk-onesk-two', 'sk-one,sk-two']) {
      expect(policy.accepts(wrong), String(wrong)).toBe(false);
    }
  });

  it('trims configured keys (as read from a comma list with spaces)', () => {
    const policy = new ApiKeyPolicy([' sk-one ', '', 'sk-two']);
    expect(policy.accepts('sk-one')).toBe(true);
    expect(policy.accepts(' sk-one ')).toBe(false);
  });

  it('handles keys of any length without throwing (lengths differ from the configured ones)', () => {
    const policy = new ApiKeyPolicy(['k']);
    expect(policy.accepts('x'.repeat(100_000))).toBe(false);
    expect(policy.accepts('é')).toBe(false);
  });

  it('compares in constant time against every configured key, whichever matches', () => {
    const policy = new ApiKeyPolicy(['a-key', 'another-much-longer-key', 'third']);
    for (const candidate of ['a-key', 'third', 'nope', 'another-much-longer-key']) {
      timingSafeEqual.mockClear();
      policy.accepts(candidate);
      expect(timingSafeEqual, candidate).toHaveBeenCalledTimes(3);
      for (const [left, right] of timingSafeEqual.mock.calls) {
        // Equal-length digests: the comparison cannot stop early on length.
        expect((left as Buffer).length).toBe((right as Buffer).length);
      }
    }
  });

  it('does not compare at all when the policy is open', () => {
    new ApiKeyPolicy(null).accepts('x');
    expect(timingSafeEqual).not.toHaveBeenCalled();
  });
});
