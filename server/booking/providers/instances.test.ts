// A provider with several instances (`verifyUrls`): two real `gatepost provider`
// processes on one PostgreSQL database with one booking secret, behind a real
// booking server. The admin API's checks; calls spread over both; one killed
// with SIGKILL in the middle of a burst of scans from several stations — every
// scan still answered, none `provider_unavailable` after the first 2 s, every
// ticket redeemed exactly once on the provider; and the killed instance,
// started again on its port, used again once its time out is over.
// Skipped without a reachable PostgreSQL (a failure under CI).
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Order, ProviderDetails } from '../../../protocol/booking-api.js';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { parseScanText } from '../../../protocol/gp1.js';
import type { RunningCommand } from '../../../testing/processes.js';
import { postgresAvailable } from '../../common/testing/postgres.js';
import { sharedDatabase } from '../../common/testing/shared-database.js';
import { providerRequestsServed } from '../../common/testing/requests-served.js';
import { bookingClient, type BookingClient } from '../testing/http.js';
import { OUT_MIN_MS } from './instance-rotation.js';

const SECRET = 'instances-provider-secret-0123456789';
const ADMIN = 'instances-admin-token-0123456789';
const run = await postgresAvailable();

/** Scan calls (verify and batch) a provider instance says it answered. */
async function scanCalls(url: string): Promise<number> {
  const served = await providerRequestsServed(url, SECRET);
  return served('/v1/verify') + served('/v1/redemptions');
}

