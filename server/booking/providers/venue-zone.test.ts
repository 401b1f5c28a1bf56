// The venue's time zone, end to end: a real verification server process, the
// booking server in this process with a clock the test moves, e-mail through a
// real SMTP server. A venue in Asia/Shanghai sells a show at 12:00 UTC; the
// customer page's API, the ticket PNG (whatever zone the reader asks for), the
// order e-mail, the reminder and the refund notice all say 20:00 there, with
// the zone named.
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, ProviderDetails } from '../../../protocol/booking-api.js';
import type { CatalogueShow } from '../../../protocol/catalogue-api.js';
import { TestMailbox } from '../reminders/testing/mailbox.js';
import { renderTicketPngSync, ticketText } from '../tickets/image/index.js';
import { signUp, startDemoPair, type DemoPair } from '../testing/setup.js';
import { serverZone } from './venue-zone.js';

const ADMIN = 'venue-zone-admin-token-0123456789';
const SECRET = 'venue-zone-provider-secret-012345';
const ZONE = 'Asia/Shanghai';
const DAY_S = 86_400;
/** 12:00 UTC the day after tomorrow: 20:00 in Shanghai. */
const STARTS_AT = (Math.floor(Date.now() / 1000 / DAY_S) + 2) * DAY_S + 12 * 3600;

