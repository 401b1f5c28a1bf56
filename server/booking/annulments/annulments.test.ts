// Annulments through the booking server: a station undoes its own admission
// within 30 s, staff any within 10 minutes; the real verification server
// undoes the redemption, and the offline bundles carry it. The booking server
// runs in-process on a clock the test moves; the provider is a real process.
import { beforeAll, describe, expect, it } from 'vitest';
import type { OfflineBundle, Order } from '../../../protocol/booking-api.js';
import { decodeGp1 } from '../../../protocol/gp1.js';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { BACKENDS } from '../../common/testing/storage.js';
import type { BookingClient } from '../testing/http.js';
import { enrolledStation, registerProvider, signUp } from '../testing/setup.js';
import { bookingTestbed } from '../testing/testbed.js';

const ADMIN = 'admin-token-for-annul-tests-0123';
const SECRET = 'annul-provider-secret-0123456789';

describe.each(BACKENDS)('annulments on $backend', (each) => {
  const { run } = each;
  /** the booking server's clock runs this many seconds ahead of the real one */
  let skew = 0;
  const bed = bookingTestbed(each, { name: 'annul', adminToken: ADMIN, provider: { secret: SECRET, kind: 'demo' }, booking: { demo: true, now: () => Math.floor(Date.now() / 1000) + skew } });
  let api: BookingClient;
  let providerId: string;
  let userToken: string;
  const stations: Record<'north' | 'south', { token: string; stationId: string }> = {} as never;
  let seat = 0;

  const buy = async () => {
    const res = await api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats: [`A${++seat}`], payment: { method: 'demo' } }, { token: userToken });
    expect(res.status, res.text).toBe(201);
    const t = res.body.tickets[0]!;
    return { ...t, code: (decodeGp1(t.payload) as { body: { code: string } }).body.code };
  };
  const scan = (at: 'north' | 'south', payload: string, scanId: string) =>
    api.post<ScanVerdict>('/api/v1/station/scan', { payload, providerId, scanId }, { token: stations[at].token });
  const annul = (at: 'north' | 'south', scanId: string) => api.post<{ scanId: string; annulledAt: number; error?: string }>('/api/v1/station/annul', { scanId }, { token: stations[at].token });
  const staffAnnul = (fullId: string) => api.post<{ scanId: string; annulledAt: number; error?: string }>(`/api/v1/admin/scans/${encodeURIComponent(fullId)}/annul`, undefined, { token: ADMIN });
  const bundle = async (at: 'north' | 'south', since?: string) => {
    const res = await api.get<OfflineBundle>(`/api/v1/station/offline-bundle${since ? `?since=${since}` : ''}`, { token: stations[at].token });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    if (!run) return;
    api = bed.api;
    userToken = await signUp(api, 'annul@example.com');
    providerId = await registerProvider(api, ADMIN, { verifyUrl: bed.provider.url, secret: SECRET });
    for (const gate of ['north', 'south'] as const) stations[gate] = await enrolledStation(api, ADMIN, providerId, `${gate} door`);
  });

  it.runIf(run)('a station annuls its admission: the ticket admits again, a repeat gets the same answer, and every bundle learns it', async () => {
    const ticket = await buy();
    expect((await scan('north', ticket.payload, 'n-1')).body.result).toBe('admitted');
    const before = await bundle('south');
    expect(before.redeemed.map((r) => r.code)).toContain(ticket.code);
    expect((await scan('south', ticket.payload, 's-1')).body).toMatchObject({ result: 'rejected', reason: 'already_redeemed', redeemedGate: 'north door' });

    const undone = await annul('north', 'n-1');
    expect(undone.status, undone.text).toBe(200);
    expect(undone.body).toEqual({ scanId: 'n-1', annulledAt: expect.any(Number) });
    expect(await annul('north', 'n-1')).toMatchObject({ status: 200, body: undone.body });

    // Every station's bundle: no longer redeemed, and named as annulled to those that synced it.
    for (const at of ['north', 'south'] as const) {
      const b = await bundle(at);
      expect(b.redeemed.map((r) => r.code)).not.toContain(ticket.code);
      expect(b.annulled).toContainEqual({ code: ticket.code, at: undone.body.annulledAt });
    }
    const since = await bundle('south', before.cursor);
    expect(since.annulled?.map((a) => a.code)).toEqual([ticket.code]);

    // Scanned again, at the other door: admitted, and redeemed again in the bundles.
    expect((await scan('south', ticket.payload, 's-2')).body.result).toBe('admitted');
    const after = await bundle('north');
    expect(after.redeemed.find((r) => r.code === ticket.code)).toMatchObject({ gate: 'south door' });
    expect(after.annulled?.map((a) => a.code)).not.toContain(ticket.code);
    // The first station's repeat still answers as before and undoes nothing.
    expect(await annul('north', 'n-1')).toMatchObject({ status: 200, body: undone.body });
    expect((await scan('north', ticket.payload, 'n-2')).body.reason).toBe('already_redeemed');
  });

  it.runIf(run)('refuses another station’s scan (403), a scan it never admitted (409), bad input (400) and no token (401)', async () => {
    const ticket = await buy();
    expect((await scan('north', ticket.payload, 'n-mine')).body.result).toBe('admitted');
    expect(await annul('south', 'n-mine')).toMatchObject({ status: 403, body: { error: 'not_your_scan', message: expect.any(String) } });
    expect(await annul('north', 'n-never')).toMatchObject({ status: 409, body: { error: 'not_annullable' } });
    expect((await scan('north', ticket.payload, 'n-denied')).body.reason).toBe('already_redeemed');
    expect(await annul('north', 'n-denied')).toMatchObject({ status: 409, body: { error: 'not_annullable' } });
    for (const body of [{}, { scanId: '' }, { scanId: 'x'.repeat(81) }, { scanId: 7 }]) {
      const res = await api.post('/api/v1/station/annul', body, { token: stations.north.token });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: 'bad_request', message: expect.any(String) });
      expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
    }
    expect((await api.post('/api/v1/station/annul', { scanId: 'n-mine' })).status).toBe(401);
    // None of that undid anything: the ticket is still used.
    expect((await scan('south', ticket.payload, 's-check')).body.reason).toBe('already_redeemed');
  });

  it.runIf(run)('a station’s window is 30 s; staff may annul any station’s scan for 10 minutes', async () => {
    const [late, staff] = [await buy(), await buy()];
    expect((await scan('north', late.payload, 'n-late')).body.result).toBe('admitted');
    expect((await scan('south', staff.payload, 's-staff')).body.result).toBe('admitted');
    skew += 31;
    expect(await annul('north', 'n-late')).toMatchObject({ status: 409, body: { error: 'annul_window_passed' } });
    expect((await scan('north', late.payload, 'n-late-2')).body.reason).toBe('already_redeemed');

    expect((await api.post(`/api/v1/admin/scans/${encodeURIComponent(`${stations.south.stationId}/s-staff`)}/annul`, undefined)).status).toBe(401);
    expect((await staffAnnul('no-slash')).status).toBe(400);
    expect(await staffAnnul('s_nope/s-staff')).toMatchObject({ status: 404, body: { error: 'unknown_station' } });
    const byStaff = await staffAnnul(`${stations.south.stationId}/s-staff`);
    expect(byStaff.status, JSON.stringify(byStaff.body)).toBe(200);
    expect(byStaff.body.scanId).toBe(`${stations.south.stationId}/s-staff`);
    expect((await scan('north', staff.payload, 'n-staff-2')).body.result).toBe('admitted');

    skew += 10 * 60;
    expect(await staffAnnul(`${stations.north.stationId}/n-late`)).toMatchObject({ status: 409, body: { error: 'annul_window_passed' } });
  });

  it.runIf(run)('with the provider down: 503 provider_unavailable and the admission stands; once it is back the annulment goes through', async () => {
    skew = 0;
    const ticket = await buy();
    expect((await scan('north', ticket.payload, 'n-down')).body.result).toBe('admitted');
    await bed.stopProvider();
    expect(await annul('north', 'n-down')).toMatchObject({ status: 503, body: { error: 'provider_unavailable' } });
    expect((await bundle('south')).redeemed.map((r) => r.code)).toContain(ticket.code);
    await bed.startProvider();
    expect((await annul('north', 'n-down')).status).toBe(200);
    expect((await scan('south', ticket.payload, 's-up')).body.result).toBe('admitted');
  });
});
