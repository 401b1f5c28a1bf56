// ProviderClient over several instances, against fake providers the test
// steers (real HTTP, signed calls): round-robin, an instance answering 5xx or
// not answering at all taken out and the call answered by the other within the
// one timeout, every instance out still tried, and a definite refusal never
// sent again elsewhere. (Real processes on one database: instances.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { ProviderClient, ProviderRefusal, ProviderUnavailable } from './provider-client.js';

const SECRET = 'failover-provider-secret-0123456789';
const UNKNOWN = 'f'.repeat(32);

describe('ProviderClient with two instances', () => {
  let one: FakeProvider;
  let two: FakeProvider;
  let seq = 0;
  const clients: ProviderClient[] = [];
  const client = () => {
    const c = new ProviderClient({ providerId: 'p_two', name: 'Two', verifyUrl: one.url, verifyUrls: [one.url, two.url], secret: SECRET });
    clients.push(c);
    return c;
  };
  const verify = (c: ProviderClient) => c.verify({ code: UNKNOWN, gate: 'Gate 1', scanId: `st/${++seq}` });
  const calls = () => [one.calls.verify, two.calls.verify];
  const since = (before: number[]) => calls().map((n, i) => n - before[i]!);

  beforeAll(async () => {
    [one, two] = await Promise.all([startFakeProvider(SECRET), startFakeProvider(SECRET)]);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([one?.close(), two?.close()]);
  });

  it('alternates between healthy instances', async () => {
    const c = client();
    const before = calls();
    for (let i = 0; i < 6; i++) expect((await verify(c)).reason).toBe('unknown_code');
    expect(since(before)).toEqual([3, 3]);
  });

  it('answers from the other instance when one answers 503, and leaves the failing one out', async () => {
    const c = client();
    one.mode.verify = 'down';
    try {
      const before = calls();
      for (let i = 0; i < 4; i++) expect((await verify(c)).reason).toBe('unknown_code');
      // Tried once, taken out: the rest went straight to the other.
      expect(since(before)).toEqual([1, 4]);
      expect(c.instanceHealth().map((h) => h.out)).toEqual([true, false]);
    } finally {
      one.mode.verify = 'ok';
    }
  });

  it('answers from the other instance within the verify timeout when one does not answer', async () => {
    const c = client();
    one.mode.verify = 'slow';
    one.slowMs = 5000;
    try {
      const started = performance.now();
      expect((await verify(c)).reason).toBe('unknown_code');
      expect(performance.now() - started).toBeLessThan(c.verifyTimeoutMs);
      expect(c.instanceHealth().map((h) => h.out)).toEqual([true, false]);
    } finally {
      one.mode.verify = 'ok';
      one.slowMs = 1000;
    }
  });

  it('still tries an instance when every one is out', async () => {
    const c = client();
    one.mode.verify = 'down';
    two.mode.verify = 'down';
    try {
      await expect(verify(c)).rejects.toBeInstanceOf(ProviderUnavailable);
      expect(c.instanceHealth().map((h) => h.out)).toEqual([true, true]);
    } finally {
      one.mode.verify = 'ok';
      two.mode.verify = 'ok';
    }
    expect((await verify(c)).reason).toBe('unknown_code');
  });

  it('does not send a definite refusal on to the other instance', async () => {
    const c = client();
    one.mode.codes = 'seat_taken';
    two.mode.codes = 'seat_taken';
    try {
      const before = [one.calls.codes, two.calls.codes];
      const order = { orderRef: 'ord-refused', showId: 'fx-1', seats: ['A1'], payment: { reference: 'pay', amountCents: 1000, currency: 'CNY' } };
      await expect(c.codes(order)).rejects.toBeInstanceOf(ProviderRefusal);
      expect(one.calls.codes - before[0]! + (two.calls.codes - before[1]!)).toBe(1);
    } finally {
      one.mode.codes = 'ok';
      two.mode.codes = 'ok';
    }
  });
});
