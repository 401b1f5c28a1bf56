// Taking a ticket back with its money: a customer cancelling before the venue's
// cutoff, an operator revoking with a refund, a show cancelled. Each step is
// recorded before it is taken, so it is carried to the end by whoever comes
// next — the same request retried, another process, or the background pass —
// and never done twice:
//
//   requested  the refund row exists: the ticket is to be taken back
//   revoked    the venue revoked the code (its seat is free again), and so did
//              this server: stations learn it from their next offline bundle
//   refunded   the gateway returned the ticket's share of the order
//
// The venue's revocation and the gateway's refund are both idempotent (by
// ticket ID, and by `ticket:<ticketId>`), which is what makes retrying safe.
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { TicketRefund } from '../../../protocol/booking-api.js';
import { conflict, notFound } from '../../common/errors.js';
import type { BookingContext } from '../context.js';
import { providerError, ProviderRefusal } from '../providers/provider-client.js';
import type { TicketRow } from '../tickets/ticket-view.js';
import type { RefundCause, RefundsTable } from './refunds-schema.js';
import { cancellationText } from './cancellation-text.js';
import { venueZones } from '../providers/venue-zone.js';
import type { MailQueue } from '../mail/outbox.js';

export type RefundRow = Selectable<RefundsTable>;

export interface CancelOutcome {
  ticketId: string;
  revokedAt: number | null;
  refund: { amountCents: number; currency: string; state: RefundRow['state']; reference: string | null };
}

/** The answer to a cancellation, as the API gives it. */
export function cancelView(outcome: CancelOutcome) {
  const { amountCents, currency, state } = outcome.refund;
  return { ticketId: outcome.ticketId, revokedAt: outcome.revokedAt, refund: { amountCents, currency, state: refundState(state) } };
}

/** Customers and staff see a refund as pending until the money went back. */
export function refundState(state: RefundRow['state']): TicketRefund['state'] {
  return state === 'refunded' ? 'refunded' : 'pending';
}

/** How long one process may take to get a refund through before another may try (s). */
const REFUND_CLAIM_S = 60;
/** Cancellations the background pass reads at once; it reads on while pages come full, for at most RESUME_BUDGET_MS. */
const RESUME_PAGE = 100;
const RESUME_BUDGET_MS = 20_000;

/**
 * How long a cancellation waits after its `attempts`-th failure before the next try (s):
 * 2 s, 4 s, 8 s … up to 15 minutes. A gateway that refuses some refunds for good (a closed
 * card, a payment method no longer set up) would otherwise hold the head of the queue,
 * and every other cancellation would wait behind it.
 */
function retryAfterS(attempts: number): number {
  return Math.min(2 ** Math.max(1, attempts), 900);
}

type Context = Pick<BookingContext, 'db' | 'writes' | 'now' | 'providers' | 'payments' | 'log'>;

export class TicketCancellations {
  /** told when a ticket's seat went back on sale, so seat maps cached here are dropped */
  onSeatsChanged?: (providerId: string, showId: string) => void;
  /** e-mails owed to customers (the refund notice), queued with the change that owes them */
  mail?: MailQueue;

  private readonly inFlight = new Map<string, Promise<CancelOutcome>>();
  private stopping = false;

  constructor(private readonly ctx: Context) {}

  /** When the owner may cancel until (epoch s): the venue's cutoff before the show starts. */
  async cutoffs(providerIds: string[]): Promise<Map<string, number>> {
    if (providerIds.length === 0) return new Map();
    const rows = await this.ctx.db.selectFrom('providers').select(['provider_id', 'cancel_cutoff_s']).where('provider_id', 'in', [...new Set(providerIds)]).execute();
    return new Map(rows.map((r) => [r.provider_id, Number(r.cancel_cutoff_s)]));
  }

