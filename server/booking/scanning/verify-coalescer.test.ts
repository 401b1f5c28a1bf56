// Scans of one moment go to the provider together (verify-coalescer.ts), and
// each still gets its own verdict. First against a provider the test steers
// (real HTTP, signed calls): what goes in one call, what goes alone, and what
// a provider without the batch route, a refusal inside a batch and a provider
// that does not answer come to. Then through real booking and provider
// processes: many stations' scans at once, each ticket admitted exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import type { ScanVerdict, Verdict } from '../../../protocol/verdict.js';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { providerRequestsServed } from '../../common/testing/requests-served.js';
import { ProviderClient, ProviderRefusal, ProviderUnavailable } from '../providers/provider-client.js';
import { FAKE_SHOW, startFakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { bookingClient } from '../testing/http.js';
import { MAX_BATCH, VerifyCoalescer } from './verify-coalescer.js';

const SECRET = 'coalescer-provider-secret-0123456789';

describe('VerifyCoalescer against a provider', () => {
  let fake: FakeProvider;
  let client: ProviderClient;
  let codes: string[];
  let seq = 0;
  const scan = (code: string) => ({ code, gate: 'Gate 2', scanId: `st/${++seq}` });
  const settle = (ps: Promise<Verdict>[]) => Promise.allSettled(ps);

  beforeAll(async () => {
    fake = await startFakeProvider(SECRET);
    client = new ProviderClient({ providerId: 'p_fake', name: 'Fake', verifyUrl: fake.url, secret: SECRET });
    const issued = await client.codes({
      orderRef: 'ord-coalesce',
      showId: FAKE_SHOW.showId,
      seats: ['A1', 'A2', 'A3', 'A4', 'A5'],
      payment: { reference: 'pay-1', amountCents: 5000, currency: 'CNY' },
    });
    codes = issued.tickets.map((t) => t.code);
  });
  afterAll(async () => {
    client?.close();
    await fake?.close();
  });

  it('sends the scans of one turn in one call, and answers each with its own verdict', async () => {
    const before = { ...fake.calls };
    const c = new VerifyCoalescer(client, () => FAKE_SHOW.startsAt);
    const unknown = 'f'.repeat(32);
    const verdicts = await Promise.all([...codes, unknown].map((code) => c.verify(scan(code))));
    expect(verdicts.map((v) => [v.result, v.reason ?? null, v.ticket?.seat ?? null])).toEqual([
      ['admitted', null, 'A1'],
      ['admitted', null, 'A2'],
      ['admitted', null, 'A3'],
      ['admitted', null, 'A4'],
      ['admitted', null, 'A5'],
      ['rejected', 'unknown_code', null],
    ]);
    expect([fake.calls.batches - before.batches, fake.calls.verify - before.verify]).toEqual([1, 0]);

    // A lone scan goes as the verify it always was.
    expect((await c.verify(scan(codes[0]!))).ticket?.seat).toBe('A1');
    expect([fake.calls.batches - before.batches, fake.calls.verify - before.verify]).toEqual([1, 1]);
  });

  it('splits a crowd into calls the provider takes, each scan still answered', async () => {
    const before = { ...fake.calls };
    const c = new VerifyCoalescer(client, () => FAKE_SHOW.startsAt);
    const crowd = Array.from({ length: MAX_BATCH + 2 }, (_, i) => (i === MAX_BATCH ? codes[0]! : i.toString(16).padStart(32, '0')));
    const verdicts = await Promise.all(crowd.map((code) => c.verify(scan(code))));
    expect(verdicts.filter((v) => v.reason === 'unknown_code')).toHaveLength(MAX_BATCH + 1);
    expect(verdicts[MAX_BATCH]!.ticket?.seat).toBe('A1');
    expect([fake.calls.batches - before.batches, fake.calls.verify - before.verify]).toEqual([2, 0]);
  });

  // Two ways a provider shows batches do not work with it; either way one failed batch, then verifies only.
  it.each([
    { what: 'without the batch route', set: (on: boolean) => (fake.batchRoute = !on) },
    { what: 'whose batch answers leave out the ticket', set: (on: boolean) => (fake.batchWithoutTickets = on) },
  ])('asks a provider $what one scan at a time, and does not try a batch again', async ({ set }) => {
    set(true);
    try {
      const before = { ...fake.calls };
      const c = new VerifyCoalescer(client, () => FAKE_SHOW.startsAt);
      for (let round = 0; round < 2; round++) {
        const verdicts = await Promise.all(codes.slice(0, 3).map((code) => c.verify(scan(code))));
        expect(verdicts.map((v) => v.ticket?.seat)).toEqual(['A1', 'A2', 'A3']);
      }
      expect([fake.calls.batches - before.batches, fake.calls.verify - before.verify]).toEqual([1, 6]);
    } finally {
      set(false);
    }
  });

  it('asks a provider registered without batches one scan at a time', async () => {
    const single = new ProviderClient({ providerId: 'p_fake', name: 'Fake', verifyUrl: fake.url, secret: SECRET, batchScans: false });
    try {
      const before = { ...fake.calls };
      const c = new VerifyCoalescer(single, () => FAKE_SHOW.startsAt);
      const verdicts = await Promise.all(codes.slice(0, 3).map((code) => c.verify(scan(code))));
      expect(verdicts.map((v) => v.ticket?.seat)).toEqual(['A1', 'A2', 'A3']);
      expect([fake.calls.batches - before.batches, fake.calls.verify - before.verify]).toEqual([0, 3]);
    } finally {
      single.close();
    }
  });

  it('asks again alone for a scan the provider refused inside a batch: its own refusal stands', async () => {
    const c = new VerifyCoalescer(client, () => FAKE_SHOW.startsAt);
    const reused = scan(codes[1]!);
    fake.conflictScanIds.add(reused.scanId);
    const [first, conflict, third] = await settle([c.verify(scan(codes[0]!)), c.verify(reused), c.verify(scan(codes[2]!))]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { result: 'admitted' } });
    expect(third).toMatchObject({ status: 'fulfilled', value: { result: 'admitted' } });
    expect(conflict!.status).toBe('rejected');
    const err = (conflict! as PromiseRejectedResult).reason as ProviderRefusal;
    expect(err).toBeInstanceOf(ProviderRefusal);
    expect([err.status, err.reason]).toEqual([409, 'scan_id_conflict']);
  });

  it('gives a scan asked again alone only what the batch left of the verify timeout', async () => {
    // The batch takes 1 s, then the provider hangs on the one scan asked again.
    fake.mode.batch = 'slow';
    fake.mode.verify = 'slow';
    fake.slowMs = 1000;
    try {
      const c = new VerifyCoalescer(client, () => FAKE_SHOW.startsAt);
      const reused = scan(codes[1]!);
      fake.conflictScanIds.add(reused.scanId);
      const started = performance.now();
      const [first, refused] = await settle([c.verify(scan(codes[0]!)), c.verify(reused)]);
      const elapsed = performance.now() - started;
      expect(first).toMatchObject({ status: 'fulfilled', value: { result: 'admitted' } });
      expect(refused!.status).toBe('rejected');
      expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(ProviderUnavailable);
      // Within the 2 s a station is promised, as without batching.
      expect(elapsed).toBeLessThan(2000);
    } finally {
      fake.mode.batch = undefined;
      fake.mode.verify = 'ok';
    }
  });

  it('fails every scan of a batch the provider does not answer, within the verify timeout', async () => {
    fake.mode.verify = 'slow';
    fake.slowMs = 3000;
    try {
      const c = new VerifyCoalescer(client, () => FAKE_SHOW.startsAt);
      const started = performance.now();
      const outcomes = await settle(codes.map((code) => c.verify(scan(code))));
      const elapsed = performance.now() - started;
      for (const o of outcomes) {
        expect(o.status).toBe('rejected');
        expect((o as PromiseRejectedResult).reason).toBeInstanceOf(ProviderUnavailable);
      }
      // The station must hear provider_unavailable within 2 s (the bound): the batch is held to the verify timeout.
      expect(elapsed).toBeLessThan(2000);
    } finally {
      fake.mode.verify = 'ok';
    }
  });
});

