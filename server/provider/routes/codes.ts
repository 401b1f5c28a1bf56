// Issuing codes: reserve the seats of one order atomically and store one fresh
// code per seat. The whole order succeeds or nothing is reserved; the same
// orderRef again returns the same tickets instead of selling twice.
import { randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { codesRequest, codesResponse, type CodesRequest, type CodesResponse } from '../../../protocol/provider-api.js';
import type { App } from '../../common/app.js';
import { badRequest, conflict, HttpError, notFound } from '../../common/errors.js';
import type { ProviderContext } from '../context.js';
import type { ProviderDB } from '../schema.js';

/** Tickets open this long before the show starts, and stay valid until it ends. */
export const DOORS_OPEN_S = 60 * 60;

export async function codeRoutes(app: App, ctx: ProviderContext): Promise<void> {
  app.post(
    '/v1/codes',
    { schema: { tags: ['codes'], body: codesRequest, response: { 200: codesResponse, 201: codesResponse } } },
    async (req, reply) => {
      const outcome = await ctx.writes.run((trx) => issueCodes(trx, req.body, ctx.now()));
      if (outcome instanceof HttpError) throw outcome;
      req.log.info({ orderRef: req.body.orderRef, tickets: outcome.response.tickets.length, replay: !outcome.created }, 'codes issued');
      return reply.code(outcome.created ? 201 : 200).send(outcome.response);
    },
  );
}

type Outcome = { created: boolean; response: CodesResponse } | HttpError;

// Business refusals are returned, not thrown: a throw would roll back the
// neighbours' writes in the same group commit.
async function issueCodes(trx: Transaction<ProviderDB>, order: CodesRequest, now: number): Promise<Outcome> {
  const existing = await trx.selectFrom('orders').selectAll().where('order_ref', '=', order.orderRef).executeTakeFirst();
  if (existing) {
    const sameOrder = existing.show_id === order.showId && existing.seats === JSON.stringify(order.seats);
    if (!sameOrder) return conflict('order_conflict', `order ${order.orderRef} was already placed with other seats`);
    return { created: false, response: await loadOrder(trx, order.orderRef) };
  }

  const show = await trx.selectFrom('shows').selectAll().where('show_id', '=', order.showId).executeTakeFirst();
  if (!show) return notFound('unknown_show', `no show ${order.showId}`);
  if (show.cancelled_at !== null) return conflict('show_cancelled', 'this show was cancelled by the venue');
  if (Number(show.ends_at) <= now) return conflict('show_ended', 'this show has ended');
  if (new Set(order.seats).size !== order.seats.length) return badRequest('a seat is listed twice');
  const expected = show.price_cents * order.seats.length;
  if (order.payment.currency !== show.currency || order.payment.amountCents !== expected) {
    return badRequest(`payment must be ${expected} ${show.currency} for ${order.seats.length} seat(s)`, 'amount_mismatch');
  }
  const seats = await trx
    .selectFrom('seats')
    .select(['seat_id', 'row_label', 'number'])
    .where('show_id', '=', order.showId)
    .where('seat_id', 'in', order.seats)
    .execute();
  if (seats.length !== order.seats.length) {
    const known = new Set(seats.map((s) => s.seat_id));
    return badRequest(`no seat ${order.seats.filter((s) => !known.has(s)).join(', ')} in show ${order.showId}`, 'unknown_seat');
  }

  // One conditional write claims every seat; if any was taken, undo this order's part.
  await sql`savepoint issue_codes`.execute(trx);
  const claimed = await trx
    .updateTable('seats')
    .set({ status: 'sold', order_ref: order.orderRef })
    .where('show_id', '=', order.showId)
    .where('seat_id', 'in', order.seats)
    .where('status', '=', 'free')
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== order.seats.length) {
    await sql`rollback to savepoint issue_codes`.execute(trx);
    await sql`release savepoint issue_codes`.execute(trx);
    return conflict('seat_taken', 'a seat in this order is no longer free; nothing was reserved');
  }
  await sql`release savepoint issue_codes`.execute(trx);

  await trx
    .insertInto('orders')
    .values({
      order_ref: order.orderRef,
      show_id: order.showId,
      seats: JSON.stringify(order.seats),
      payment_reference: order.payment.reference,
      amount_cents: order.payment.amountCents,
      currency: order.payment.currency,
      created_at: now,
    })
    .execute();
  const bySeat = new Map(seats.map((s) => [s.seat_id, s]));
  await trx
    .insertInto('tickets')
    .values(
      order.seats.map((seatId) => {
        const seat = bySeat.get(seatId)!;
        return {
          ticket_id: `tk_${randomBytes(12).toString('base64url')}`,
          order_ref: order.orderRef,
          show_id: show.show_id,
          seat_id: seatId,
          seat_label: `${seat.row_label}${seat.number}`,
          title: show.title,
          venue: show.venue,
          hall: show.hall,
          starts_at: show.starts_at,
          code: randomBytes(16).toString('hex'),
          valid_from: Number(show.starts_at) - DOORS_OPEN_S,
          valid_until: Number(show.ends_at),
          created_at: now,
        };
      }),
    )
    .execute();
  return { created: true, response: await loadOrder(trx, order.orderRef) };
}

async function loadOrder(trx: Transaction<ProviderDB>, orderRef: string): Promise<CodesResponse> {
  const order = await trx.selectFrom('orders').select(['seats', 'show_id']).where('order_ref', '=', orderRef).executeTakeFirstOrThrow();
  const show = await trx.selectFrom('shows').selectAll().where('show_id', '=', order.show_id).executeTakeFirstOrThrow();
  const rows = await trx.selectFrom('tickets').selectAll().where('order_ref', '=', orderRef).execute();
  const bySeat = new Map(rows.map((r) => [r.seat_id, r]));
  const tickets = (JSON.parse(order.seats) as string[]).map((seatId) => {
    const t = bySeat.get(seatId)!;
    return {
      ticketId: t.ticket_id,
      seatId: t.seat_id,
      seat: t.seat_label,
      code: t.code,
      validFrom: Number(t.valid_from),
      validUntil: Number(t.valid_until),
    };
  });
  return {
    tickets,
    show: {
      showId: show.show_id,
      title: show.title,
      venue: show.venue,
      hall: show.hall,
      startsAt: Number(show.starts_at),
      endsAt: Number(show.ends_at),
    },
  };
}
