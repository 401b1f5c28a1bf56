// The booking server's failure paths, in process with a controllable clock and
// a provider whose behaviour the test switches: orders that a provider cannot
// issue stay paid and are issued later with the same codes, refusals are
// refunded, keys rotate without invalidating tickets, enrollment codes expire,
// the scan rate limit clears with its window, and a slow provider is cut off.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../protocol/booking-api.js';
import type { ScanVerdict } from '../../protocol/verdict.js';
import { decodeGp1, importPublicKey, verifyGp1 } from '../../protocol/gp1.js';
import { BACKENDS } from '../common/testing/storage.js';
import type { BookingClient } from './testing/http.js';
import { enrollStation, registerProvider, signUp } from './testing/setup.js';
import { bookingTestbed, recordingGateway } from './testing/testbed.js';

const ADMIN = 'admin-token-for-state-tests-0123';
const SECRET = 'fake-provider-secret-0123456789';

describe.each(BACKENDS)('booking state machine on $backend', (each) => {
  const { run } = each;
  let clock = 1_900_000_000;
  const { payments, charges, refunds } = recordingGateway();
  const bed = bookingTestbed(each, {
    name: 'booking-state',
    adminToken: ADMIN,
    provider: { secret: SECRET, kind: 'fake' },
    booking: {
      now: () => clock,
      payments,
      providerTimeouts: { issue: 300 },
      orderTiming: { backoffS: 5, giveUpAfterS: 3600 },
      rateLimit: { maxRejections: 2, windowS: 60 },
      retryIntervalMs: 50,
    },
  });
  let api: BookingClient;
  let token: string;
  let providerId: string;
  let seat = 0;
  const order = (headers: Record<string, string> = {}, method = 'demo') =>
    api.post<Order>('/api/v1/orders', { providerId, showId: 'fx-1', seats: [`S${++seat}`], payment: { method } }, { token, headers });
  const chargesOf = (orderId: string) => charges.filter((c) => c.orderId === orderId).length;

  beforeAll(async () => {
    if (!run) return;
    api = bed.api;
    token = await signUp(api, 'state@example.com');
    providerId = await registerProvider(api, ADMIN, { verifyUrl: bed.fake.url, secret: SECRET });
  });

  it.runIf(run)('a provider that is down leaves the order paid; the retried request issues it, charged once', async () => {
    bed.fake.mode.codes = 'down';
    const first = await order({ 'Idempotency-Key': 'retry-me' });
    expect(first.status, first.text).toBe(202);
    expect(first.body).toMatchObject({ state: 'paid', tickets: [] });
    bed.fake.mode.codes = 'ok';
    const retried = await api.post<Order>('/api/v1/orders', { providerId, showId: 'fx-1', seats: [`S${seat}`], payment: { method: 'demo' } }, { token, headers: { 'Idempotency-Key': 'retry-me' } });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body).toMatchObject({ orderId: first.body.orderId, state: 'issued' });
    expect(retried.body.tickets).toHaveLength(1);
    expect(decodeGp1(retried.body.tickets[0]!.payload)).toMatchObject({ ok: true, body: { code: bed.fake.issued.get(first.body.orderId)!.tickets[0]!.code } });
    expect(chargesOf(first.body.orderId)).toBe(1);
    expect(bed.fake.calls.badSignatures).toBe(0);
  });

  it.runIf(run)('the background issuer retries paid orders, and a slow provider’s late codes are the ones issued', async () => {
    bed.fake.mode.codes = 'slow';
    bed.fake.slowMs = 600;
    const first = await order();
    expect(first.body.state).toBe('paid');
    await new Promise((r) => setTimeout(r, 700)); // the provider finished issuing after the booking server gave up
    const late = bed.fake.issued.get(first.body.orderId)!;
    expect(late).toBeDefined();
    bed.fake.mode.codes = 'ok';
    clock += 6; // past the first backoff
    let current = first.body;
    for (let i = 0; i < 60 && current.state !== 'issued'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      current = (await api.get<Order>(`/api/v1/orders/${first.body.orderId}`, { token })).body;
    }
    expect(current.state).toBe('issued');
    expect(decodeGp1(current.tickets[0]!.payload)).toMatchObject({ ok: true, body: { code: late.tickets[0]!.code } });
    expect(chargesOf(first.body.orderId)).toBe(1);
  });

  it.runIf(run)('a definite refusal fails the order and calls the refund hook; a decline never reaches the provider', async () => {
    bed.fake.mode.codes = 'seat_taken';
    const refused = await order();
    expect(refused).toMatchObject({ status: 409, body: { error: 'seat_taken' } });
    const orders = (await api.get<{ orders: Order[] }>('/api/v1/orders', { token })).body.orders;
    const failed = orders.find((o) => o.state === 'failed')!;
    expect(failed.failureReason).toBe('seat_taken');
    expect(refunds).toContainEqual(expect.objectContaining({ orderId: failed.orderId, reference: `charge_${failed.orderId}`, amountCents: 1000, reason: 'seat_taken' }));
    bed.fake.mode.codes = 'ok';
    const before = bed.fake.calls.codes;
    expect(await order({}, 'declining')).toMatchObject({ status: 402, body: { error: 'payment_declined' } });
    expect(bed.fake.calls.codes).toBe(before);
  });

  it.runIf(run)('gives up on a provider that stays down past the limit: refunded, failed', async () => {
    bed.fake.mode.codes = 'down';
    const paid = await order();
    expect(paid.body.state).toBe('paid');
    clock += 3601;
    await bed.booking.orders.retryDue();
    const after = (await api.get<Order>(`/api/v1/orders/${paid.body.orderId}`, { token })).body;
    expect(after).toMatchObject({ state: 'failed', failureReason: 'provider_unavailable' });
    expect(refunds.map((r) => r.orderId)).toContain(paid.body.orderId);
    bed.fake.mode.codes = 'ok';
  });

  it.runIf(run)('rotates the signing key: new tickets use the new key, old ones still verify and scan', async () => {
    const old = await order();
    expect((await api.post('/api/v1/admin/keys', undefined)).status).toBe(401);
    const rotated = await api.post<{ keyId: number }>('/api/v1/admin/keys', undefined, { token: ADMIN });
    expect(rotated).toMatchObject({ status: 201, body: { keyId: 2 } });
    const fresh = await order();
    const { keys } = (await api.get<{ keys: { keyId: number; publicKey: string }[] }>('/api/v1/keys')).body;
    expect(keys.map((k) => k.keyId)).toEqual([1, 2]);
    const lookup = (id: number) => importPublicKey(keys.find((k) => k.keyId === id)!.publicKey) ?? undefined;
    expect(verifyGp1(old.body.tickets[0]!.payload, lookup)).toMatchObject({ ok: true, body: { keyId: 1 } });
    expect(verifyGp1(fresh.body.tickets[0]!.payload, lookup)).toMatchObject({ ok: true, body: { keyId: 2 } });

    const st = await enrollStation(api, ADMIN, providerId, 'Rotation Gate');
    for (const t of [old.body.tickets[0]!, fresh.body.tickets[0]!]) {
      const v = await api.post<ScanVerdict>('/api/v1/station/scan', { payload: t.payload, providerId, scanId: t.ticketId }, { token: st });
      expect(v.body).toMatchObject({ result: 'admitted', ticket: { hall: 'Hall 9', title: '星河彼岸 Test Show' } });
    }
  });

  it.runIf(run)('enrollment codes expire after 15 minutes', async () => {
    const created = await api.post<{ enrollment: string }>('/api/v1/admin/stations', { providerId, gate: 'Late Gate' }, { token: ADMIN });
    clock += 15 * 60 + 1;
    expect(await api.post('/api/v1/station/enroll', { enrollment: created.body.enrollment })).toMatchObject({ status: 410, body: { error: 'enrollment_expired' } });
  });

  it.runIf(run)('the rejection limit clears with its window; a slow provider is cut off within 2 s', async () => {
    const st = await enrollStation(api, ADMIN, providerId, 'Window Gate');
    const scan = (payload: string, scanId: string) => api.post<ScanVerdict>('/api/v1/station/scan', { payload, providerId, scanId }, { token: st });
    for (let i = 0; i < 3; i++) expect((await scan('garbage', `g${i}`)).body.reason).toBe('malformed');
    const ticket = (await order()).body.tickets[0]!;
    expect((await scan(ticket.payload, 'blocked')).body.reason).toBe('rate_limited');
    clock += 61;
    bed.fake.mode.verify = 'slow';
    bed.fake.slowMs = 3000;
    const started = Date.now();
    expect((await scan(ticket.payload, 'slow')).body).toEqual({ result: 'rejected', reason: 'provider_unavailable' });
    expect(Date.now() - started).toBeLessThan(2000);
    bed.fake.mode.verify = 'down';
    expect((await scan(ticket.payload, 'down')).body).toEqual({ result: 'rejected', reason: 'provider_unavailable' });
    bed.fake.mode.verify = 'ok';
    expect((await scan(ticket.payload, 'after')).body.result).toBe('admitted');
  });
});
