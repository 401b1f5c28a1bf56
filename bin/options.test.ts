// The --trust-proxy list: addresses and CIDR ranges only, so a typo is a usage
// error at start rather than a proxy silently not trusted (or everyone trusted).
import { describe, expect, it } from 'vitest';
import { trustProxyFlag, UsageError } from './options.js';

describe('--trust-proxy', () => {
  it('takes addresses and CIDR ranges, comma- or space-separated', () => {
    expect(trustProxyFlag('127.0.0.1, 10.0.0.0/8 ::1,fd00::/8')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    expect(trustProxyFlag(undefined)).toBeUndefined();
    expect(trustProxyFlag('  ')).toBeUndefined();
  });

  it('refuses anything else with a usage error naming the entry', () => {
    for (const bad of ['proxy.example.com', '10.0.0.0/33', '::1/129', '10.0.0.1/8/1', '10.0.0.0/', '10.0.0.0/-1', 'true', '*', '256.0.0.1']) {
      expect(() => trustProxyFlag(`127.0.0.1,${bad}`), bad).toThrow(UsageError);
      expect(() => trustProxyFlag(bad), bad).toThrow(`"${bad}"`);
    }
  });
});
