// A regular with years of orders: every ticket and every order reachable a
// page at a time, in the order the page shows them, none twice and none lost.
// A real verification server process (its demo programme: demo-1 starts in 30
// minutes, demo-2 tomorrow, demo-3 the day after, 120 seats each) and a
// booking server in this process, on SQLite and on the local PostgreSQL.
import { beforeAll, describe, expect, it } from 'vitest';
import type { MyTicket, Order } from '../../../protocol/booking-api.js';
import { BACKENDS } from '../../common/testing/storage.js';
import type { BookingClient } from '../testing/http.js';
import { openVenue } from '../testing/setup.js';
import { bookingTestbed } from '../testing/testbed.js';

const ADMIN = 'owner-views-admin-token-0123456789';
const SECRET = 'owner-views-provider-secret-0123456789';
/** More orders than one page of the order list ever held (it stopped at 200, and My tickets was built from it). */
const ORDERS = 230;
const SEATS = Array.from({ length: 120 }, (_, i) => `${String.fromCharCode(65 + Math.floor(i / 12))}${(i % 12) + 1}`);

type Page<K extends string, T> = { [key in K]: T[] } & { next: string | null };

describe.each(BACKENDS)(`a customer with ${ORDERS} orders, on $backend`, (each) => {
  const bed = bookingTestbed(each, { name: 'owner-views', adminToken: ADMIN, provider: { secret: SECRET, kind: 'demo' }, booking: { demo: true } });
  let api: BookingClient;
  let providerId: string;
  let alice: string;
  let bob: string;
  /** alice's orders, the first placed first */
  const placed: Order[] = [];
  let bobsTicket: string;
  const cancelled: string[] = [];

  const order = async (token: string, showId: string, seat: string) => {
    const res = await api.post<Order>('/api/v1/orders', { providerId, showId, seats: [seat], payment: { method: 'demo' } }, { token });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  /** Every page of a list, following `next`; each page's size checked against the limit asked for. */
  async function walk<K extends string, T>(path: string, key: K, token: string, limit?: number): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
      if (cursor) query.set('cursor', cursor);
      if (limit) query.set('limit', String(limit));
      const res = await api.get<Page<K, T>>(`${path.split('?')[0]}?${query}`, { token });
      expect(res.status, res.text).toBe(200);
      expect(res.body[key].length).toBeLessThanOrEqual(limit ?? 50);
      // A page is full unless it is the last.
      if (res.body.next !== null) expect(res.body[key].length).toBe(limit ?? 50);
      items.push(...res.body[key]);
      cursor = res.body.next;
      pages++;
    } while (cursor !== null && pages < 100);
    return { items, pages };
  }

  beforeAll(async () => {
    if (!each.run) return;
    api = bed.api;
    const provider = { name: 'Riverside Cinema', verifyUrl: bed.provider.url, secret: SECRET };
    ({ providerId, customers: [alice, bob] } = await openVenue(api, ADMIN, { provider, gate: 'Main Door', customers: ['alice@example.com', 'bob@example.com'] }));
    // Her first order is for tonight's show; all the later ones for the next two days.
    placed.push(await order(alice, 'demo-1', 'A1'));
    const later = Array.from({ length: ORDERS - 1 }, (_, i) => ({ showId: i < SEATS.length ? 'demo-3' : 'demo-2', seat: SEATS[i % SEATS.length]! }));
    for (let i = 0; i < later.length; i += 8) placed.push(...(await Promise.all(later.slice(i, i + 8).map((o) => order(alice, o.showId, o.seat)))));
    bobsTicket = (await order(bob, 'demo-1', 'A2')).tickets[0]!.ticketId;
    // Two she cancelled: they are past, not upcoming.
    for (const o of [placed[5]!, placed[ORDERS - 1]!]) {
      const res = await api.post(`/api/v1/tickets/${o.tickets[0]!.ticketId}/cancel`, undefined, { token: alice });
      expect(res.status, res.text).toBe(200);
      cancelled.push(o.tickets[0]!.ticketId);
    }
  }, 240_000);

  it.runIf(each.run)('lists every upcoming ticket once, soonest show first, tonight\'s from her first order at the top', async () => {
    const { items, pages } = await walk<'tickets', MyTicket>('/api/v1/me/tickets?when=upcoming', 'tickets', alice);
    expect(pages).toBe(Math.ceil((ORDERS - 2) / 50));
    expect(items).toHaveLength(ORDERS - 2);
    expect(new Set(items.map((t) => t.ticketId)).size).toBe(items.length);
    expect(items[0]).toMatchObject({ ticketId: placed[0]!.tickets[0]!.ticketId, orderId: placed[0]!.orderId, showId: 'demo-1', seat: 'A1', revokedAt: null });
    const order = items.map((t) => [t.startsAt, t.ticketId] as const);
    expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1)));
    // Every one is hers, with the order that holds it, and none she cancelled.
    const orderOf = new Map(placed.flatMap((o) => o.tickets.map((t) => [t.ticketId, o.orderId])));
    for (const t of items) expect(t.orderId).toBe(orderOf.get(t.ticketId));
    expect(items.map((t) => t.ticketId)).not.toContain(bobsTicket);
    for (const id of cancelled) expect(items.map((t) => t.ticketId)).not.toContain(id);
  });

  it.runIf(each.run)('lists the cancelled ones as past, latest show first', async () => {
    const { items } = await walk<'tickets', MyTicket>('/api/v1/me/tickets?when=past', 'tickets', alice, 1);
    // The day-after show's ticket, then tomorrow's.
    expect(items.map((t) => t.ticketId)).toEqual(cancelled);
    expect(items.every((t) => t.revokedAt !== null && t.refund?.state === 'refunded')).toBe(true);
    expect(items[0]!.startsAt).toBeGreaterThan(items[1]!.startsAt);
  });

  it.runIf(each.run)('pages through every order, newest first, none twice', async () => {
    const { items, pages } = await walk<'orders', Order>('/api/v1/orders', 'orders', alice, 64);
    expect(pages).toBe(Math.ceil(ORDERS / 64));
    expect(new Set(items.map((o) => o.orderId))).toEqual(new Set(placed.map((o) => o.orderId)));
    expect(items).toHaveLength(ORDERS);
    const times = items.map((o) => o.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // The first page without a limit: 50, and a cursor to the rest.
    const first = await api.get<Page<'orders', Order>>('/api/v1/orders', { token: alice });
    expect(first.body.orders).toHaveLength(50);
    expect(first.body.next).toEqual(expect.any(String));
    expect((await api.get<Page<'orders', Order>>('/api/v1/orders', { token: bob })).body).toMatchObject({ orders: [{ tickets: [{ ticketId: bobsTicket }] }], next: null });
  });

  it.runIf(each.run)('refuses a cursor it did not give and a page size out of range, with a reason; another customer\'s cursor shows only your own', async () => {
    const refused = [
      '/api/v1/me/tickets?cursor=abc',
      `/api/v1/me/tickets?cursor=${encodeURIComponent("1~x' or 1=1 --")}`,
      `/api/v1/me/tickets?cursor=${'9'.repeat(17)}~t_x`,
      '/api/v1/me/tickets?cursor=1~a&cursor=2~b',
      '/api/v1/me/tickets?when=someday',
      '/api/v1/me/tickets?limit=0',
      '/api/v1/me/tickets?limit=201',
      '/api/v1/me/tickets?limit=1e300',
      '/api/v1/orders?limit=-1',
      '/api/v1/orders?cursor=%00',
    ];
    for (const path of refused) {
      const res = await api.get(path, { token: alice });
      expect([path, res.status, res.body]).toEqual([path, 400, expect.objectContaining({ error: 'bad_request' })]);
    }
    expect((await api.get('/api/v1/me/tickets')).status).toBe(401);
    // The largest cursor: past everything, an empty last page, not an error.
    const end = await api.get<Page<'tickets', MyTicket>>(`/api/v1/me/tickets?cursor=${'9'.repeat(16)}~zz`, { token: alice });
    expect(end.body).toEqual({ tickets: [], next: null });
    // Bob holding a cursor from Alice's list still sees his own tickets only.
    const aliceCursor = (await api.get<Page<'tickets', MyTicket>>('/api/v1/me/tickets?limit=1', { token: alice })).body.next!;
    expect((await api.get<Page<'tickets', MyTicket>>(`/api/v1/me/tickets?cursor=${encodeURIComponent(aliceCursor)}`, { token: bob })).body.tickets.map((t) => t.ticketId)).not.toContain(
      placed[1]!.tickets[0]!.ticketId,
    );
  });

  it.runIf(each.run)('pages through every reminder in her inbox, newest first, none twice, with every unread one counted', async () => {
    type Message = { messageId: string; ticketId: string; orderId: string | null; createdAt: number; readAt: number | null };
    // A week's lead: every ticket she still holds is due now, and the reminders go out in one pass,
    // most of them in the same second (the cursor's tie-break is what keeps them apart).
    const prefs = await api.call('PUT', '/api/v1/me/reminders', { body: { channels: ['inapp'], leadMinutes: 7 * 24 * 60, language: 'en' }, token: alice });
    expect(prefs.status, prefs.text).toBe(200);
    let sent = 0;
    for (let n = await bed.booking.reminders.runDue(); n > 0; n = await bed.booking.reminders.runDue()) sent += n;
    expect(sent).toBeGreaterThanOrEqual(ORDERS - 2);

    // Her inbox: a reminder for each ticket she holds, and the refund notice of each she cancelled.
    const all = placed.flatMap((o) => o.tickets.map((t) => t.ticketId));
    const first = await api.get<Page<'messages', Message> & { unread: number }>('/api/v1/me/messages', { token: alice });
    expect(first.body.messages).toHaveLength(100);
    expect(first.body.unread).toBe(ORDERS);
    const { items } = await walk<'messages', Message>('/api/v1/me/messages', 'messages', alice, 64);
    expect(items).toHaveLength(ORDERS);
    expect(new Set(items.map((m) => m.messageId)).size).toBe(items.length);
    expect(new Set(items.map((m) => m.ticketId))).toEqual(new Set(all));
    const times = items.map((m) => m.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // The badge's question: one message and the count of them all.
    const badge = await api.get<Page<'messages', Message> & { unread: number }>('/api/v1/me/messages?limit=1', { token: alice });
    expect([badge.body.messages.length, badge.body.unread, typeof badge.body.next]).toEqual([1, ORDERS, 'string']);
    expect((await api.get<Page<'messages', Message>>('/api/v1/me/messages', { token: bob })).body.messages.map((m) => m.ticketId)).not.toContain(all[0]);
    // A page shown is marked read in one request; someone else's messages are left as they are.
    const bobs = (await api.get<Page<'messages', Message> & { unread: number }>('/api/v1/me/messages', { token: bob })).body;
    const page = first.body.messages.map((m) => m.messageId);
    const mark = (messageIds: unknown, token = alice) => api.post<{ marked: number }>('/api/v1/me/messages/read', { messageIds }, { token });
    expect((await mark([...page, ...bobs.messages.map((m) => m.messageId), 'msg_nobody'])).body).toEqual({ marked: 100 });
    expect((await mark(page)).body).toEqual({ marked: 0 });
    expect((await api.get<{ unread: number }>('/api/v1/me/messages?limit=1', { token: alice })).body.unread).toBe(ORDERS - 100);
    expect((await api.get<{ unread: number }>('/api/v1/me/messages?limit=1', { token: bob })).body.unread).toBe(bobs.unread);
    for (const refused of [[], Array.from({ length: 201 }, (_, i) => `msg_${i}`), 'msg_1', [42]]) expect((await mark(refused)).body).toMatchObject({ error: 'bad_request' });
    for (const path of ['/api/v1/me/messages?cursor=abc', '/api/v1/me/messages?limit=201']) {
      expect((await api.get(path, { token: alice })).body).toMatchObject({ error: 'bad_request' });
    }
  });
});
