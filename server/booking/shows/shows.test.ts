// Venue staff manage the programme through the booking server: a show created
// from the API goes on sale; cancelling it takes back every ticket with its
// money, tells each owner, and stops its sales. A real verification server
// process, and a booking server in this process with a payment gateway that
// records every refund, on SQLite and on the local PostgreSQL.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import type { CatalogueShow } from '../../../protocol/catalogue-api.js';
import type { ManagedShow } from '../../../protocol/provider-api.js';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { BACKENDS } from '../../common/testing/storage.js';
import type { BookingClient } from '../testing/http.js';
import { openVenue, registerProvider, staffSignIn } from '../testing/setup.js';
import { bookingTestbed, recordingGateway } from '../testing/testbed.js';

const ADMIN = 'shows-admin-token-0123456789abcdef';
const SECRET = 'shows-provider-secret-0123456789abc';
const POLL = { timeout: 10_000, interval: 50 };
const HOUR = 3600;
/** how long cancelling a show waits for its refunds before answering */
const REPLY_MS = 2000;

describe.each(BACKENDS)('managing shows on $backend', (each) => {
  const { run } = each;
  const gateway = recordingGateway();
  const { refunds } = gateway;
  const bed = bookingTestbed(each, { name: 'shows', adminToken: ADMIN, provider: { secret: SECRET, kind: 'demo' }, booking: { payments: gateway.payments, retryIntervalMs: 50, showCancellationReplyMs: REPLY_MS } });
  let api: BookingClient;
  let providerId: string;
  let alice: string;
  let bob: string;
  let station: string;
  const start = Math.floor(Date.now() / 1000) + 3 * 24 * HOUR;
  const newShow = (showId: string) => ({ showId, title: 'Harbour Lights Gala', hall: 'Hall 2', startsAt: start, endsAt: start + 2 * HOUR, priceCents: 6000, currency: 'CNY', rows: 3, seatsPerRow: 6 });
  const showsPath = () => `/api/v1/admin/providers/${providerId}/shows`;
  const order = (token: string, showId: string, seats: string[]) => api.post<Order & { error?: string }>('/api/v1/orders', { providerId, showId, seats, payment: { method: 'demo' } }, { token });
  const scan = async (payload: string, scanId: string) =>
    (await api.post<ScanVerdict>('/api/v1/station/scan', { payload, providerId, scanId, source: 'test' }, { token: station })).body;
  const messages = async (token: string) => (await api.get<{ messages: { ticketId: string | null; title: string }[] }>('/api/v1/me/messages', { token })).body.messages;
  const catalogue = async () => (await api.get<{ shows: CatalogueShow[] }>('/api/v1/shows')).body.shows;

  beforeAll(async () => {
    if (!run) return;
    api = bed.api;
    const provider = { name: 'Harbour Hall', verifyUrl: bed.provider.url, secret: SECRET };
    ({ providerId, station, customers: [alice, bob] } = await openVenue(api, ADMIN, { provider, gate: 'Main Door', customers: ['alice@example.com', 'bob@example.com'] }));
  });

  it.runIf(run)('a show created from the API sells; cancelling it revokes and refunds every ticket once and tells each owner', async () => {
    const created = await api.post<ManagedShow>(showsPath(), newShow('gala'), { token: ADMIN });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ showId: 'gala', seatsFree: 18, seatsSold: 0, cancelledAt: null });
    // Customers see it at once: the catalogue cache of this provider was dropped.
    expect((await catalogue()).find((s) => s.showId === 'gala')).toMatchObject({ providerId, title: 'Harbour Lights Gala', priceCents: 6000 });

    const a = await order(alice, 'gala', ['A1', 'A2']);
    const b = await order(bob, 'gala', ['B3']);
    expect([a.status, b.status]).toEqual([201, 201]);
    const tickets = [...a.body.tickets, ...b.body.tickets];
    expect((await scan(tickets[0]!.payload, 'before')).result).toBe('rejected'); // not yet valid: the show is in three days
    const listed = await api.get<{ shows: ManagedShow[] }>(showsPath(), { token: ADMIN });
    expect(listed.body.shows.find((s) => s.showId === 'gala')).toMatchObject({ seatsSold: 3, seatsFree: 15 });

    const cancelled = await api.post(`${showsPath()}/gala/cancel`, undefined, { token: ADMIN });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body).toEqual({ showId: 'gala', cancelled: 3, refunded: 3, pending: 0 });

    tickets.forEach((t, i) => expect(refunds.filter((r) => r.refundId === `ticket:${t.ticketId}`), `ticket ${i}`).toEqual([expect.objectContaining({ amountCents: 6000, currency: 'CNY', reason: 'show_cancelled' })]));
    for (const [i, t] of tickets.entries()) expect(await scan(t.payload, `after-${i}`)).toMatchObject({ result: 'rejected', reason: 'revoked' });
    expect((await messages(alice)).filter((m) => m.ticketId !== null).map((m) => m.ticketId).sort()).toEqual(a.body.tickets.map((t) => t.ticketId).sort());
    expect((await messages(bob)).map((m) => m.ticketId)).toEqual([b.body.tickets[0]!.ticketId]);

    // No more sales, and customers no longer see it.
    expect(await order(bob, 'gala', ['C1'])).toMatchObject({ status: 409, body: { error: 'show_cancelled' } });
    expect((await catalogue()).map((s) => s.showId)).not.toContain('gala');
    // Asking again refunds nothing twice.
    const again = await api.post(`${showsPath()}/gala/cancel`, undefined, { token: ADMIN });
    expect(again.body).toEqual({ showId: 'gala', cancelled: 3, refunded: 3, pending: 0 });
    expect(refunds.filter((r) => tickets.some((t) => r.refundId === `ticket:${t.ticketId}`))).toHaveLength(3);

    const audit = await api.get<{ entries: { action: string; target: string | null; details: Record<string, unknown> }[] }>(`/api/v1/admin/audit?providerId=${providerId}`, { token: ADMIN });
    expect(audit.body.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['show.create', 'show.cancel']));
    expect(audit.body.entries.find((e) => e.action === 'show.cancel')).toMatchObject({ target: 'gala', details: { cancelled: 3, refunded: 3 } });
  });

  it.runIf(run)('refunds the gateway could not take at once are finished by the background pass', async () => {
    await api.post(showsPath(), newShow('late'), { token: ADMIN });
    const placed = await order(alice, 'late', ['A1', 'A2']);
    expect(placed.status, placed.text).toBe(201);
    // The gateway is down while the show is cancelled, and back afterwards.
    gateway.unreachableRefunds = Number.MAX_SAFE_INTEGER;
    const cancelled = await api.post(`${showsPath()}/late/cancel`, undefined, { token: ADMIN });
    gateway.unreachableRefunds = 0;
    expect(cancelled.body).toEqual({ showId: 'late', cancelled: 2, refunded: 0, pending: 2 });
    for (const [i, t] of placed.body.tickets.entries()) expect((await scan(t.payload, `late-${i}`)).reason).toBe('revoked');
    for (const t of placed.body.tickets) {
      await expect.poll(() => refunds.filter((r) => r.refundId === `ticket:${t.ticketId}`).length, POLL).toBe(1);
      await expect.poll(async () => (await messages(alice)).some((m) => m.ticketId === t.ticketId), POLL).toBe(true);
    }
  });

  it.runIf(run)('answers staff in time when refunds are slow, and finishes them after', async () => {
    await api.post(showsPath(), newShow('slow'), { token: ADMIN });
    const placed = await order(alice, 'slow', ['A1', 'A2', 'A3', 'B1', 'B2', 'B3']);
    expect(placed.status, placed.text).toBe(201);
    // One refund hangs at the gateway (a stadium's thousands take minutes the same way).
    const held = gateway.holdNextRefund();
    const asked = Date.now();
    const cancelled = await api.post<{ cancelled: number; refunded: number; pending: number }>(`${showsPath()}/slow/cancel`, undefined, { token: ADMIN });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(REPLY_MS);
    expect(cancelled.body.cancelled).toBe(6);
    expect(cancelled.body.pending).toBeGreaterThanOrEqual(1);
    expect(cancelled.body.refunded + cancelled.body.pending).toBe(6);
    // Every ticket is refused at the gate already, and once the gateway answers every one is refunded, once.
    for (const [i, t] of placed.body.tickets.entries()) expect((await scan(t.payload, `slow-${i}`)).reason).toBe('revoked');
    await held.reached;
    held.release();
    for (const t of placed.body.tickets) await expect.poll(() => refunds.filter((r) => r.refundId === `ticket:${t.ticketId}`).length, POLL).toBe(1);
    const again = await api.post(`${showsPath()}/slow/cancel`, undefined, { token: ADMIN });
    expect(again.body).toEqual({ showId: 'slow', cancelled: 6, refunded: 6, pending: 0 });
  });

  it.runIf(run)('changes a show; refuses what the venue refuses with its reason, and other venues’ staff with 403', async () => {
    await api.post(showsPath(), newShow('change'), { token: ADMIN });
    const changed = await api.call<ManagedShow>('PATCH', `${showsPath()}/change`, { token: ADMIN, body: { title: 'Harbour Lights Gala (matinee)', priceCents: 5000 } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ title: 'Harbour Lights Gala (matinee)', priceCents: 5000 });
    expect((await catalogue()).find((s) => s.showId === 'change')).toMatchObject({ priceCents: 5000 });
    expect(await order(alice, 'change', ['A1'])).toMatchObject({ status: 201 });
    expect(await api.call('PATCH', `${showsPath()}/change`, { token: ADMIN, body: { rows: 1 } })).toMatchObject({ status: 409, body: { error: 'seats_sold' } });
    expect(await api.post(showsPath(), { ...newShow('change'), hall: 'Hall 9' }, { token: ADMIN })).toMatchObject({ status: 409, body: { error: 'show_conflict' } });
    expect(await api.post(showsPath(), { ...newShow('x'), endsAt: start - 1 }, { token: ADMIN })).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(await api.post(`${showsPath()}/nope/cancel`, undefined, { token: ADMIN })).toMatchObject({ status: 404, body: { error: 'unknown_show' } });

    const elsewhere = await registerProvider(api, ADMIN, { name: 'Elsewhere', verifyUrl: bed.provider.url, secret: SECRET });
    const otherStaff = await staffSignIn(api, ADMIN, 'other@venue.example', [elsewhere]);
    for (const res of [
      await api.get(showsPath(), { token: otherStaff }),
      await api.post(showsPath(), newShow('sneaky'), { token: otherStaff }),
      await api.post(`${showsPath()}/change/cancel`, undefined, { token: otherStaff }),
      // A body that would not pass the schema learns them nothing of what the route takes either.
      await api.post(showsPath(), { rows: 'many' }, { token: otherStaff }),
      await api.call('PATCH', `${showsPath()}/change`, { token: otherStaff, body: { rows: -1 } }),
    ]) {
      expect(res).toMatchObject({ status: 403, body: { error: 'forbidden_provider' } });
    }
    expect((await api.get(showsPath())).status).toBe(401);
    // /docs lists the programme routes.
    const docs = await api.get<{ paths: Record<string, unknown> }>('/docs/json');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/v1/admin/providers/{providerId}/shows', '/api/v1/admin/providers/{providerId}/shows/{showId}', '/api/v1/admin/providers/{providerId}/shows/{showId}/cancel']));
  });
});