/** The provider's own count of the calls it answered, by route. */
async function providerCalls(url: string): Promise<{ verify: number; redemptions: number }> {
  const served = await providerRequestsServed(url, SECRET);
  return { verify: served('/v1/verify'), redemptions: served('/v1/redemptions') };
}

describe('scans of many stations at once, through the booking server', () => {
  const ADMIN = 'coalescer-admin-token-0123456789';
  const dirs: string[] = [];
  const running: RunningCommand[] = [];
  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('admits each ticket exactly once and names the gate that took it; one verify per scan where venue IT turned batches off', async () => {
    const dir = () => {
      const d = mkdtempSync(join(tmpdir(), 'gp-coalesce-'));
      dirs.push(d);
      return d;
    };
    const [provider, booking] = await Promise.all([
      startGatepost(['provider', '--port', '0', '--data', dir(), '--booking-secret', SECRET, '--demo'], { DATABASE_URL: '' }),
      startGatepost(['booking', '--port', '0', '--data', dir(), '--admin-token', ADMIN, '--demo'], { DATABASE_URL: '' }),
    ]);
    running.push(provider, booking);
    const api = bookingClient(booking.url);
    const { providerId } = (await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Demo Cinema', verifyUrl: provider.url, secret: SECRET }, { token: ADMIN })).body;
    const { token } = (await api.post<{ token: string }>('/api/v1/users', { email: 'rush@example.com', password: 'a long enough password' })).body;
    const tickets: Order['tickets'] = [];
    for (const row of ['G', 'H']) {
      const seats = Array.from({ length: 12 }, (_, i) => `${row}${i + 1}`);
      const res = await api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats, payment: { method: 'demo' } }, { token });
      expect(res.status, res.text).toBe(201);
      tickets.push(...res.body.tickets);
    }
    const stations = await Promise.all(
      ['Door 1', 'Door 2', 'Door 3'].map(async (gate) => {
        const created = await api.post<{ enrollment: string }>('/api/v1/admin/stations', { providerId, gate }, { token: ADMIN });
        return { gate, token: (await api.post<{ token: string }>('/api/v1/station/enroll', { enrollment: created.body.enrollment })).body.token };
      }),
    );
    const scanAll = (round: string) =>
      Promise.all(
        tickets.map(async (t, i) => {
          const station = stations[i % stations.length]!;
          const res = await api.post<ScanVerdict>('/api/v1/station/scan', { payload: t.payload, providerId, scanId: `${round}-${i}`, source: 'test' }, { token: station.token });
          expect(res.status, res.text).toBe(200);
          return { gate: station.gate, verdict: res.body };
        }),
      );

    // Every ticket at once, then every ticket again at once from another door.
    const first = await scanAll('a');
    expect(first.map((s) => s.verdict.result)).toEqual(tickets.map(() => 'admitted'));
    expect(first.map((s) => s.verdict.ticket?.seat)).toEqual(tickets.map((t) => t.seat));
    const again = await Promise.all(
      tickets.map(async (t, i) => {
        const station = stations[(i + 1) % stations.length]!;
        return (await api.post<ScanVerdict>('/api/v1/station/scan', { payload: t.payload, providerId, scanId: `b-${i}`, source: 'test' }, { token: station.token })).body;
      }),
    );
    expect(again.map((v) => [v.result, v.reason, v.redeemedGate])).toEqual(first.map((s) => ['rejected', 'already_redeemed', s.gate]));
    // A station's retry of its first scan (same scan ID) gets that scan's verdict, not "already redeemed".
    const retry = await api.post<ScanVerdict>('/api/v1/station/scan', { payload: tickets[0]!.payload, providerId, scanId: 'a-0', source: 'test' }, { token: stations[0]!.token });
    expect(retry.body.result).toBe('admitted');

    // The same verification server registered by venue IT with batchScans: false: each scan is its own verify.
    const registered = await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Demo Cinema, one by one', verifyUrl: provider.url, secret: SECRET, batchScans: false }, { token: ADMIN });
    expect(registered.status, registered.text).toBe(201);
    const single = registered.body.providerId;
    const ordered = await api.post<Order>('/api/v1/orders', { providerId: single, showId: 'demo-1', seats: Array.from({ length: 12 }, (_, i) => `J${i + 1}`), payment: { method: 'demo' } }, { token });
    expect(ordered.status, ordered.text).toBe(201);
    const created = await api.post<{ enrollment: string }>('/api/v1/admin/stations', { providerId: single, gate: 'Door 4' }, { token: ADMIN });
    const door4 = (await api.post<{ token: string }>('/api/v1/station/enroll', { enrollment: created.body.enrollment })).body.token;
    const calls = await providerCalls(provider.url);
    const oneByOne = await Promise.all(
      ordered.body.tickets.map(async (t, i) => (await api.post<ScanVerdict>('/api/v1/station/scan', { payload: t.payload, providerId: single, scanId: `c-${i}`, source: 'test' }, { token: door4 })).body),
    );
    expect(oneByOne.map((v) => v.result)).toEqual(ordered.body.tickets.map(() => 'admitted'));
    expect(await providerCalls(provider.url)).toEqual({ verify: calls.verify + 12, redemptions: calls.redemptions });
  }, 60_000);
});
