// The console's ticket search and a ticket's story, against a real
// verification server process: each search key finds the ticket, venue staff
// of another provider never see it, and the story tells what happened to it
// at the gates and at the desk, in order.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { BACKENDS } from '../../common/testing/storage.js';
import type { BookingClient } from '../testing/http.js';
import { enrolledStation, registerProvider, signUp, staffSignIn } from '../testing/setup.js';
import { bookingTestbed } from '../testing/testbed.js';
import type { TicketHit, TicketStory } from './search.js';

const ADMIN = 'admin-token-for-ticket-search-01';
const SECRET = 'search-provider-secret-012345678';
const STAFF_PASSWORD = 'staff-password-0123';

describe.each(BACKENDS)('ticket search and story on $backend', (each) => {
  const { run } = each;
  const bed = bookingTestbed(each, { name: 'ticketsearch', adminToken: ADMIN, provider: { secret: SECRET, kind: 'demo' }, booking: { demo: true } });
  let api: BookingClient;
  let providerA: string;
  let providerB: string;
  let userToken: string;
  let station: { token: string; stationId: string };
  const staff: Record<'venueA' | 'venueB', string> = {} as never;

  const search = (token: string, query: Record<string, string>) =>
    api.get<{ tickets: TicketHit[]; error?: string }>(`/api/v1/admin/tickets?${new URLSearchParams(query).toString()}`, { token });
  const story = (token: string, ticketId: string) => api.get<TicketStory & { error?: string }>(`/api/v1/admin/tickets/${encodeURIComponent(ticketId)}/story`, { token });
  const scan = (payload: string, scanId: string) => api.post<ScanVerdict>('/api/v1/station/scan', { payload, providerId: providerA, scanId }, { token: station.token });

  beforeAll(async () => {
    if (!run) return;
    api = bed.api;
    userToken = await signUp(api, 'Holder.Search@example.com');
    providerA = await registerProvider(api, ADMIN, { verifyUrl: bed.provider.url, secret: SECRET, name: 'Venue A' });
    providerB = await registerProvider(api, ADMIN, { verifyUrl: bed.provider.url, secret: SECRET, name: 'Venue B' });
    staff.venueA = await staffSignIn(api, ADMIN, 'a@venue.example', [providerA], STAFF_PASSWORD);
    staff.venueB = await staffSignIn(api, ADMIN, 'b@venue.example', [providerB], STAFF_PASSWORD);
    station = await enrolledStation(api, ADMIN, providerA, 'Gate X');
  });

  it.runIf(run)('finds a ticket by its ID, its order, its seat in a show and its holder’s e-mail; other venues’ staff never see it', async () => {
    const order = await api.post<Order>('/api/v1/orders', { providerId: providerA, showId: 'demo-1', seats: ['E6', 'E7'], payment: { method: 'demo' } }, { token: userToken });
    expect(order.status, order.text).toBe(201);
    const ticket = order.body.tickets[0]!;
    const expected = { ticketId: ticket.ticketId, orderId: order.body.orderId, providerId: providerA, showId: 'demo-1', seat: ticket.seat, email: 'holder.search@example.com', state: 'valid' };

    const byId = await search(ADMIN, { q: ticket.ticketId });
    expect(byId.status, byId.text).toBe(200);
    expect(byId.body.tickets).toEqual([expect.objectContaining(expected)]);
    expect(byId.body.tickets[0]!.title).toEqual(expect.any(String));
    // Both tickets of the order; the seat (lower case too) only within its show.
    expect((await search(ADMIN, { q: order.body.orderId })).body.tickets.map((t) => t.ticketId).sort()).toEqual(order.body.tickets.map((t) => t.ticketId).sort());
    const seatHits = (await search(staff.venueA, { q: ticket.seat.toLowerCase(), showId: 'demo-1' })).body.tickets;
    expect(seatHits).toEqual([expect.objectContaining(expected)]);
    expect((await search(ADMIN, { q: ticket.seat, showId: 'demo-2' })).body.tickets).toEqual([]);
    // The e-mail matches exactly, whatever its case; a part of it does not.
    expect((await search(staff.venueA, { q: 'HOLDER.search@Example.com' })).body.tickets).toHaveLength(2);
    expect((await search(ADMIN, { q: 'search@example.com' })).body.tickets).toEqual([]);
    expect((await search(staff.venueA, { q: ticket.ticketId, providerId: providerA })).body.tickets).toHaveLength(1);

    // Provider B's staff: nothing by any key, 403 when asking for provider A or its ticket's story.
    for (const q of [{ q: ticket.ticketId }, { q: order.body.orderId }, { q: ticket.seat, showId: 'demo-1' }, { q: 'holder.search@example.com' }] as Record<string, string>[]) {
      const res = await search(staff.venueB, q);
      expect(res.status, res.text).toBe(200);
      expect(res.body.tickets, JSON.stringify(q)).toEqual([]);
    }
    expect(await search(staff.venueB, { q: ticket.ticketId, providerId: providerA })).toMatchObject({ status: 403, body: { error: 'forbidden_provider' } });
    expect(await story(staff.venueB, ticket.ticketId)).toMatchObject({ status: 403, body: { error: 'forbidden_provider', message: expect.any(String) } });
    expect(await story(staff.venueA, 'no-such-ticket')).toMatchObject({ status: 404, body: { error: 'unknown_ticket' } });
    // Bad input and no credentials.
    expect(await search(ADMIN, { q: '' })).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(await search(ADMIN, { q: 'x'.repeat(201) })).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect((await api.get(`/api/v1/admin/tickets?q=${ticket.ticketId}`)).status).toBe(401);
    expect((await api.get(`/api/v1/admin/tickets/${ticket.ticketId}/story`)).status).toBe(401);
  });

  it.runIf(run)('tells the story: issued, admitted at Gate X, annulled, admitted again, revoked and refunded', async () => {
    const order = await api.post<Order>('/api/v1/orders', { providerId: providerA, showId: 'demo-1', seats: ['F3'], payment: { method: 'demo' } }, { token: userToken });
    expect(order.status, order.text).toBe(201);
    const ticket = order.body.tickets[0]!;
    const shared = await api.post(`/api/v1/tickets/${ticket.ticketId}/share`, undefined, { token: userToken });
    expect(shared.status, shared.text).toBe(200);

    expect((await scan(ticket.payload, 'x-1')).body.result).toBe('admitted');
    const undone = await api.post<{ annulledAt: number }>('/api/v1/station/annul', { scanId: 'x-1' }, { token: station.token });
    expect(undone.status, undone.text).toBe(200);
    expect((await scan(ticket.payload, 'x-2')).body.result).toBe('admitted');
    const used = (await search(staff.venueA, { q: ticket.ticketId })).body.tickets[0];
    expect(used?.state).toBe('used');

    const mid = await story(staff.venueA, ticket.ticketId);
    expect(mid.status, mid.text).toBe(200);
    expect(mid.body.share).toEqual({ active: true, linksTakenBack: 0 });
    expect(mid.body.events).toEqual([
      { kind: 'issued', at: expect.any(Number), orderId: order.body.orderId },
      { kind: 'admitted', at: expect.any(Number), gate: 'Gate X', stationId: station.stationId, scanId: 'x-1', annulled: true },
      { kind: 'annulled', at: undone.body.annulledAt, gate: 'Gate X', by: `station ${station.stationId}` },
      { kind: 'admitted', at: expect.any(Number), gate: 'Gate X', stationId: station.stationId, scanId: 'x-2', annulled: false },
    ]);

    const revoked = await api.post<{ refund: { state: string } }>(`/api/v1/admin/tickets/${ticket.ticketId}/revoke`, { refund: true }, { token: staff.venueA });
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body.refund.state).toBe('refunded');

    const after = await story(staff.venueA, ticket.ticketId);
    expect(after.body.ticket).toMatchObject({ ticketId: ticket.ticketId, state: 'refunded', seat: 'F3', email: 'holder.search@example.com' });
    // Revoking takes the share link back.
    expect(after.body.share.active).toBe(false);
    expect(after.body.events.map((e) => e.kind)).toEqual(['issued', 'admitted', 'annulled', 'admitted', 'revoked', 'refund']);
    expect(after.body.events.at(-1)).toMatchObject({ kind: 'refund', state: 'refunded', amountCents: expect.any(Number), currency: expect.any(String), reference: expect.any(String) });
    const times = after.body.events.map((e) => e.at!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect((await search(ADMIN, { q: 'holder.search@example.com' })).body.tickets.find((t) => t.ticketId === ticket.ticketId)?.state).toBe('refunded');
  });
});
