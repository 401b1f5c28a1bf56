// The console's Live page API as venue staff meet it, against real processes
// (a verification server with the demo programme and the booking server, on
// SQLite and on the local PostgreSQL): tickets scanned through two real
// stations' tokens are counted per gate and per reason, the last scans are
// listed, an offline journal's double admission shows as a conflict until it
// is acknowledged, the stream sends the new numbers, and venue staff of
// another provider are refused with 403. On PostgreSQL a second booking
// process serves what the first one recorded.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { BACKENDS, testStorage, type TestStorage } from '../../common/testing/storage.js';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { bookingClient, type BookingClient } from '../testing/http.js';
import type { LiveSummary } from './live.js';

const ADMIN = 'live-admin-token-0123456789abcdef';
const SECRET = 'live-provider-secret-0123456789ab';
const OTHER_SECRET = 'live-other-secret-0123456789abcd';

describe.each(BACKENDS)('the Live page API on $backend', ({ backend, run }) => {
  let store: TestStorage | undefined;
  let dir = '';
  const procs: RunningCommand[] = [];
  let api: BookingClient;
  let second: BookingClient | undefined;
  let providerId = '';
  let venueToken = '';
  let strangerToken = '';
  const stations: Record<string, { token: string; providerId: string }> = {};
  const tickets: string[] = [];
  /** each ticket's seat label, beside its payload in `tickets` */
  const ticketSeats: string[] = [];

  const scan = (gate: string, payload: string) =>
    api.post<ScanVerdict>('/api/v1/station/scan', { payload, providerId, scanId: randomUUID(), source: 'test' }, { token: stations[gate]!.token });
  const live = (token: string, client = api, pid = providerId) => client.get<LiveSummary & { error?: string }>(`/api/v1/console/live?providerId=${pid}&showId=demo-1`, { token });

  beforeAll(async () => {
    if (!run) return;
    store = await testStorage(backend, 'live');
    dir = await mkdtemp(join(tmpdir(), 'gatepost-live-'));
    const env = { DATABASE_URL: store.databaseUrl ?? '' };
    procs.push(
      ...(await Promise.all([
        startGatepost(['provider', '--port', '0', '--data', join(dir, 'p'), '--booking-secret', SECRET, '--demo'], { DATABASE_URL: '' }),
        startGatepost(['provider', '--port', '0', '--data', join(dir, 'q'), '--booking-secret', OTHER_SECRET, '--demo'], { DATABASE_URL: '' }),
        startGatepost(['booking', '--port', '0', '--data', join(dir, 'b'), '--admin-token', ADMIN, '--demo'], env, 90_000),
      ])),
    );
    api = bookingClient(procs[2]!.url);
    const reg = await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Hall', verifyUrl: procs[0]!.url, secret: SECRET }, { token: ADMIN });
    expect(reg.status, reg.text).toBe(201);
    providerId = reg.body.providerId;
    const other = await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Other', verifyUrl: procs[1]!.url, secret: OTHER_SECRET }, { token: ADMIN });
    for (const gate of ['North', 'South']) {
      const created = await api.post<{ enrollment: string }>('/api/v1/admin/stations', { providerId, gate }, { token: ADMIN });
      const enrolled = await api.post<{ token: string }>('/api/v1/station/enroll', { enrollment: created.body.enrollment });
      stations[gate] = { token: enrolled.body.token, providerId };
    }
    const staff = async (email: string, providerIds: string[]) => {
      expect((await api.post('/api/v1/admin/staff', { email, password: 'correct horse battery', role: 'venue', providerIds }, { token: ADMIN })).status).toBe(201);
      return (await api.post<{ token: string }>('/api/v1/staff/sessions', { email, password: 'correct horse battery' })).body.token;
    };
    venueToken = await staff('hall@example.com', [providerId]);
    strangerToken = await staff('other@example.com', [other.body.providerId]);
    const user = await api.post<{ token: string }>('/api/v1/users', { email: 'fan@example.com', password: 'correct horse battery' });
    const order = await api.post<{ tickets: { payload: string; seat: string }[] }>(
      '/api/v1/orders',
      { providerId, showId: 'demo-1', seats: ['A1', 'A2', 'A3', 'A4'], payment: { method: 'demo' } },
      { token: user.body.token },
    );
    expect(order.status, order.text).toBe(201);
    tickets.push(...order.body.tickets.map((t) => t.payload));
    ticketSeats.push(...order.body.tickets.map((t) => t.seat));
    if (store.databaseUrl) {
      procs.push(await startGatepost(['booking', '--port', '0', '--data', join(dir, 'b2'), '--admin-token', ADMIN], env, 90_000));
      second = bookingClient(procs[3]!.url);
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    if (dir) await rm(dir, { recursive: true, force: true });
    await store?.remove();
  });

  it.runIf(run)('counts admissions per gate, denials by reason and the last scans, with the show’s seats as capacity', async () => {
    const before = await live(venueToken);
    expect(before.status, before.text).toBe(200);
    expect(before.body).toMatchObject({ admitted: 0, gates: [], denials: [], recent: [], conflicts: [] });
    const seats = await api.get<{ seats: unknown[] }>(`/api/v1/providers/${providerId}/shows/demo-1/seats`);
    expect(before.body.capacity).toBe(seats.body.seats.length);

    expect((await scan('North', tickets[0]!)).body.result).toBe('admitted');
    expect((await scan('North', tickets[1]!)).body.result).toBe('admitted');
    expect((await scan('South', tickets[2]!)).body.result).toBe('admitted');
    expect((await scan('South', tickets[0]!)).body).toMatchObject({ result: 'rejected', reason: 'already_redeemed' });
    expect((await scan('South', 'not a ticket')).body).toMatchObject({ result: 'rejected', reason: 'malformed' });

    // Recorded behind the answers: within the stream's two seconds.
    await expect.poll(async () => (await live(venueToken)).body.recent.length, { timeout: 3000, interval: 250 }).toBe(5);
    const now = (await live(venueToken)).body;
    expect(now.admitted).toBe(3);
    expect(now.gates).toEqual([
      { gate: 'North', admitted: 2, denied: 0 },
      { gate: 'South', admitted: 1, denied: 2 },
    ]);
    expect(now.denials).toEqual([
      { reason: 'already_redeemed', count: 1 },
      { reason: 'malformed', count: 1 },
    ]);
    expect(now.recent.filter((r) => r.result === 'admitted').every((r) => typeof r.seat === 'string' && r.seat.length > 0)).toBe(true);
    expect(now.recent.filter((r) => r.result === 'rejected').map((r) => r.reason).sort()).toEqual(['already_redeemed', 'malformed']);
    expect(now.perMinute.reduce((n, p) => n + p.admitted, 0)).toBe(3);
    expect(now.perMinute.map((p) => p.gate).sort()).toEqual(expect.arrayContaining(['North', 'South']));
  });

  it.runIf(run)('refuses venue staff of another provider with 403, and a missing show with 400', async () => {
    const refused = await live(strangerToken);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('forbidden_provider');
    const stream = await fetch(`${procs[2]!.url}/api/v1/console/live/stream?providerId=${providerId}&showId=demo-1`, { headers: { authorization: `Bearer ${strangerToken}` } });
    expect(stream.status).toBe(403);
    const bad = await api.get<{ error: string }>(`/api/v1/console/live?providerId=${providerId}`, { token: venueToken });
    expect(bad.status).toBe(400);
    expect((await api.get(`/api/v1/console/live?providerId=${providerId}&showId=demo-1`)).status).toBe(401);
  });

  it.runIf(run)('lists a ticket admitted offline after it was used at another gate as a conflict, until acknowledged', async () => {
    const upload = await api.post<{ results: ScanVerdict[] }>(
      '/api/v1/station/journal',
      { redemptions: [{ scanId: randomUUID(), payload: tickets[1]!, at: Math.floor(Date.now() / 1000) }] },
      { token: stations.South!.token },
    );
    expect(upload.status, upload.text).toBe(200);
    expect(upload.body.results[0]).toMatchObject({ result: 'rejected', reason: 'already_redeemed' });
    await expect.poll(async () => (await live(venueToken)).body.conflicts.length, { timeout: 3000, interval: 250 }).toBe(1);
    const [conflict] = (await live(venueToken)).body.conflicts;
    expect(conflict).toMatchObject({ gate: 'South', firstGate: 'North', seat: expect.any(String) });
    expect(conflict!.firstAt).toBeLessThanOrEqual(conflict!.at);

    const foreign = await api.post<{ error: string }>(`/api/v1/console/conflicts/${conflict!.conflictId}/ack`, {}, { token: strangerToken });
    expect(foreign.status).toBe(403);
    const ack = await api.post(`/api/v1/console/conflicts/${conflict!.conflictId}/ack`, {}, { token: venueToken });
    expect(ack.status, ack.text).toBe(200);
    expect((await live(venueToken)).body.conflicts).toEqual([]);
    expect((await api.post<{ error: string }>('/api/v1/console/conflicts/cf_nothing/ack', {}, { token: venueToken })).body.error).toBe('unknown_conflict');
  });

  it.runIf(run)('streams a fresh summary when a station scans', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${procs[2]!.url}/api/v1/console/live/stream?providerId=${providerId}&showId=demo-1`, { headers: { authorization: `Bearer ${venueToken}` }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    const nextSummary = async (): Promise<LiveSummary> => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(event);
          if (data) return JSON.parse(data[1]!) as LiveSummary;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += value;
      }
    };
    const first = await nextSummary();
    expect(first.admitted).toBe(3);
    const scanned = Date.now();
    expect((await scan('North', tickets[3]!)).body.result).toBe('admitted');
    const next = await nextSummary();
    expect(next.admitted).toBe(4);
    expect(Date.now() - scanned).toBeLessThan(2500);
    ctrl.abort();
  });

  it.runIf(run && backend === 'postgres')('serves from a second booking process what the first recorded', async () => {
    await expect.poll(async () => (await live(venueToken, second)).body.admitted, { timeout: 3000, interval: 250 }).toBe(4);
  });

  it.runIf(run)('lets venue staff annul an admission from the last scans: it stops counting, shows as undone, and the ticket admits again', async () => {
    const before = (await live(venueToken)).body;
    const latest = before.recent.find((r) => r.result === 'admitted' && r.annulledAt === undefined)!;
    expect(latest.scanId).toMatch(/^[^/]+\/.+$/);
    const annulAs = (token: string) => api.post<{ annulledAt?: number; error?: string }>(`/api/v1/admin/scans/${encodeURIComponent(latest.scanId!)}/annul`, undefined, { token });
    // Staff of another venue may not touch this venue's gates.
    expect((await annulAs(strangerToken)).body.error).toBe('forbidden_provider');
    const undone = await annulAs(venueToken);
    expect(undone.status, undone.text).toBe(200);

    const after = (await live(venueToken)).body;
    expect(after.admitted).toBe(before.admitted - 1);
    const gate = (s: LiveSummary, name: string) => s.gates.find((g) => g.gate === name)!;
    expect(gate(after, latest.gate).admitted).toBe(gate(before, latest.gate).admitted - 1);
    expect(gate(after, latest.gate).denied).toBe(gate(before, latest.gate).denied);
    expect(after.recent.find((r) => r.scanId === latest.scanId)?.annulledAt).toBe(undone.body.annulledAt);
    expect(after.perMinute.reduce((n, p) => n + p.admitted, 0)).toBe(after.admitted);

    // The holder did not pass: the same ticket goes through at the other gate.
    const payload = tickets[ticketSeats.indexOf(latest.seat!)]!;
    const again = await scan(latest.gate === 'North' ? 'South' : 'North', payload);
    expect(again.body).toMatchObject({ result: 'admitted' });
  });
});
