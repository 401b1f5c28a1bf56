// Orders over HTTP: place one (with an optional Idempotency-Key), list yours
// and your tickets a page at a time, read one, cancel one of its tickets for a
// refund. The state machines themselves are in orders.ts and cancellation.ts,
// the pages in owner-views.ts.
import { z } from 'zod';
import {
  cancelTicketResponse,
  errorBody,
  IDEMPOTENCY_KEY_HEADER,
  myTicketsQuery,
  myTicketsResponse,
  orderRequest,
  orderSchema,
  ordersQuery,
  ordersResponse,
} from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { badRequest, notFound } from '../../common/errors.js';
import type { Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import { queries } from '../queries.js';
import { orderOutcome, type OrderService } from './orders.js';
import type { TicketLinks } from '../tickets/ticket-view.js';
import { cancelView, type TicketCancellations } from './cancellation.js';
import { myTicketsPage, ordersPage, orderView, type Views } from './owner-views.js';

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
    { schema: { tags: ['orders'], querystring: ordersQuery, response: { 200: ordersResponse, 400: errorBody, 401: errorBody } } },
    async (req) => {
      const userId = await auth.user(req);
      const page = await ordersPage(views, userId, req.query);
      return { orders: page.items, next: page.next };
    },
  );

  app.get(
    '/api/v1/me/tickets',
    { schema: { tags: ['orders'], querystring: myTicketsQuery, response: { 200: myTicketsResponse, 400: errorBody, 401: errorBody } } },
    async (req) => {
      const userId = await auth.user(req);
      const page = await myTicketsPage(views, userId, req.query);
      return { tickets: page.items, next: page.next };
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
