// What a customer sees of their own orders and tickets, a page at a time: the
// order list (newest first), and My tickets in two sections, the tickets still
// to be used (soonest show first) and the others (latest show first). Every
// page is a range of an index after a cursor, so a customer with thousands of
// tickets loses none of them and no page costs more than its size.
import type { Kysely } from 'kysely';
import type { MyTicket, Order } from '../../../protocol/booking-api.js';
import { venueZones } from '../providers/venue-zone.js';
import { queries } from '../queries.js';
import type { BookingDB } from '../schema.js';
import { ownerTicket, type TicketLinks, type TicketRow } from '../tickets/ticket-view.js';
import { refundState, type TicketCancellations } from './cancellation.js';
import type { OrderRow } from './orders.js';
import { cursorOf, paged, parseCursor, type Page } from '../../common/cursor-pages.js';

export interface Views {
  db: Kysely<BookingDB>;
  links: TicketLinks;
  cancellations: TicketCancellations;
  now: () => number;
}

/** The customer's orders, newest first (ties by order ID). */
export async function ordersPage(views: Views, userId: string, q: { cursor?: string; limit: number }): Promise<Page<Order>> {
  let select = views.db.selectFrom('orders').selectAll().where('user_id', '=', userId);
  if (q.cursor) {
    const c = parseCursor(q.cursor);
    select = select.where((eb) => eb.or([eb('created_at', '<', c.at), eb.and([eb('created_at', '=', c.at), eb('order_id', '>', c.id)])]));
  }
  const rows = await select.orderBy('created_at', 'desc').orderBy('order_id').limit(q.limit + 1).execute();
  return paged(rows, q.limit, (r) => cursorOf(Number(r.created_at), r.order_id), (rs) => orderViews(views, rs));
}

/**
 * My tickets: `upcoming` are still valid and not taken back, soonest show first; `past` are
 * the rest (their validity over, or cancelled), latest show first. The split is the one the
 * page shows.
 */
export async function myTicketsPage(views: Views, userId: string, q: { when: 'upcoming' | 'past'; cursor?: string; limit: number }): Promise<Page<MyTicket>> {
  const now = views.now();
  const upcoming = q.when === 'upcoming';
  let select = views.db
    .selectFrom('tickets')
    .selectAll()
    .where('user_id', '=', userId)
    .where((eb) => (upcoming ? eb.and([eb('valid_until', '>=', now), eb('revoked_at', 'is', null)]) : eb.or([eb('valid_until', '<', now), eb('revoked_at', 'is not', null)])));
  if (q.cursor) {
    const c = parseCursor(q.cursor);
    const op = upcoming ? '>' : '<';
    select = select.where((eb) => eb.or([eb('starts_at', op, c.at), eb.and([eb('starts_at', '=', c.at), eb('ticket_id', op, c.id)])]));
  }
  const dir = upcoming ? 'asc' : 'desc';
  const rows = await select.orderBy('starts_at', dir).orderBy('ticket_id', dir).limit(q.limit + 1).execute();
  return paged(rows, q.limit, (r) => cursorOf(Number(r.starts_at), r.ticket_id), async (rs) => {
    const shown = await ticketViews(views, rs);
    return rs.map((r, i) => ({ ...shown[i]!, orderId: r.order_id }));
  });
}

export async function orderView(views: Views, row: OrderRow): Promise<Order> {
  return (await orderViews(views, [row]))[0]!;
}

async function orderViews(views: Views, rows: OrderRow[]): Promise<Order[]> {
  const ids = rows.filter((r) => r.state === 'issued').map((r) => r.order_id);
  const tickets =
    ids.length === 1
      ? (await queries(views.db).ticketsOfOrder(views.db, { orderId: ids[0]! })).rows
      : ids.length
        ? await views.db.selectFrom('tickets').selectAll().where('order_id', 'in', ids).execute()
        : [];
  const shown = await ticketViews(views, tickets);
  const byOrder = new Map<string, { row: TicketRow; view: Order['tickets'][number] }[]>();
  tickets.forEach((row, i) => {
    const own = byOrder.get(row.order_id) ?? [];
    own.push({ row, view: shown[i]! });
    byOrder.set(row.order_id, own);
  });
  return rows.map((r) => {
    const seats = JSON.parse(r.seats) as string[];
    // Tickets in the order the seats were asked for.
    const place = new Map(seats.map((s, i) => [s, i]));
    const own = (byOrder.get(r.order_id) ?? []).sort((a, b) => (place.get(a.row.seat_id) ?? 0) - (place.get(b.row.seat_id) ?? 0));
    return {
      orderId: r.order_id,
      state: r.state,
      providerId: r.provider_id,
      showId: r.show_id,
      seats,
      amountCents: r.amount_cents,
      currency: r.currency,
      createdAt: Number(r.created_at),
      ...(r.failure_reason ? { failureReason: r.failure_reason } : {}),
      tickets: own.map((t) => t.view),
    };
  });
}

/** The owner's view of each ticket, with its venue's cutoff and zone and its refund, in a few reads for all of them. */
async function ticketViews({ db, links, cancellations, now }: Views, tickets: TicketRow[]): Promise<Order['tickets']> {
  const providers = tickets.map((t) => t.provider_id);
  const cutoffs = await cancellations.cutoffs(providers);
  const zones = await venueZones(db, providers);
  const refunds = await cancellations.refundsOf(tickets.map((t) => t.ticket_id));
  const at = now();
  return tickets.map((t) => {
    const refund = refunds.get(t.ticket_id);
    return ownerTicket(links, t, {
      cancelCutoffS: cutoffs.get(t.provider_id),
      timeZone: zones.get(t.provider_id),
      refund: refund ? { amountCents: refund.amount_cents, currency: refund.currency, state: refundState(refund.state) } : null,
      now: at,
    });
  });
}
