// Orders as a state machine: pending → paid → issued, or → failed.
//
//   pending  the order is stored (durable) before any money moves
//   paid     the gateway took the money; now the provider must issue codes
//   issued   codes in hand, GP1 payloads signed and stored
//   failed   declined, or definitely refused by the provider (money refunded)
//
// The booking order ID is the orderRef the provider sees, and the provider is
// idempotent per orderRef: after a crash, a timeout or a retried request the
// same order is driven again and gets the same codes. A provider that is down
// never fails a paid order: it stays `paid` and is retried (by the customer's
// retried request, and by the background issuer) until the provider answers;
// only a definite refusal (seat taken, show ended, …) refunds it and fails it.
import type { MailQueue } from '../mail/outbox.js';
import { leadMinutesOf, remindAt } from '../reminders/schedule.js';
import type { Selectable } from 'kysely';
import { encodeGp1 } from '../../../protocol/gp1.js';
import type { CodesResponse } from '../../../protocol/provider-api.js';
import type { OrderRequest } from '../../../protocol/booking-api.js';
import { ERROR_REASONS, type ErrorReason } from '../../../protocol/reasons.js';
import { badRequest, conflict, HttpError, notFound } from '../../common/errors.js';
import type { BookingContext } from '../context.js';
import { queries } from '../queries.js';
import { providerError, ProviderRefusal, ProviderUnavailable, type ProviderClient } from '../providers/provider-client.js';
import type { OrdersTable, TicketsTable } from '../schema.js';
import { newId } from '../secrets.js';
import { shareHash, shareToken } from '../tickets/ticket-view.js';

export type OrderRow = Selectable<OrdersTable>;

export interface OrderTiming {
  /** a paid order the provider still cannot issue after this long is refunded (s) */
  giveUpAfterS: number;
  /** a pending order whose charge never completed is abandoned after this long (s) */
  abandonPendingAfterS: number;
  /** first retry delay of a paid order; doubles per attempt up to maxBackoffS (s) */
  backoffS: number;
  maxBackoffS: number;
}

export const DEFAULT_ORDER_TIMING: OrderTiming = { giveUpAfterS: 24 * 3600, abandonPendingAfterS: 15 * 60, backoffS: 2, maxBackoffS: 300 };

/** The HTTP status a failed order is answered with, by its failure reason. */
const FAILURE_STATUS: Partial<Record<ErrorReason, number>> = {
  seat_taken: 409,
  payment_declined: 402,
  unknown_show: 404,
  unknown_seat: 400,
  show_ended: 409,
  amount_mismatch: 409,
  order_conflict: 409,
  provider_unavailable: 503,
  payment_unavailable: 503,
  payment_method_unsupported: 400,
};

const PRICE_CACHE_MS = 10_000;

export class OrderService {
  private inflight = new Map<string, Promise<void>>();
  private prices = new Map<string, { until: number; shows: CodesPrice }>();
  private priceFetches = new Map<string, Promise<{ until: number; shows: CodesPrice }>>();
  /** observers for metrics: each state an order reaches */
  onState?: (state: OrderRow['state'], reason?: string) => void;
  /** a provider was asked to issue seats of a show (answered or not): its seat map may have changed */
  onSeatsChanged?: (providerId: string, showId: string) => void;
  /** an order's tickets were stored: a show cancelled meanwhile takes them back (show-cancellation.ts) */
  onIssued?: (providerId: string, showId: string) => void;
  /** e-mails owed to customers (the order's tickets), queued with the change that owes them */
  mail?: MailQueue;

  constructor(
    private readonly ctx: BookingContext,
    private readonly timing: OrderTiming = DEFAULT_ORDER_TIMING,
  ) {}