describe.runIf(run)('a provider with two instances on one database', { timeout: 180_000 }, () => {
  const db = sharedDatabase('gp_instances');
  let a: RunningCommand;
  let b: RunningCommand;
  let booking: RunningCommand;
  let api: BookingClient;
  let providerId: string;
  let tickets: Order['tickets'];
  let stations: { gate: string; token: string }[];
  let next = 0;

  const provider = (demo: boolean, port = '0') => db.start('provider', ['--booking-secret', SECRET, ...(demo ? ['--demo'] : [])], { port });
  const scan = async (ticket: Order['tickets'][number], scanId: string, station = stations[0]!) => {
    const res = await api.post<ScanVerdict>('/api/v1/station/scan', { payload: ticket.payload, providerId, scanId, source: 'test' }, { token: station.token });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    // One after the other: the first makes the tables and the programme.
    a = await provider(true);
    b = await provider(false);
    // The booking server keeps its own SQLite file: only the provider's instances share the database.
    booking = await db.start('booking', ['--admin-token', ADMIN, '--demo'], { env: { DATABASE_URL: '' } });
    api = bookingClient(booking.url);
  }, 120_000);

  it('refuses both fields, an empty list, and plain http off this host', async () => {
    const post = (body: object) => api.post<{ error?: string }>('/api/v1/admin/providers', { name: 'Two', secret: SECRET, ...body }, { token: ADMIN });
    expect((await post({ verifyUrl: a.url, verifyUrls: [a.url, b.url] })).status).toBe(400);
    expect((await post({ verifyUrls: [] })).status).toBe(400);
    expect((await post({})).status).toBe(400);
    expect((await post({ verifyUrls: Array.from({ length: 17 }, () => a.url) })).status).toBe(400);
    const insecure = await post({ verifyUrls: [a.url, 'http://10.0.0.9:7701'] });
    expect(insecure.status).toBe(400);
    expect(insecure.body.error).toBe('insecure_url');
    // Nothing was registered by any of those.
    expect((await api.get<{ providers: ProviderDetails[] }>('/api/v1/admin/providers', { token: ADMIN })).body.providers).toEqual([]);
  });

  it('registers both instances, lists them, and spreads the scans over both', async () => {
    const res = await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Two Halls', verifyUrls: [a.url, `${b.url}/`], secret: SECRET }, { token: ADMIN });
    expect(res.status, res.text).toBe(201);
    providerId = res.body.providerId;
    const listed = await api.get<{ providers: ProviderDetails[] }>('/api/v1/admin/providers', { token: ADMIN });
    expect(listed.body.providers).toEqual([{ providerId, name: 'Two Halls', verifyUrl: a.url, verifyUrls: [a.url, b.url], batchScans: true, cancelCutoffMinutes: 120, timeZone: null, timeZoneInUse: expect.any(String), createdAt: expect.any(Number) }]);
    // PATCH takes one field or the other, not both.
    const both = await api.call('PATCH', `/api/v1/admin/providers/${providerId}`, { body: { verifyUrl: a.url, verifyUrls: [a.url] }, token: ADMIN });
    expect(both.status).toBe(400);

    const { token } = (await api.post<{ token: string }>('/api/v1/users', { email: 'two@example.com', password: 'a long enough password' })).body;
    tickets = [];
    for (const row of ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']) {
      const seats = Array.from({ length: 12 }, (_, i) => `${row}${i + 1}`);
      const ordered = await api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats, payment: { method: 'demo' } }, { token });
      expect(ordered.status, ordered.text).toBe(201);
      tickets.push(...ordered.body.tickets);
    }
    stations = await Promise.all(
      ['Door 1', 'Door 2', 'Door 3', 'Door 4'].map(async (gate) => {
        const created = await api.post<{ enrollment: string }>('/api/v1/admin/stations', { providerId, gate }, { token: ADMIN });
        return { gate, token: (await api.post<{ token: string }>('/api/v1/station/enroll', { enrollment: created.body.enrollment })).body.token };
      }),
    );

    const before = [await scanCalls(a.url), await scanCalls(b.url)];
    for (let i = 0; i < 10; i++) expect((await scan(tickets[next]!, `spread-${next++}`)).result).toBe('admitted');
    const calls = [(await scanCalls(a.url)) - before[0]!, (await scanCalls(b.url)) - before[1]!];
    expect(calls[0]! + calls[1]!).toBe(10);
    // Round-robin: one scan at a time alternates between the two.
    expect(calls).toEqual([5, 5]);
  });

  it('answers every scan when one instance is killed in a burst: none unavailable after 2 s, each ticket redeemed once', async () => {
    const burst = tickets.slice(next, next + 80);
    next += burst.length;
    const bAtStart = await scanCalls(b.url);
    let killedAt = Number.POSITIVE_INFINITY;
    const results: { ticket: Order['tickets'][number]; scanId: string; sentAt: number; verdict: ScanVerdict }[] = [];
    const inFlight: Promise<void>[] = [];
    for (const [i, ticket] of burst.entries()) {
      if (i === 15) {
        // Killed while it takes its share of the burst.
        expect(await scanCalls(b.url)).toBeGreaterThan(bAtStart);
        killedAt = performance.now();
        await b.kill9();
      }
      const scanId = `burst-${i}`;
      const sentAt = performance.now();
      inFlight.push(scan(ticket, scanId, stations[i % stations.length]).then((verdict) => void results.push({ ticket, scanId, sentAt, verdict })));
      await sleep(40);
    }
    await Promise.all(inFlight);
    expect(results).toHaveLength(burst.length);
    // The burst ran on for more than 2 s after the kill.
    expect(performance.now() - killedAt).toBeGreaterThan(2500);
    const late = results.filter((r) => r.sentAt > killedAt + 2000);
    expect(late.length).toBeGreaterThan(10);
    expect(late.filter((r) => r.verdict.reason === 'provider_unavailable')).toEqual([]);
    const unavailable = results.filter((r) => r.verdict.reason === 'provider_unavailable');
    // A scan the provider did not answer, retried by its station under the same scan ID, gets its verdict.
    for (const r of unavailable) r.verdict = await scan(r.ticket, r.scanId, stations[Number(r.scanId.split('-')[1]) % stations.length]);
    expect(results.map((r) => r.verdict.result)).toEqual(burst.map(() => 'admitted'));

    // No ticket admitted twice: each again, from another door, is already redeemed.
    for (const [i, ticket] of burst.entries()) {
      const again = await scan(ticket, `again-${i}`, stations[(i + 1) % stations.length]);
      expect([again.result, again.reason]).toEqual(['rejected', 'already_redeemed']);
    }
    // On the provider's database: each ticket redeemed once, by the scan that was admitted.
    const codes = burst.map((t) => {
      const parsed = parseScanText(t.payload);
      if (parsed.kind === 'malformed' || parsed.kind === 'code') throw new Error('a sold ticket whose payload is not a GP1');
      return parsed.decoded.body.code;
    });
    const rows = await db.client.query<{ code: string; redeemed_scan_id: string | null }>('select code, redeemed_scan_id from tickets where code = any($1)', [codes]);
    expect(rows.rows).toHaveLength(burst.length);
    for (const row of rows.rows) expect(row.redeemed_scan_id).toMatch(/\/burst-\d+$/);
    const admitted = await db.client.query<{ n: string }>(`select count(*) as n from scans where code = any($1) and verdict like '%"admitted"%'`, [codes]);
    expect(Number(admitted.rows[0]!.n)).toBe(burst.length);
    expect(booking.output.some((l) => l.includes('taken out'))).toBe(true);
  });

  it('uses the killed instance again once it is back on its port and its time out is over', async () => {
    const port = new URL(b.url).port;
    b = await provider(false, port);
    expect(b.url).toContain(`:${port}`);
    // It is out for OUT_MIN_MS from its first failure, doubled each time a probe after that failed
    // (while it was down): the first call after its time probes it, and from then on it takes its share.
    const deadline = performance.now() + 8 * OUT_MIN_MS;
    let i = 0;
    while ((await scanCalls(b.url)) === 0) {
      expect(performance.now()).toBeLessThan(deadline);
      expect((await scan(tickets[i % 10]!, `back-${i++}`)).reason).toBe('already_redeemed');
      await sleep(200);
    }
    for (let k = 0; k < 10; k++) expect((await scan(tickets[k]!, `back-${i++}`)).reason).toBe('already_redeemed');
    expect(await scanCalls(b.url)).toBeGreaterThanOrEqual(5);
  });
});
