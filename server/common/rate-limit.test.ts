// The limiters' arithmetic with a clock the test moves: the doubling wait and
// its cap, forgetting, the memory bound, and which addresses count as one.
import { describe, expect, it } from 'vitest';
import { addressKey, BackoffLimiter } from './rate-limit.js';

describe('BackoffLimiter', () => {
  const opts = { free: 3, baseS: 2, maxS: 30, forgetS: 3600, maxKeys: 1000 };

  it('lets `free` failures pass, then doubles the wait up to its cap, per key', () => {
    let now = 1000;
    const limiter = new BackoffLimiter(opts, () => now);
    for (let i = 0; i < 2; i++) limiter.record('a');
    expect(limiter.retryAfterS('a')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      limiter.record('a');
      waits.push(limiter.retryAfterS('a'));
      now += waits.at(-1)!;
    }
    expect(waits).toEqual([2, 4, 8, 16, 30, 30]);
    expect(limiter.retryAfterS('b')).toBe(0);
    limiter.record('a');
    limiter.clear('a');
    expect(limiter.retryAfterS('a')).toBe(0);
  });

  it('forgets a key an hour after its last failure, and never holds more than maxKeys', () => {
    let now = 1000;
    const limiter = new BackoffLimiter({ ...opts, maxKeys: 100 }, () => now);
    for (let i = 0; i < 5; i++) limiter.record('a');
    now += 3600;
    limiter.record('a');
    expect(limiter.retryAfterS('a')).toBe(0); // a first failure again
    for (let i = 0; i < 10_000; i++) limiter.record(`flood-${i}`);
    expect((limiter as unknown as { keys: Map<string, unknown> }).keys.size).toBeLessThanOrEqual(100);
  });
});

describe('addressKey', () => {
  it('counts an IPv4 address as itself, an IPv4-mapped one as its IPv4, and an IPv6 address by its /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:db8:0:0:1::')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
