// The programme managed from the console, at the verification server as the
// booking server meets it: a real process, signed requests, SQLite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import type { CodesResponse, ManagedShow, ShowCancelResponse, Show } from '../../protocol/provider-api.js';
import type { Verdict } from '../../protocol/verdict.js';
import { BACKENDS } from '../common/testing/storage.js';
import { providerTestbed } from './testing/testbed.js';

const SECRET = 'programme-test-secret-0123456789ab';
const HOUR = 3600;

describe.each(BACKENDS)('the programme managed from the console on $backend', (each) => {
  const { run } = each;
  const bed = providerTestbed(each, 'provider-programme', SECRET);
  const start = Math.floor(Date.now() / 1000) + 2 * HOUR;
  const show = (over: Record<string, unknown> = {}) => ({
    title: 'Autumn Concert',
    hall: 'Hall 3',
    startsAt: start,
    endsAt: start + 2 * HOUR,
    priceCents: 3000,
    currency: 'CNY',
    rows: 2,
    seatsPerRow: 5,
    ...over,
  });
  const customerShows = async () => (await bed.api.get<{ shows: Show[] }>('/v1/shows')).body.shows;
  const buy = (showId: string, orderRef: string, seats: string[], amountCents = 3000 * seats.length) =>
    bed.api.post<CodesResponse & { error?: string }>('/v1/codes', { orderRef, showId, seats, payment: { reference: `pay-${orderRef}`, amountCents, currency: 'CNY' } });

  it.runIf(run)('creates a show with its seats, at the venue of the programme; a retry answers the same, other details 409', async () => {
    const created = await bed.api.post<ManagedShow>('/v1/shows', show({ showId: 'autumn-1' }));
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ showId: 'autumn-1', venue: 'Demo Cinema', seatsFree: 10, seatsTotal: 10, seatsSold: 0, rows: 2, seatsPerRow: 5, cancelledAt: null });
    const seats = await bed.api.get<{ seats: { seatId: string }[] }>('/v1/shows/autumn-1/seats');
    expect(seats.body.seats.map((s) => s.seatId)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'B1', 'B2', 'B3', 'B4', 'B5']);
    expect((await customerShows()).find((s) => s.showId === 'autumn-1')).toMatchObject({ title: 'Autumn Concert', seatsFree: 10, seatsTotal: 10 });

    expect(await bed.api.post('/v1/shows', show({ showId: 'autumn-1' }))).toMatchObject({ status: 200, body: created.body });
    expect(await bed.api.post('/v1/shows', show({ showId: 'autumn-1', priceCents: 3500 }))).toMatchObject({ status: 409, body: { error: 'show_conflict' } });
    expect(await bed.api.post('/v1/shows', show({ showId: 'autumn-1', rows: 3 }))).toMatchObject({ status: 409, body: { error: 'show_conflict' } });

    // Without an ID the provider makes one.
    const anon = await bed.api.post<ManagedShow>('/v1/shows', show({ title: 'Matinee' }));
    expect(anon.status).toBe(201);
    expect(anon.body.showId).toMatch(/^sh_/);
    // The demo programme loaded at start is there too, next to the new shows.
    const programme = (await bed.api.get<{ shows: ManagedShow[] }>('/v1/programme')).body.shows.map((s) => s.showId);
    expect(programme).toEqual(expect.arrayContaining(['demo-1', 'demo-2', 'demo-3', 'autumn-1', anon.body.showId]));
  });

  it.runIf(run)('changes a show; its seat map only until a seat is sold, and sold tickets follow the new times', async () => {
    await bed.api.post('/v1/shows', show({ showId: 'change-1' }));
    const bigger = await bed.api.call<ManagedShow>('PATCH', '/v1/shows/change-1', { rows: 3, seatsPerRow: 4, title: 'Autumn Concert (extended)' });
    expect(bigger.status, bigger.text).toBe(200);
    expect(bigger.body).toMatchObject({ rows: 3, seatsPerRow: 4, seatsFree: 12, title: 'Autumn Concert (extended)' });

    const sold = await buy('change-1', 'change-order', ['C4']);
    expect(sold.status, sold.text).toBe(201);
    expect(await bed.api.call('PATCH', '/v1/shows/change-1', { rows: 2 })).toMatchObject({ status: 409, body: { error: 'seats_sold' } });

    const later = start + 24 * HOUR;
    const moved = await bed.api.call<ManagedShow>('PATCH', '/v1/shows/change-1', { startsAt: later, endsAt: later + HOUR, hall: 'Hall 4', priceCents: 3200 });
    expect(moved.body).toMatchObject({ startsAt: later, endsAt: later + HOUR, hall: 'Hall 4', priceCents: 3200, seatsSold: 1, rows: 3 });
    // The gate reads the ticket's copy of its show: it now has the new hall and window.
    const verdict = await bed.api.post<Verdict>('/v1/verify', { code: sold.body.tickets[0]!.code, gate: 'G', scanId: 'change-scan' });
    expect(verdict.body).toMatchObject({ result: 'rejected', reason: 'not_yet_valid', ticket: { hall: 'Hall 4', startsAt: later } });
  });

  it.runIf(run)('cancelling lists the sold tickets, stops sales, hides the show from customers; asking again answers the same', async () => {
    await bed.api.post('/v1/shows', show({ showId: 'cancel-1' }));
    const a = await buy('cancel-1', 'cancel-a', ['A1', 'A2']);
    const b = await buy('cancel-1', 'cancel-b', ['B1']);
    const ids = [...a.body.tickets, ...b.body.tickets].map((t) => t.ticketId);

    const cancelled = await bed.api.post<ShowCancelResponse>('/v1/shows/cancel-1/cancel', undefined);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.tickets.map((t) => t.ticketId).sort()).toEqual([...ids].sort());
    expect(await buy('cancel-1', 'cancel-c', ['A3'])).toMatchObject({ status: 409, body: { error: 'show_cancelled' } });
    expect((await customerShows()).map((s) => s.showId)).not.toContain('cancel-1');
    const managed = (await bed.api.get<{ shows: ManagedShow[] }>('/v1/programme')).body.shows.find((s) => s.showId === 'cancel-1');
    expect(managed).toMatchObject({ cancelledAt: cancelled.body.cancelledAt, seatsSold: 3 });

    // After revoking one (as the booking server does), the list is still the whole show's.
    expect((await bed.api.post(`/v1/tickets/${ids[0]}/revoke`, undefined)).status).toBe(200);
    expect(await bed.api.post('/v1/shows/cancel-1/cancel', undefined)).toMatchObject({ status: 200, body: cancelled.body });
    expect(await bed.api.call('PATCH', '/v1/shows/cancel-1', { title: 'Back on' })).toMatchObject({ status: 409, body: { error: 'show_cancelled' } });
  });

  it.runIf(run)('lists the shows ending after a time when asked (what staff see by default), every show otherwise; an ended show is not cancelled', async () => {
    const day = 86_400;
    const now = Math.floor(Date.now() / 1000);
    await bed.api.post('/v1/shows', show({ showId: 'range-old', startsAt: now - 10 * day, endsAt: now - 10 * day + 2 * HOUR }));
    await bed.api.post('/v1/shows', show({ showId: 'range-recent', startsAt: now - 2 * day, endsAt: now - 2 * day + 2 * HOUR }));
    await bed.api.post('/v1/shows', show({ showId: 'range-next', startsAt: now + day, endsAt: now + day + 2 * HOUR }));
    const ids = async (path: string) => (await bed.api.get<{ shows: ManagedShow[] }>(path)).body.shows.map((s) => s.showId).filter((id) => id.startsWith('range-'));
    expect(await ids(`/v1/programme?endsAfter=${now - 7 * day}`)).toEqual(['range-recent', 'range-next']);
    expect(await ids(`/v1/programme?endsAfter=${now}`)).toEqual(['range-next']);
    expect(await ids('/v1/programme')).toEqual(['range-old', 'range-recent', 'range-next']);
    // A show that took place is not cancelled (it would refund every ticket, used ones too).
    expect(await bed.api.post('/v1/shows/range-recent/cancel', undefined)).toMatchObject({ status: 409, body: { error: 'show_ended' } });
    expect((await bed.api.get<{ shows: ManagedShow[] }>('/v1/programme')).body.shows.find((s) => s.showId === 'range-recent')).toMatchObject({ cancelledAt: null });
    for (const bad of ['-1', 'soon', '1e300', `${now}&endsAfter=${now}`]) {
      expect(await bed.api.get(`/v1/programme?endsAfter=${bad}`), bad).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    }
  });

  it.runIf(run)('answers bad input with 400 and a reason, unknown shows with 404, unsigned requests with 401', async () => {
    for (const body of [{}, show({ endsAt: start - 1 }), show({ currency: 'yuan' }), show({ rows: 27 }), show({ title: ' ' }), show({ showId: 'a b' })]) {
      const res = await bed.api.post('/v1/shows', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: 'bad_request', message: expect.any(String) });
    }
    await bed.api.post('/v1/shows', show({ showId: 'bad-1' }));
    expect((await bed.api.call('PATCH', '/v1/shows/bad-1', {})).status).toBe(400);
    expect(await bed.api.call('PATCH', '/v1/shows/bad-1', { endsAt: start - HOUR })).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(await bed.api.call('PATCH', '/v1/shows/nope', { title: 'x' })).toMatchObject({ status: 404, body: { error: 'unknown_show' } });
    expect(await bed.api.post('/v1/shows/nope/cancel', undefined)).toMatchObject({ status: 404, body: { error: 'unknown_show' } });
    expect((await bed.api.post('/v1/shows', show(), { signature: null })).status).toBe(401);
    expect((await bed.api.post('/v1/shows/bad-1/cancel', undefined, { signature: null })).status).toBe(401);
  });
});