describe("the venue's time zone", () => {
  const mailbox = new TestMailbox();
  let clock = Math.floor(Date.now() / 1000);
  let pair: DemoPair;
  /** the customer's session */
  let token: string;
  const details = async () =>
    (await pair.api.get<{ providers: ProviderDetails[] }>('/api/v1/admin/providers', { token: ADMIN })).body.providers.find((p) => p.providerId === pair.providerId)!;

  beforeAll(async () => {
    await mailbox.start();
    // Any case: stored as the canonical name.
    pair = await startDemoPair('venue-zone', { adminToken: ADMIN, secret: SECRET, providerName: 'Shanghai Cinema', timeZone: 'asia/SHANGHAI', booking: { smtpUrl: mailbox.url, now: () => clock } });
    token = await signUp(pair.api, 'zone@example.com');
  }, 180_000);
  afterAll(async () => {
    await pair?.stop();
    await mailbox.stop();
  });

  it('is set at registration and by an edit; an unknown zone is refused with invalid_time_zone', async () => {
    const { api, providerId } = pair;
    expect(await details()).toMatchObject({ timeZone: ZONE, timeZoneInUse: ZONE });
    for (const timeZone of ['Mars/Olympus_Mons', 'GMT+25', '']) {
      const refused = await api.post('/api/v1/admin/providers', { name: 'Nowhere', verifyUrl: pair.provider.url, secret: SECRET, timeZone }, { token: ADMIN });
      expect(refused.status, timeZone).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_time_zone' });
      const edit = await api.call('PATCH', `/api/v1/admin/providers/${providerId}`, { body: { timeZone }, token: ADMIN });
      expect(edit.body).toMatchObject({ error: 'invalid_time_zone' });
    }
    // null: back to the server's zone; and set again.
    const cleared = await api.call<ProviderDetails>('PATCH', `/api/v1/admin/providers/${providerId}`, { body: { timeZone: null }, token: ADMIN });
    expect(cleared.body).toMatchObject({ timeZone: null, timeZoneInUse: serverZone() });
    const set = await api.call<ProviderDetails>('PATCH', `/api/v1/admin/providers/${providerId}`, { body: { timeZone: ZONE }, token: ADMIN });
    expect(set.body).toMatchObject({ timeZone: ZONE, timeZoneInUse: ZONE });
    expect((await api.get<{ providers: { name: string }[] }>('/api/v1/providers')).body.providers.some((p) => p.name === 'Nowhere')).toBe(false);
  });

  it('names it in the customer API, and the PNG, e-mails, reminder and refund notice read 20:00 in it', async () => {
    const { api, providerId, booking } = pair;
    const created = await api.post(
      `/api/v1/admin/providers/${providerId}/shows`,
      { showId: 'noon-utc', title: 'Noon in London', hall: 'Hall 8', startsAt: STARTS_AT, endsAt: STARTS_AT + 7200, priceCents: 4500, currency: 'CNY', rows: 2, seatsPerRow: 4 },
      { token: ADMIN },
    );
    expect(created.status, created.text).toBe(201);
    const catalogue = await api.get<{ shows: CatalogueShow[] }>('/api/v1/shows');
    expect(catalogue.body.shows.find((s) => s.showId === 'noon-utc')).toMatchObject({ startsAt: STARTS_AT, timeZone: ZONE });
    const seats = await api.get<{ seats: { seatId: string }[]; timeZone: string }>(`/api/v1/providers/${providerId}/shows/noon-utc/seats`);
    expect(seats.body.timeZone).toBe(ZONE);
    expect((await api.call('PUT', '/api/v1/me/reminders', { body: { channels: ['inapp', 'email'], leadMinutes: 120, language: 'en' }, token })).status).toBe(200);

    const order = await api.post<Order>('/api/v1/orders', { providerId, showId: 'noon-utc', seats: [seats.body.seats[0]!.seatId], payment: { method: 'demo' } }, { token });
    expect(order.status, order.text).toBe(201);
    const ticket = order.body.tickets[0]!;
    expect(ticket.timeZone).toBe(ZONE);
    expect((await api.get<Order>(`/api/v1/orders/${order.body.orderId}`, { token })).body.tickets[0]!.timeZone).toBe(ZONE);

    // The PNG: the venue's zone even when the reader asks for another; its words say 20:00 GMT+8.
    const { payload, title, venue, hall, seat, startsAt, validFrom, validUntil, ticketId } = ticket;
    const view = { payload, title, venue, hall, seat, startsAt, validFrom, validUntil, ticketId };
    const shanghai = renderTicketPngSync(view, { locale: 'en', timeZone: ZONE });
    expect(ticketText(view, { locale: 'en', timeZone: ZONE })).toMatchObject({ startsTime: '20:00', zone: 'GMT+8' });
    const png = await api.get(`/api/v1/tickets/${ticket.ticketId}/image.png?locale=en&tz=UTC`, { token });
    expect(png.status).toBe(200);
    expect(png.bytes.equals(shanghai), 'the PNG is the one drawn in the venue’s zone').toBe(true);
    expect(png.bytes.equals(renderTicketPngSync(view, { locale: 'en', timeZone: 'UTC' }))).toBe(false);

    // The order e-mail: the start in words, and the same PNG attached.
    await mailbox.waitFor(1);
    const confirmation = await simpleParser(mailbox.mails[0]!.raw);
    expect(confirmation.text).toMatch(/Starts \w+day, \w+ \d+, \d{4}(,| at) 8:00\sPM GMT\+8/);
    expect(confirmation.text).toMatch(/valid from .*GMT\+8 until .*GMT\+8/);
    expect(confirmation.attachments[0]!.content.equals(shanghai)).toBe(true);

    // The reminder, in the inbox and by e-mail, at its lead time.
    clock = ticket.validUntil - 120 * 60;
    expect(await booking.reminders.runDue()).toBe(2);
    const inbox = await api.get<{ messages: { ticketId: string; body: string }[] }>('/api/v1/me/messages', { token });
    const reminder = inbox.body.messages.find((m) => m.ticketId === ticket.ticketId)!;
    expect(reminder.body).toMatch(/Starts \w+ \d+, \d{4}, 8:00\sPM GMT\+8/);
    await mailbox.waitFor(2);
    expect((await simpleParser(mailbox.mails[1]!.raw)).text).toContain(reminder.body.split('\n')[2]);

    // The refund notice, after the customer cancels (back before the venue's cutoff).
    clock = Math.floor(Date.now() / 1000);
    const cancelled = await api.post(`/api/v1/tickets/${ticket.ticketId}/cancel`, undefined, { token });
    expect(cancelled.status, cancelled.text).toBe(200);
    await mailbox.waitFor(3);
    const notice = await simpleParser(mailbox.mails[2]!.raw);
    expect(notice.subject).toBe('Refunded: Noon in London');
    expect(notice.text).toMatch(/Starts \w+ \d+, \d{4}, 8:00\sPM GMT\+8/);
  });

  it("answers the catalogue a day at a time on the venue's calendar: 16:30 UTC is tomorrow in Shanghai", async () => {
    const { api, providerId } = pair;
    // 20:00 and 00:30 in Shanghai: one UTC date, two Shanghai dates.
    const evening = STARTS_AT + 3 * DAY_S;
    const night = evening + 4.5 * 3600;
    for (const [showId, startsAt] of [['zone-evening', evening], ['zone-night', night]] as const) {
      const created = await api.post(
        `/api/v1/admin/providers/${providerId}/shows`,
        { showId, title: showId, hall: 'Hall 3', startsAt, endsAt: startsAt + 7200, priceCents: 4500, currency: 'CNY', rows: 1, seatsPerRow: 4 },
        { token: ADMIN },
      );
      expect(created.status, created.text).toBe(201);
    }
    const utcDay = new Date(evening * 1000).toISOString().slice(0, 10);
    const nextDay = new Date((evening + DAY_S) * 1000).toISOString().slice(0, 10);
    type Answer = { shows: CatalogueShow[]; days: { day: string; shows: number; startsAt: number; timeZone: string }[]; day: string | null; unavailable: string[] };
    const whole = (await api.get<Answer>('/api/v1/shows')).body;
    expect(whole.day).toBeNull();

    const evenings = await api.get<Answer>(`/api/v1/shows?day=${utcDay}`);
    expect(evenings.status, evenings.text).toBe(200);
    expect(evenings.body.day).toBe(utcDay);
    expect(evenings.body.shows.map((s) => s.showId)).toContain('zone-evening');
    expect(evenings.body.shows.map((s) => s.showId)).not.toContain('zone-night');
    const nights = (await api.get<Answer>(`/api/v1/shows?day=${nextDay}`)).body;
    expect(nights.shows.map((s) => s.showId)).toContain('zone-night');
    // Every day's answer is that day's share of the whole list, in its order, and `days` counts them.
    expect(whole.days.map((d) => d.day)).toEqual([...new Set(whole.days.map((d) => d.day))].sort());
    const seen: string[] = [];
    for (const d of whole.days) {
      const one = (await api.get<Answer>(`/api/v1/shows?day=${d.day}`)).body;
      expect(one.shows).toHaveLength(d.shows);
      expect(one.shows[0]).toMatchObject({ startsAt: d.startsAt, timeZone: d.timeZone });
      expect(one.days).toEqual(whole.days);
      seen.push(...one.shows.map((s) => s.showId));
    }
    expect(seen.sort()).toEqual(whole.shows.map((s) => s.showId).sort());
    const first = (await api.get<Answer>('/api/v1/shows?day=first')).body;
    expect(first.day).toBe(whole.days[0]!.day);

    // A day with nothing on sale: no shows, the days still listed. Not a day: 400, and nothing else breaks.
    const empty = (await api.get<Answer>('/api/v1/shows?day=1999-01-01')).body;
    expect(empty).toMatchObject({ shows: [], day: '1999-01-01', days: whole.days });
    for (const day of ['tomorrow', '2026-1-1', '<script>', '2026-12-05T00:00']) {
      const refused = await api.get(`/api/v1/shows?day=${encodeURIComponent(day)}`);
      expect(refused.status, day).toBe(400);
      expect(refused.body).toMatchObject({ error: 'bad_request' });
    }

    // One show, as the catalogue lists it, for a page opened on it.
    const one = await api.get<CatalogueShow>(`/api/v1/providers/${providerId}/shows/zone-night`);
    expect(one.status, one.text).toBe(200);
    expect(one.body).toEqual(nights.shows.find((s) => s.showId === 'zone-night'));
    const unknown = await api.get(`/api/v1/providers/${providerId}/shows/no-such-show`);
    expect([unknown.status, unknown.body]).toMatchObject([404, { error: 'unknown_show' }]);
    const noProvider = await api.get('/api/v1/providers/p_nobody/shows/zone-night');
    expect([noProvider.status, noProvider.body]).toMatchObject([404, { error: 'unknown_provider' }]);
  });
});