  /** Creates the order (or finds the one under this Idempotency-Key) and drives it as far as it goes now. */
  async place(userId: string, req: OrderRequest, idempotencyKey?: string): Promise<{ created: boolean; order: OrderRow }> {
    const { db, writes } = this.ctx;
    if (!this.ctx.payments[req.payment.method]) {
      const hint = req.payment.method === 'demo' ? ' (the demo method needs a server started with --demo)' : '';
      throw badRequest(`payment method "${req.payment.method}" is not supported${hint}`, 'payment_method_unsupported');
    }
    const q = queries(db);
    if (idempotencyKey) {
      const existing = (await q.orderByKey(db, { userId, key: idempotencyKey })).rows[0];
      if (existing) return this.resume(existing, req);
    }
    const client = await this.ctx.providers.get(req.providerId);
    if (!client) throw notFound('unknown_provider', `no provider ${req.providerId}`);
    const price = await this.price(client, req.showId);

    const now = this.ctx.now();
    const row: OrderRow = {
      order_id: newId('o'),
      user_id: userId,
      provider_id: req.providerId,
      show_id: req.showId,
      seats: JSON.stringify(req.seats),
      amount_cents: price.priceCents * req.seats.length,
      currency: price.currency,
      state: 'pending',
      payment_method: req.payment.method,
      payment_reference: null,
      idempotency_key: idempotencyKey ?? null,
      failure_reason: null,
      attempts: 0,
      next_attempt_at: null,
      created_at: now,
      updated_at: now,
    };
    const stored = await writes.run(async (trx) => {
      // The unique (user, key) index decides between racing requests, in this
      // process or another; the loser takes the winner's order.
      const inserted = await q.insertOrder(trx, row);
      if (inserted.rows.length > 0) return { created: true, row };
      const prior = (await q.orderByKey(trx, { userId, key: idempotencyKey! })).rows[0];
      if (!prior) throw new Error(`order insert under Idempotency-Key found no order`);
      return { created: false, row: prior };
    });
    if (!stored.created) return this.resume(stored.row, req);
    this.onState?.('pending');
    await this.drive(row.order_id);
    return { created: true, order: (await this.load(row.order_id))! };
  }

  /** A retried request: the same order if it asks for the same thing, driven on from where it stopped. */
  private async resume(order: OrderRow, req: OrderRequest): Promise<{ created: boolean; order: OrderRow }> {
    const same =
      order.provider_id === req.providerId &&
      order.show_id === req.showId &&
      order.seats === JSON.stringify(req.seats) &&
      order.payment_method === req.payment.method;
    if (!same) throw conflict('idempotency_conflict', 'this Idempotency-Key was used for a different order');
    await this.drive(order.order_id);
    return { created: false, order: (await this.load(order.order_id))! };
  }

  /** Drives one order as far as it can go now. Concurrent calls for one order share one run. */
  drive(orderId: string): Promise<void> {
    let run = this.inflight.get(orderId);
    if (!run) {
      run = this.driveOnce(orderId).finally(() => this.inflight.delete(orderId));
      this.inflight.set(orderId, run);
    }
    return run;
  }

  async load(orderId: string): Promise<OrderRow | undefined> {
    return (await queries(this.ctx.db).orderById(this.ctx.db, { orderId })).rows[0];
  }

  /** Background issuer: drives paid orders that are due a retry, and abandons stale pending ones. */
  async retryDue(limit = 50): Promise<number> {
    const now = this.ctx.now();
    const due = await this.ctx.db
      .selectFrom('orders')
      .select('order_id')
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'paid'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('state', '=', 'pending'), eb('created_at', '<', now - this.timing.abandonPendingAfterS)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    for (const { order_id } of due) {
      await this.drive(order_id).catch((err: unknown) => this.ctx.log.warn({ orderId: order_id, err: (err as Error).message }, 'order retry failed'));
    }
    return due.length;
  }

  private async driveOnce(orderId: string): Promise<void> {
    for (let step = 0; step < 3; step++) {
      const order = await this.load(orderId);
      if (!order || order.state === 'issued' || order.state === 'failed') return;
      if (order.state === 'pending') {
        if (order.created_at < this.ctx.now() - this.timing.abandonPendingAfterS) return this.fail(order, 'payment_unavailable', true);
        await this.charge(order);
        continue;
      }
      return this.issue(order);
    }
  }

  private async charge(order: OrderRow): Promise<void> {
    const gateway = this.ctx.payments[order.payment_method];
    if (!gateway) return this.fail(order, 'payment_method_unsupported', false);
    let result;
    try {
      result = await gateway.charge({ orderId: order.order_id, amountCents: order.amount_cents, currency: order.currency, method: order.payment_method });
    } catch (err) {
      this.ctx.log.warn({ orderId: order.order_id, err: (err as Error).message }, 'payment gateway unreachable');
      return; // stays pending: the retried request charges again (the gateway is idempotent per order)
    }
    if (!result.ok) return this.fail(order, 'payment_declined', false);
    const now = this.ctx.now();
    const markPaid = queries(this.ctx.db).markPaid;
    // The request path issues right away; the background issuer only steps in if that does not finish.
    await this.ctx.writes.run((trx) => markPaid(trx, { orderId: order.order_id, reference: result.reference, nextAttemptAt: now + 30, now }));
    this.onState?.('paid');
  }