  /** The owner cancels: allowed until the cutoff, for a ticket not yet used. Asking again answers the same. */
  async cancelByOwner(ticket: TicketRow): Promise<CancelOutcome> {
    const existing = await this.refundOf(ticket.ticket_id);
    if (existing) return this.advance(existing, ticket);
    if (ticket.revoked_at !== null) throw conflict('ticket_revoked', 'this ticket was already taken back by the venue');
    const cutoffS = (await this.cutoffs([ticket.provider_id])).get(ticket.provider_id);
    if (cutoffS === undefined) throw notFound('unknown_provider', 'the venue of this ticket is no longer registered');
    if (this.ctx.now() > Number(ticket.starts_at) - cutoffS) {
      throw conflict('cancel_cutoff_passed', `tickets for this show can be cancelled until ${Math.round(cutoffS / 60)} minutes before it starts`);
    }
    return this.advance(await this.request(ticket, 'customer_cancelled'), ticket);
  }

  /** The operator (or a cancelled show) takes a ticket back and refunds it, whatever the cutoff. */
  async revokeWithRefund(ticket: TicketRow, cause: Exclude<RefundCause, 'customer_cancelled'>): Promise<CancelOutcome> {
    const row = (await this.refundOf(ticket.ticket_id)) ?? (await this.request(ticket, cause));
    return this.advance(row, ticket);
  }

  /**
   * Records the intent for many tickets in one transaction (a cancelled show): once it is
   * committed, every one of them is finished by whoever comes next — the caller, or the
   * background pass if this process dies on the way. Tickets already on their way keep their row.
   */
  async requestMany(tickets: TicketRow[], cause: Exclude<RefundCause, 'customer_cancelled'>): Promise<void> {
    if (tickets.length === 0) return;
    await this.insertRequests(tickets, cause);
    this.ctx.log.info({ tickets: tickets.length, cause }, 'ticket cancellations requested');
  }

  /** The background pass stops after the ticket it is on; the next start carries on. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * Carries every unfinished cancellation that is due one step further (the background
   * pass), oldest first, page after page while there are more: after a restart in the middle
   * of a stadium's cancellation, the rest goes at full speed. Returns how many finished.
   */
  async resume(): Promise<number> {
    const until = Date.now() + RESUME_BUDGET_MS;
    let done = 0;
    for (;;) {
      const now = this.ctx.now();
      // Each row read ends refunded, claimed by someone, or waiting for its next try: a page is never read twice in one pass.
      const due = await this.ctx.db
        .selectFrom('refunds')
        .selectAll()
        .where('state', '!=', 'refunded')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .orderBy('requested_at')
        .limit(RESUME_PAGE)
        .execute();
      for (const row of due) {
        if (this.stopping) return done;
        const ticket = await this.ctx.db.selectFrom('tickets').selectAll().where('ticket_id', '=', row.ticket_id).executeTakeFirst();
        try {
          if (!ticket) throw new Error('its ticket is not stored here');
          if ((await this.advance(row, ticket)).refund.state === 'refunded') done++;
        } catch (err) {
          const message = (err as Error).message;
          await this.failed(row, message);
          this.ctx.log.warn({ ticketId: row.ticket_id, err: message }, 'cancellation still open; tried again later');
        }
      }
      if (due.length < RESUME_PAGE || Date.now() >= until) return done;
    }
  }

  /** The refunds of some tickets, for the views that show them. */
  async refundsOf(ticketIds: string[]): Promise<Map<string, RefundRow>> {
    if (ticketIds.length === 0) return new Map();
    const rows = await this.ctx.db.selectFrom('refunds').selectAll().where('ticket_id', 'in', ticketIds).execute();
    return new Map(rows.map((r) => [r.ticket_id, r]));
  }

