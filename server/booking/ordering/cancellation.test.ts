// A customer cancels a ticket before the venue's cutoff and gets its share of
// the order back; the operator revokes with a refund. A real verification
// server process (its demo programme: demo-1 starts in 30 minutes, demo-2
// tomorrow) and a booking server in this process with a payment gateway that
// records every refund, on SQLite and on the local PostgreSQL.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { BACKENDS } from '../../common/testing/storage.js';
import type { BookingClient } from '../testing/http.js';
import { openVenue } from '../testing/setup.js';
import { bookingTestbed, recordingGateway } from '../testing/testbed.js';

const ADMIN = 'cancellation-admin-token-0123456789';
const SECRET = 'cancellation-provider-secret-0123456789';
const POLL = { timeout: 10_000, interval: 50 };
/** how long the booking server waits for the payment gateway before it counts as not reached */
const GATEWAY_DEADLINE_MS = 3000;

type Ticket = Order['tickets'][number];
interface Cancelled {
  ticketId: string;
  revokedAt: number | null;
  refund: { amountCents: number; currency: string; state: string };
  error?: string;
}

describe.each(BACKENDS)('cancelling tickets on $backend', (each) => {
  const { run } = each;
  const gateway = recordingGateway();
  const { refunds } = gateway;
  // The booking server's log, read for the one line that says a request joined an attempt under way.
  const logWaiters: { msg: string; seen: () => void }[] = [];
  const logger = {
    level: 'info',
    stream: {
      write(line: string) {
        const { msg } = JSON.parse(line) as { msg: string };
        for (const w of logWaiters.filter((x) => x.msg === msg)) w.seen();
      },
    },
  };
  const logged = (msg: string) => new Promise<void>((seen) => logWaiters.push({ msg, seen }));
  const bed = bookingTestbed(each, {
    name: 'cancellation',
    adminToken: ADMIN,
    provider: { secret: SECRET, kind: 'demo' },
    booking: { payments: gateway.payments, retryIntervalMs: 50, logger, paymentDeadlineMs: GATEWAY_DEADLINE_MS },
  });
  let api: BookingClient;
  let providerId: string;
  let alice: string;
  let bob: string;
  let station: string;
  const refundsOf = (ticketId: string) => refunds.filter((r) => r.refundId === `ticket:${ticketId}`);

  const order = async (token: string, showId: string, seats: string[]) => {
    const res = await api.post<Order>('/api/v1/orders', { providerId, showId, seats, payment: { method: 'demo' } }, { token });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const cancel = (ticket: Ticket, token = alice) => api.post<Cancelled>(`/api/v1/tickets/${ticket.ticketId}/cancel`, undefined, { token });
  const ticketView = async (ticket: Ticket, token = alice) => {
    const orders = (await api.get<{ orders: Order[] }>('/api/v1/orders', { token })).body.orders;
    return orders.flatMap((o) => o.tickets).find((t) => t.ticketId === ticket.ticketId)!;
  };
  const seatStatus = async (showId: string, seatId: string) => {
    const res = await api.get<{ seats: { seatId: string; status: string }[] }>(`/api/v1/providers/${providerId}/shows/${showId}/seats`);
    return res.body.seats.find((s) => s.seatId === seatId)?.status;
  };
  const scan = async (ticket: Ticket, scanId: string) =>
    (await api.post<ScanVerdict>('/api/v1/station/scan', { payload: ticket.payload, providerId, scanId, source: 'test' }, { token: station })).body;

  beforeAll(async () => {
    if (!run) return;
    api = bed.api;
    const provider = { name: 'Riverside Cinema', verifyUrl: bed.provider.url, secret: SECRET };
    ({ providerId, station, customers: [alice, bob] } = await openVenue(api, ADMIN, { provider, gate: 'Main Door', customers: ['alice@example.com', 'bob@example.com'] }));
  });

  it.runIf(run)('frees the seat, revokes the code at the gate and refunds the ticket’s share, once', async () => {
    const placed = await order(alice, 'demo-2', ['A1', 'A2']);
    const [first, second] = placed.tickets as [Ticket, Ticket];
    expect(first.cancellableUntil).toBe(first.startsAt - 2 * 3600);
    expect(await seatStatus('demo-2', 'A1')).toBe('sold');

    const res = await cancel(first);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ ticketId: first.ticketId, refund: { amountCents: 4500, currency: 'CNY', state: 'refunded' } });
    expect(res.body.revokedAt).toEqual(expect.any(Number));
    expect(refundsOf(first.ticketId)).toEqual([expect.objectContaining({ orderId: placed.orderId, amountCents: 4500, currency: 'CNY', reference: `charge_${placed.orderId}` })]);

    // The order shows it; the other ticket is untouched.
    expect(await ticketView(first)).toMatchObject({ revokedAt: res.body.revokedAt, cancellableUntil: null, refund: { amountCents: 4500, state: 'refunded' }, shareUrl: null });
    expect(await ticketView(second)).toMatchObject({ revokedAt: null, refund: null, cancellableUntil: second.startsAt - 2 * 3600 });
    // The seat is on sale again, and someone else buys it.
    expect(await seatStatus('demo-2', 'A1')).toBe('free');
    await order(bob, 'demo-2', ['A1']);
    // At the gate the cancelled ticket is turned away, online and in the offline bundle.
    expect(await scan(first, 'cancel-scan-1')).toMatchObject({ result: 'rejected', reason: 'revoked' });
    const bundle = await api.get<{ revoked: string[] }>('/api/v1/station/offline-bundle', { token: station });
    expect(bundle.body.revoked.length).toBeGreaterThan(0);
    // The owner is told in the app.
    const inbox = await api.get<{ messages: { ticketId: string; title: string; body: string }[] }>('/api/v1/me/messages', { token: alice });
    expect(inbox.body.messages.find((m) => m.ticketId === first.ticketId)?.body).toMatch(/refunded/);

    // Asking again answers the same, and refunds nothing more.
    const again = await cancel(first);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    expect(refundsOf(first.ticketId)).toHaveLength(1);
  });

  it.runIf(run)('refuses after the venue’s cutoff, for a used ticket and for someone else’s ticket', async () => {
    const soon = (await order(alice, 'demo-1', ['B1'])).tickets[0]!;
    expect(soon.cancellableUntil).toBeNull();
    const late = await cancel(soon);
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('cancel_cutoff_passed');
    expect(await seatStatus('demo-1', 'B1')).toBe('sold');

    // The venue lets customers cancel until the show starts: now it can be.
    const patched = await api.call('PATCH', `/api/v1/admin/providers/${providerId}`, { body: { cancelCutoffMinutes: 0 }, token: ADMIN });
    expect(patched.status, patched.text).toBe(200);
    expect((await ticketView(soon)).cancellableUntil).toBe(soon.startsAt);

    const used = (await order(alice, 'demo-1', ['B2'])).tickets[0]!;
    expect(await scan(used, 'cancel-scan-2')).toMatchObject({ result: 'admitted' });
    const refused = await cancel(used);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('ticket_used');

    const notHers = await cancel(soon, bob);
    expect(notHers.status).toBe(404);
    expect(notHers.body.error).toBe('unknown_ticket');
    expect((await cancel(soon)).status).toBe(200);
    expect(refunds.filter((r) => r.refundId === `ticket:${used.ticketId}`)).toEqual([]);
  });

  it.runIf(run)('finishes a cancellation the venue or the gateway could not take at once', async () => {
    const [a, b] = (await order(alice, 'demo-3', ['C1', 'C2'])).tickets as [Ticket, Ticket];

    // The gateway is down: the ticket is taken back at once, the money follows.
    gateway.unreachableRefunds = 1;
    const pending = await cancel(a);
    expect(pending.status, pending.text).toBe(202);
    expect(pending.body.refund.state).toBe('pending');
    expect(await scan(a, 'cancel-scan-3')).toMatchObject({ result: 'rejected', reason: 'revoked' });
    await expect.poll(async () => (await ticketView(a)).refund?.state, POLL).toBe('refunded');
    expect(refundsOf(a.ticketId)).toHaveLength(1);

    // The venue is unreachable: nothing is taken back or refunded yet, and the customer is told.
    const down = await api.call('PATCH', `/api/v1/admin/providers/${providerId}`, { body: { verifyUrl: 'http://127.0.0.1:9' }, token: ADMIN });
    expect(down.status, down.text).toBe(200);
    const unreachable = await cancel(b);
    expect(unreachable.status).toBe(503);
    expect(unreachable.body.error).toBe('provider_unavailable');
    expect(refundsOf(b.ticketId)).toEqual([]);
    // Once it answers again, the background pass completes what was asked.
    await api.call('PATCH', `/api/v1/admin/providers/${providerId}`, { body: { verifyUrl: bed.provider.url }, token: ADMIN });
    await expect.poll(async () => (await ticketView(b)).refund?.state, POLL).toBe('refunded');
    expect((await ticketView(b)).revokedAt).toEqual(expect.any(Number));
    expect(await seatStatus('demo-3', 'C2')).toBe('free');
    expect(refundsOf(b.ticketId)).toHaveLength(1);
  });

  it.runIf(run)('tells the owner who asks while the background pass refunds that it is refunded, and refunds once', async () => {
    const t = (await order(alice, 'demo-3', ['E1'])).tickets[0]!;
    gateway.unreachableRefunds = 1;
    const held = gateway.holdNextRefund();
    expect((await cancel(t)).status).toBe(202);
    // The background pass has taken the refund to the gateway, which has not answered yet.
    await held.reached;
    const joined = logged('ticket cancellation already under way here; waiting for it');
    const asked = cancel(t);
    // Released once the owner's request waits for it; a request that answered at once is already wrong.
    await Promise.race([joined, asked]);
    held.release();
    const res = await asked;
    expect(res.status, res.text).toBe(200);
    expect(res.body.refund.state).toBe('refunded');
    expect(refundsOf(t.ticketId)).toHaveLength(1);
  });

  it.runIf(run)('refunds others while a whole show’s refunds are refused, more than the background pass reads at once', async () => {
    const start = Math.floor(Date.now() / 1000) + 3 * 24 * 3600;
    const show = { showId: 'refused', title: 'Closed Cards Night', hall: 'Hall 3', startsAt: start, endsAt: start + 7200, priceCents: 3000, currency: 'CNY', rows: 6, seatsPerRow: 17 };
    expect((await api.post(`/api/v1/admin/providers/${providerId}/shows`, show, { token: ADMIN })).status).toBe(201);
    for (const row of 'ABCDEF') {
      const seats = Array.from({ length: 17 }, (_, i) => `${row}${i + 1}`);
      const placed = await api.post<Order>('/api/v1/orders', { providerId, showId: 'refused', seats, payment: { method: 'closed-card' } }, { token: bob });
      expect(placed.status, placed.text).toBe(201);
    }
    const cancelled = await api.post(`/api/v1/admin/providers/${providerId}/shows/refused/cancel`, undefined, { token: ADMIN });
    expect(cancelled.body).toEqual({ showId: 'refused', cancelled: 102, refunded: 0, pending: 102 });

    // Asked for later, a refund the gateway takes on the second try still goes through.
    const t = (await order(alice, 'demo-3', ['F1'])).tickets[0]!;
    gateway.unreachableRefunds = 1;
    expect((await cancel(t)).status).toBe(202);
    await expect.poll(async () => (await ticketView(t)).refund?.state, POLL).toBe('refunded');
    expect(refundsOf(t.ticketId)).toHaveLength(1);
  });

  it.runIf(run)('answers and retries when the gateway never answers a refund', async () => {
    const t = (await order(alice, 'demo-3', ['G1'])).tickets[0]!;
    // This refund call never returns; the next one is taken.
    gateway.holdNextRefund();
    const res = await cancel(t);
    expect(res.status, res.text).toBe(202);
    expect(res.body.refund.state).toBe('pending');
    await expect.poll(async () => (await ticketView(t)).refund?.state, POLL).toBe('refunded');
    expect(refundsOf(t.ticketId)).toHaveLength(1);
  });

  it.runIf(run)('lets the operator revoke with a refund, whatever the cutoff', async () => {
    const t = (await order(bob, 'demo-1', ['D1'])).tickets[0]!;
    expect((await api.post(`/api/v1/admin/tickets/${t.ticketId}/revoke`, { refund: true })).status).toBe(401);
    const res = await api.post<Cancelled>(`/api/v1/admin/tickets/${t.ticketId}/revoke`, { refund: true }, { token: ADMIN });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ ticketId: t.ticketId, refund: { amountCents: 4500, state: 'refunded' } });
    expect(refundsOf(t.ticketId)).toEqual([expect.objectContaining({ reason: 'operator_revoked' })]);
    expect(await ticketView(t, bob)).toMatchObject({ refund: { state: 'refunded' }, cancellableUntil: null });
    const bad = await api.post<Cancelled>(`/api/v1/admin/tickets/${t.ticketId}/revoke`, { refund: 'yes' }, { token: ADMIN });
    expect(bad.status).toBe(400);
  });
});