  private async issue(order: OrderRow): Promise<void> {
    const client = await this.ctx.providers.get(order.provider_id);
    if (!client) return this.fail(order, 'unknown_provider', true);
    let codes: CodesResponse;
    try {
      codes = await client.codes({
        orderRef: order.order_id,
        showId: order.show_id,
        seats: JSON.parse(order.seats) as string[],
        payment: { reference: order.payment_reference ?? order.order_id, amountCents: order.amount_cents, currency: order.currency },
      });
      if (codes.tickets.length !== (JSON.parse(order.seats) as string[]).length) throw new ProviderUnavailable(order.provider_id, 'answered with the wrong number of tickets');
    } catch (err) {
      if (err instanceof ProviderRefusal) return this.fail(order, asReason(err.reason), true);
      if (err instanceof ProviderUnavailable) return this.postpone(order);
      throw err;
    } finally {
      // Before the order is answered: its buyer's next look at the seat map sees the seats taken.
      this.onSeatsChanged?.(order.provider_id, order.show_id);
    }
    const tickets = this.buildTickets(order, codes, await leadMinutesOf(this.ctx.db, order.user_id));
    const now = this.ctx.now();
    const q = queries(this.ctx.db);
    const won = await this.ctx.writes.run(async (trx) => {
      const moved = await q.markIssued(trx, { orderId: order.order_id, attempts: order.attempts + 1, now });
      // Another process issued it first: its tickets (same codes) stand.
      if (Number(moved.numAffectedRows ?? 0n) !== 1) return false;
      await q.insertTickets(trx, tickets);
      await this.mail?.enqueue(trx, 'order_confirmation', order.user_id, order.order_id);
      return true;
    });
    if (won) {
      this.onIssued?.(order.provider_id, order.show_id);
      this.mail?.kick();
      for (const t of tickets) this.ctx.issued.remember(t.payload);
      this.onState?.('issued');
      this.ctx.log.info({ orderId: order.order_id, providerId: order.provider_id, tickets: tickets.length }, 'order issued');
    }
  }

  private buildTickets(order: OrderRow, codes: CodesResponse, leadMinutes: number): Selectable<TicketsTable>[] {
    const signer = this.ctx.keys.signer();
    const now = this.ctx.now();
    return codes.tickets.map((t) => {
      const ticketId = newId('t');
      const info = { title: codes.show.title, venue: codes.show.venue, hall: codes.show.hall, seat: t.seat, startsAt: codes.show.startsAt };
      const payload = encodeGp1({ providerId: order.provider_id, code: t.code, info, validFrom: t.validFrom, validUntil: t.validUntil }, signer);
      return {
        ticket_id: ticketId,
        order_id: order.order_id,
        user_id: order.user_id,
        provider_id: order.provider_id,
        provider_ticket_id: t.ticketId,
        show_id: order.show_id,
        seat_id: t.seatId,
        seat_label: t.seat,
        title: info.title,
        venue: info.venue,
        hall: info.hall,
        starts_at: info.startsAt,
        valid_from: t.validFrom,
        valid_until: t.validUntil,
        code: t.code,
        key_id: signer.keyId,
        payload,
        share_generation: 0,
        // Shared from the start (DESIGN: the order answer carries each ticket's share URL); the owner can revoke.
        share_hash: shareHash(shareToken(this.ctx.shareSecret, ticketId, 0)),
        revoked_at: null,
        created_at: now,
        remind_at: remindAt(t.validUntil, leadMinutes),
      };
    });
  }