  /** One refund row per ticket, for the ticket's share of its order, in one transaction; rows already there stay. */
  private async insertRequests(tickets: TicketRow[], cause: RefundCause): Promise<void> {
    const orders = await this.ctx.db
      .selectFrom('orders')
      .select(['order_id', 'amount_cents', 'currency', 'seats'])
      .where('order_id', 'in', [...new Set(tickets.map((t) => t.order_id))])
      .execute();
    const byId = new Map(orders.map((o) => [o.order_id, o]));
    const now = this.ctx.now();
    const rows = tickets.map((ticket) => {
      const order = byId.get(ticket.order_id)!;
      return {
        ticket_id: ticket.ticket_id,
        order_id: ticket.order_id,
        user_id: ticket.user_id,
        provider_id: ticket.provider_id,
        // Every seat of an order has the show's one price: the order's amount is price × seats.
        amount_cents: Math.floor(order.amount_cents / (JSON.parse(order.seats) as string[]).length),
        currency: order.currency,
        cause,
        state: 'requested' as const,
        reference: null,
        attempts: 0,
        last_error: null,
        claimed_until: null,
        requested_at: now,
        refunded_at: null,
      };
    });
    await this.ctx.writes.run(async (trx) => {
      // In slices: a large hall's tickets stay under the databases' bound-parameter limits.
      for (let i = 0; i < rows.length; i += 200) {
        await trx
          .insertInto('refunds')
          .values(rows.slice(i, i + 200))
          .onConflict((oc) => oc.column('ticket_id').doNothing())
          .execute();
      }
    });
  }

  private async refundOf(ticketId: string): Promise<RefundRow | undefined> {
    return this.ctx.db.selectFrom('refunds').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();
  }

  /** Records the intent; a concurrent request finds the same row. */
  private async request(ticket: TicketRow, cause: RefundCause): Promise<RefundRow> {
    await this.insertRequests([ticket], cause);
    this.ctx.log.info({ ticketId: ticket.ticket_id, cause }, 'ticket cancellation requested');
    return (await this.refundOf(ticket.ticket_id))!;
  }

  /**
   * One attempt per ticket at a time in this process: the owner asking while the background
   * pass carries the same ticket waits for that attempt and hears how it ended, instead of
   * finding the refund claimed and being told it is still pending.
   */
  private advance(row: RefundRow, ticket: TicketRow): Promise<CancelOutcome> {
    const running = this.inFlight.get(ticket.ticket_id);
    if (running) {
      this.ctx.log.info({ ticketId: ticket.ticket_id }, 'ticket cancellation already under way here; waiting for it');
      return running;
    }
    const attempt = this.step(row, ticket).finally(() => this.inFlight.delete(ticket.ticket_id));
    this.inFlight.set(ticket.ticket_id, attempt);
    return attempt;
  }

  private async step(row: RefundRow, ticket: TicketRow): Promise<CancelOutcome> {
    let revokedAt = ticket.revoked_at === null ? null : Number(ticket.revoked_at);
    if (row.state === 'requested') {
      revokedAt = await this.revoke(ticket, row);
      row = { ...row, state: 'revoked' };
    }
    if (row.state === 'revoked') row = await this.refund(row, ticket);
    return { ticketId: ticket.ticket_id, revokedAt, refund: { amountCents: row.amount_cents, currency: row.currency, state: row.state, reference: row.reference } };
  }

  private async revoke(ticket: TicketRow, row: RefundRow): Promise<number> {
    const client = await this.ctx.providers.get(ticket.provider_id);
    if (!client) throw notFound('unknown_provider', 'the venue of this ticket is no longer registered');
    let revokedAt: number;
    try {
      // A customer's cancellation never takes back a ticket a gate has admitted: the venue
      // refuses it in the same write that would revoke it, and the request is dropped.
      revokedAt = (await client.revoke(ticket.provider_ticket_id, { unusedOnly: row.cause === 'customer_cancelled' })).revokedAt;
    } catch (err) {
      if (err instanceof ProviderRefusal && err.reason === 'ticket_used') {
        await this.ctx.writes.run((trx) => trx.deleteFrom('refunds').where('ticket_id', '=', row.ticket_id).where('state', '=', 'requested').execute());
        this.ctx.log.info({ ticketId: ticket.ticket_id }, 'cancellation refused: the ticket was used at a gate');
        throw conflict('ticket_used', 'this ticket was already used at the gate');
      }
      throw providerError(err);
    }
    const now = this.ctx.now();
    await this.ctx.writes.run(async (trx) => {
      await trx.updateTable('tickets').set({ revoked_at: revokedAt, share_hash: null }).where('ticket_id', '=', ticket.ticket_id).where('revoked_at', 'is', null).execute();
      await trx
        .insertInto('station_events')
        .values({ provider_id: ticket.provider_id, kind: 'revoked', code: ticket.code, at: revokedAt, gate: null, recorded_at: now, valid_until: ticket.valid_until })
        .onConflict((oc) => oc.columns(['provider_id', 'kind', 'code']).doNothing())
        .execute();
      await trx.updateTable('refunds').set({ state: 'revoked' }).where('ticket_id', '=', ticket.ticket_id).where('state', '=', 'requested').execute();
    });
    this.onSeatsChanged?.(ticket.provider_id, ticket.show_id);
    this.ctx.log.info({ ticketId: ticket.ticket_id, providerId: ticket.provider_id }, 'ticket revoked for a refund');
    return revokedAt;
  }

