// Orders over HTTP: place one (with an optional Idempotency-Key), list yours,
// read one, cancel one of its tickets for a refund. The state machines
// themselves are in orders.ts and cancellation.ts.
import { z } from 'zod';
import { cancelTicketResponse, errorBody, IDEMPOTENCY_KEY_HEADER, orderRequest, orderSchema, ordersResponse, type Order } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { badRequest, notFound } from '../../common/errors.js';
import type { Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import type { Kysely } from 'kysely';
import { queries } from '../queries.js';
import type { BookingDB } from '../schema.js';
import { orderOutcome, type OrderRow, type OrderService } from './orders.js';
import { ownerTicket, type TicketLinks, type TicketRow } from '../tickets/ticket-view.js';
import { cancelView, refundState, type TicketCancellations } from './cancellation.js';
import { venueZones } from '../providers/venue-zone.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export interface OrderRoutesOptions extends Pick<BookingContext, 'db' | 'now'> {
  auth: Auth;
  orders: OrderService;
  cancellations: TicketCancellations;
  links: TicketLinks;
}

export const orderRoutes: AppPlugin<OrderRoutesOptions> = async (app, { db, now, auth, orders, cancellations, links }) => {
  const views: Views = { db, links, cancellations, now };
  app.post(
    '/api/v1/orders',
    {
      schema: {
        tags: ['orders'],
        body: orderRequest,
        headers: z.object({ [IDEMPOTENCY_KEY_HEADER]: z.string().optional() }),
        response: { 200: orderSchema, 201: orderSchema, 202: orderSchema, 400: errorBody, 401: errorBody, 402: errorBody, 404: errorBody, 409: errorBody, 503: errorBody },
      },
    },
    async (req, reply) => {
      const userId = await auth.user(req);
      const key = req.headers[IDEMPOTENCY_KEY_HEADER];
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) throw badRequest('Idempotency-Key: 1–200 printable ASCII characters');
      const { created, order } = await orders.place(userId, req.body, key);
      const outcome = orderOutcome(order, created);
      if (outcome instanceof Error) throw outcome;
      return reply.code(outcome.status as 201).send(await orderView(views, order));
    },
  );

  app.get(
    '/api/v1/orders',
    { schema: { tags: ['orders'], response: { 200: ordersResponse, 401: errorBody } } },
    async (req) => {
      const userId = await auth.user(req);
      const rows = await db.selectFrom('orders').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('order_id').limit(200).execute();
      return { orders: await orderViews(views, rows) };
    },
  );

  app.get(
    '/api/v1/orders/:orderId',
    { schema: { tags: ['orders'], params: z.object({ orderId: z.string().min(1).max(100) }), response: { 200: orderSchema, 401: errorBody, 404: errorBody } } },
    async (req) => {
      const userId = await auth.user(req);
      const row = await db.selectFrom('orders').selectAll().where('order_id', '=', req.params.orderId).where('user_id', '=', userId).executeTakeFirst();
      // Someone else's order is "not found", not "forbidden": order IDs reveal nothing.
      if (!row) throw notFound('unknown_order', `no order ${req.params.orderId}`);
      return orderView(views, row);
    },
  );

  // The owner cancels a ticket before the venue's cutoff: the seat goes back on
  // sale, the code is revoked (gates learn it from their next bundle), and its
  // share of the order is refunded. 202 while the refund is still on its way.
  app.post(
    '/api/v1/tickets/:ticketId/cancel',
    {
      schema: {
        tags: ['orders'],
        params: z.object({ ticketId: z.string().min(1).max(100) }),
        response: { 200: cancelTicketResponse, 202: cancelTicketResponse, 401: errorBody, 404: errorBody, 409: errorBody, 503: errorBody },
      },
    },
    async (req, reply) => {
      const userId = await auth.user(req);
      const ticket = (await queries(db).ownedTicket(db, { ticketId: req.params.ticketId, userId })).rows[0];
      if (!ticket) throw notFound('unknown_ticket', `no ticket ${req.params.ticketId}`);
      const outcome = await cancellations.cancelByOwner(ticket);
      req.log.info({ ticketId: ticket.ticket_id, refund: outcome.refund.state }, 'ticket cancelled by its owner');
      return reply.code(outcome.refund.state === 'refunded' ? 200 : 202).send(cancelView(outcome));
    },
  );
};

interface Views {
  db: Kysely<BookingDB>;
  links: TicketLinks;
  cancellations: TicketCancellations;
  now: () => number;
}

async function orderView(views: Views, row: OrderRow): Promise<Order> {
  return (await orderViews(views, [row]))[0]!;
}

async function orderViews({ db, links, cancellations, now }: Views, rows: OrderRow[]): Promise<Order[]> {
  const ids = rows.filter((r) => r.state === 'issued').map((r) => r.order_id);
  const tickets =
    ids.length === 1
      ? (await queries(db).ticketsOfOrder(db, { orderId: ids[0]! })).rows
      : ids.length
        ? await db.selectFrom('tickets').selectAll().where('order_id', 'in', ids).execute()
        : [];
  const cutoffs = await cancellations.cutoffs(rows.map((r) => r.provider_id));
  const zones = await venueZones(db, rows.map((r) => r.provider_id));
  const refunds = await cancellations.refundsOf(tickets.map((t) => t.ticket_id));
  const at = now();
  const byOrder = new Map<string, TicketRow[]>();
  for (const t of tickets) byOrder.set(t.order_id, [...(byOrder.get(t.order_id) ?? []), t]);
  return rows.map((r) => {
    const seats = JSON.parse(r.seats) as string[];
    // Tickets in the order the seats were asked for.
    const own = (byOrder.get(r.order_id) ?? []).sort((a, b) => seats.indexOf(a.seat_id) - seats.indexOf(b.seat_id));
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
      tickets: own.map((t) => {
        const refund = refunds.get(t.ticket_id);
        return ownerTicket(links, t, {
          cancelCutoffS: cutoffs.get(t.provider_id),
          timeZone: zones.get(t.provider_id),
          refund: refund ? { amountCents: refund.amount_cents, currency: refund.currency, state: refundState(refund.state) } : null,
          now: at,
        });
      }),
    };
  });
}