  /** The provider did not answer: keep the order paid and try again later, up to giveUpAfterS. */
  private async postpone(order: OrderRow): Promise<void> {
    const now = this.ctx.now();
    if (now - order.created_at > this.timing.giveUpAfterS) return this.fail(order, 'provider_unavailable', true);
    const delay = Math.min(this.timing.backoffS * 2 ** Math.min(order.attempts, 20), this.timing.maxBackoffS);
    await this.ctx.writes.run((trx) =>
      trx
        .updateTable('orders')
        .set({ attempts: order.attempts + 1, next_attempt_at: now + delay, updated_at: now })
        .where('order_id', '=', order.order_id)
        .where('state', '=', 'paid')
        .execute(),
    );
    this.ctx.log.warn({ orderId: order.order_id, providerId: order.provider_id, attempt: order.attempts + 1, retryInS: delay }, 'provider did not issue; order stays paid and will be retried');
  }

  /** Refund first, then fail: a crash in between leaves the order paid, to be refunded (idempotently) again. */
  private async fail(order: OrderRow, reason: ErrorReason, refund: boolean): Promise<void> {
    if (refund) {
      const gateway = this.ctx.payments[order.payment_method];
      try {
        await gateway?.refund({ orderId: order.order_id, refundId: `order:${order.order_id}`, reference: order.payment_reference, amountCents: order.amount_cents, currency: order.currency, reason });
      } catch (err) {
        this.ctx.log.error({ orderId: order.order_id, err: (err as Error).message }, 'refund failed; the order stays as it is and is retried');
        return;
      }
    }
    const now = this.ctx.now();
    await this.ctx.writes.run((trx) =>
      trx
        .updateTable('orders')
        .set({ state: 'failed', failure_reason: reason, next_attempt_at: null, updated_at: now })
        .where('order_id', '=', order.order_id)
        .where('state', 'in', ['pending', 'paid'])
        .execute(),
    );
    this.onState?.('failed', reason);
    this.ctx.log.info({ orderId: order.order_id, reason, refunded: refund }, 'order failed');
  }

  /** A show's price, from the provider's programme (cached briefly: prices do not change by the second). */
  private async price(client: ProviderClient, showId: string): Promise<{ priceCents: number; currency: string }> {
    let cached = this.prices.get(client.providerId);
    if (!cached || cached.until < Date.now() || !cached.shows.has(showId)) {
      // One programme fetch per provider at a time: when the cache expires under load,
      // every order in flight would otherwise ask the provider for its whole programme.
      let fetching = this.priceFetches.get(client.providerId);
      if (!fetching) {
        fetching = client
          .shows()
          .then(({ shows }) => {
            const fresh = { until: Date.now() + PRICE_CACHE_MS, shows: new Map(shows.map((s) => [s.showId, { priceCents: s.priceCents, currency: s.currency }])) };
            this.prices.set(client.providerId, fresh);
            return fresh;
          })
          .finally(() => this.priceFetches.delete(client.providerId));
        this.priceFetches.set(client.providerId, fetching);
      }
      try {
        cached = await fetching;
      } catch (err) {
        throw providerError(err);
      }
    }
    const price = cached.shows.get(showId);
    if (!price) throw notFound('unknown_show', `provider ${client.providerId} has no show ${showId} on sale`);
    return price;
  }
}

type CodesPrice = Map<string, { priceCents: number; currency: string }>;

function asReason(reason: string): ErrorReason {
  return (ERROR_REASONS as readonly string[]).includes(reason) ? (reason as ErrorReason) : 'provider_refused';
}

/** What POST /orders answers for an order in its current state. */
export function orderOutcome(order: OrderRow, created: boolean): { status: number } | HttpError {
  switch (order.state) {
    case 'issued':
      return { status: created ? 201 : 200 };
    case 'paid':
      return { status: 202 };
    case 'pending':
      return new HttpError(503, 'payment_unavailable', 'the payment could not be completed yet: retry with the same Idempotency-Key');
    case 'failed': {
      const reason = asReason(order.failure_reason ?? 'provider_refused');
      return new HttpError(FAILURE_STATUS[reason] ?? 409, reason, failureMessage(reason));
    }
  }
}

function failureMessage(reason: ErrorReason): string {
  switch (reason) {
    case 'seat_taken':
      return 'a seat in this order is no longer free: nothing was reserved and the payment was refunded';
    case 'payment_declined':
      return 'the payment was declined';
    case 'provider_unavailable':
      return 'the venue could not issue the tickets in time; the payment was refunded';
    default:
      return `the order failed (${reason}); any payment was refunded`;
  }
}