  private async refund(row: RefundRow, ticket: TicketRow): Promise<RefundRow> {
    // One asker at a time (a retried request, the background pass, another process): the
    // gateway is idempotent by refund ID, but a refund asked for twice is still a surprise.
    const claimedAt = this.ctx.now();
    const claim = await this.ctx.writes.run((trx) =>
      trx
        .updateTable('refunds')
        .set({ claimed_until: claimedAt + REFUND_CLAIM_S })
        .where('ticket_id', '=', row.ticket_id)
        .where('state', '=', 'revoked')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', claimedAt)]))
        .executeTakeFirst(),
    );
    if (Number(claim.numUpdatedRows) !== 1) return (await this.refundOf(row.ticket_id)) ?? row;
    const order = await this.ctx.db.selectFrom('orders').select(['payment_method', 'payment_reference']).where('order_id', '=', row.order_id).executeTakeFirstOrThrow();
    const gateway = this.ctx.payments[order.payment_method];
    let reference: string | null;
    try {
      if (!gateway) throw new Error(`payment method ${order.payment_method} is not configured`);
      ({ reference } = await gateway.refund({
        orderId: row.order_id,
        refundId: `ticket:${row.ticket_id}`,
        reference: order.payment_reference,
        amountCents: row.amount_cents,
        currency: row.currency,
        reason: row.cause,
      }));
    } catch (err) {
      const message = (err as Error).message;
      const failed = await this.failed(row, message);
      this.ctx.log.error({ ticketId: row.ticket_id, err: message, retryAt: failed.claimed_until }, 'refund failed; the ticket is revoked and the refund is tried again');
      return failed;
    }
    const now = this.ctx.now();
    const language = (await this.ctx.db.selectFrom('reminder_prefs').select('language').where('user_id', '=', row.user_id).executeTakeFirst())?.language ?? 'en';
    const zone = (await venueZones(this.ctx.db, [ticket.provider_id])).get(ticket.provider_id)!;
    const text = cancellationText(ticket, row, language, zone);
    await this.ctx.writes.run(async (trx) => {
      await trx.updateTable('refunds').set({ state: 'refunded', reference, refunded_at: now, last_error: null, claimed_until: null }).where('ticket_id', '=', row.ticket_id).execute();
      // The owner learns it in the app, whoever took the ticket back.
      await trx
        .insertInto('messages')
        .values({ message_id: `msg_${randomBytes(12).toString('base64url')}`, user_id: row.user_id, ticket_id: row.ticket_id, title: text.subject, body: text.body, created_at: now, read_at: null })
        .execute();
      await this.mail?.enqueue(trx, 'ticket_refunded', row.user_id, row.ticket_id);
    });
    this.mail?.kick();
    this.ctx.log.info({ ticketId: row.ticket_id, amountCents: row.amount_cents, currency: row.currency, cause: row.cause }, 'ticket refunded');
    return { ...row, state: 'refunded', reference, refunded_at: now, last_error: null, claimed_until: null };
  }

  /** A failed step: counted, and nobody tries again before its wait (retryAfterS) is over. A row gone meanwhile stays gone. */
  private async failed(row: RefundRow, message: string): Promise<RefundRow> {
    const attempts = row.attempts + 1;
    const next = { attempts, last_error: message.slice(0, 500), claimed_until: this.ctx.now() + retryAfterS(attempts) };
    await this.ctx.writes.run((trx) => trx.updateTable('refunds').set(next).where('ticket_id', '=', row.ticket_id).where('state', '!=', 'refunded').execute());
    return { ...row, ...next };
  }
}
