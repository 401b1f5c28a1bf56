// Cancelling a show: the venue stops its sales and names its tickets; then
// every ticket sold here is taken back with its money (cancellation.ts). The
// refund intents of all of them are committed in one transaction before the
// first is worked on, so a process dying half-way leaves nothing behind: the
// background pass finishes what is left, and asking again answers the same.
// The cancellation is recorded before the tickets are read (show_cancellations):
// an order the venue issued just before it cancelled may store its tickets after
// that read, and each issued order looks the record up once stored
// (`takeBackLatecomers`), as does the background pass until the cancellation
// is settled — so one of the two always sees the other, whatever the order of
// their commits.
import { settledWithin } from '../../common/deadline.js';
import type { BookingContext } from '../context.js';
import type { CatalogueCache } from '../catalogue/show-cache.js';
import type { TicketCancellations } from '../ordering/cancellation.js';
import type { ProviderClient } from '../providers/provider-client.js';
import type { ShowCancelResult } from './schemas.js';
import type { TicketRow } from '../tickets/ticket-view.js';

/** Tickets worked on at once: the venue and the gateway each see at most this many calls. */
const PARALLEL = 4;
/** Cancellations not yet settled, looked at in one pass (the next pass takes the rest). */
const CANCELLATIONS_PAGE = 20;
/** Latecomers taken back in one look (an order holds a handful; the background pass comes again). */
const LATECOMERS_PAGE = 200;
/** How long a refund another worker holds is waited for before it is answered as pending (ms). */
const SETTLE_MS = 3000;
/** How long staff wait for a cancellation's refunds before they are told what is done so far (ms). */
export const DEFAULT_REPLY_WITHIN_MS = 10_000;

export class ShowCancellations {
  /** takebacks under way, some of them past the request that started them */
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly ctx: Pick<BookingContext, 'db' | 'writes' | 'now' | 'log'>,
    private readonly cancellations: TicketCancellations,
    private readonly cache: CatalogueCache,
    private readonly replyWithinMs = DEFAULT_REPLY_WITHIN_MS,
  ) {}

  /** Lets the takebacks under way finish the ticket each is on, and waits for them; the background pass of the next start does the rest. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  /** Throws the provider's failure (ProviderRefusal, ProviderUnavailable) when the venue did not cancel it. */
  async cancel(client: ProviderClient, showId: string): Promise<ShowCancelResult> {
    const providerId = client.providerId;
    const atVenue = await client.cancelShow(showId);
    this.cache.dropProvider(providerId);
    const cancelledAt = this.ctx.now();
    await this.ctx.writes.run((trx) =>
      trx
        .insertInto('show_cancellations')
        .values({ provider_id: providerId, show_id: showId, cancelled_at: cancelledAt, settled_at: null })
        .onConflict((oc) => oc.columns(['provider_id', 'show_id']).doNothing())
        .execute(),
    );

    const tickets = await this.ctx.db.selectFrom('tickets').selectAll().where('provider_id', '=', providerId).where('show_id', '=', showId).execute();
    const open = await this.cancellations.refundsOf(tickets.map((t) => t.ticket_id));
    // A ticket the venue revoked before, without a refund, is not this cancellation's to pay back.
    const affected = tickets.filter((t) => t.revoked_at === null || open.has(t.ticket_id));
    await this.cancellations.requestMany(
      affected.filter((t) => !open.has(t.ticket_id)),
      'show_cancelled',
    );
    this.ctx.log.info({ providerId, showId, tickets: affected.length, atVenue: atVenue.tickets.length }, 'show cancelled: taking its tickets back');

    // A stadium's tickets take minutes: staff are answered with what is done by then, and the
    // rest carries on here (and in the background pass, should this process stop).
    const done = await settledWithin(this.takeBack(affected), this.replyWithinMs);
    if (!done) this.ctx.log.info({ providerId, showId, tickets: affected.length }, 'show cancellation answered before all its refunds were done; they carry on');
    const refunded = await this.refundedCount(affected.map((t) => t.ticket_id), done);
    return { showId, cancelled: affected.length, refunded, pending: affected.length - refunded };
  }

  /**
   * Tickets stored for a show already cancelled here, neither revoked nor being
   * refunded: an order issued by the venue just before the cancellation, whose
   * tickets were stored after it had read them. Each gets its refund intent,
   * then is taken back like the others. `show`: the show of an order just
   * issued; without it, every cancellation not yet settled (the background pass).
   */
  async takeBackLatecomers(show?: { providerId: string; showId: string }): Promise<number> {
    let open = this.ctx.db.selectFrom('show_cancellations').select(['provider_id', 'show_id']).where('settled_at', 'is', null).limit(CANCELLATIONS_PAGE);
    if (show) open = open.where('provider_id', '=', show.providerId).where('show_id', '=', show.showId);
    let taken = 0;
    for (const c of await open.execute()) taken += await this.sweep(c.provider_id, c.show_id);
    return taken;
  }

  /**
   * One cancelled show's latecomers taken back. Once none is left and no order of
   * the show is in flight, nothing can come later: the cancellation is settled and
   * no pass reads the show's tickets again.
   */
  private async sweep(providerId: string, showId: string): Promise<number> {
    // In flight first: an order leaves 'paid' in the transaction that stores its tickets, so
    // when none is in flight here, every latecomer is already stored and the read below finds it.
    const inFlight = await this.ctx.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('state', 'in', ['pending', 'paid'])
      .where('provider_id', '=', providerId)
      .where('show_id', '=', showId)
      .executeTakeFirstOrThrow();
    const late = await this.ctx.db
      .selectFrom('tickets as t')
      .selectAll('t')
      .where('t.provider_id', '=', providerId)
      .where('t.show_id', '=', showId)
      .where('t.revoked_at', 'is', null)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('refunds as r').select('r.ticket_id').whereRef('r.ticket_id', '=', 't.ticket_id'))))
      .limit(LATECOMERS_PAGE)
      .execute();
    if (late.length > 0) {
      this.ctx.log.warn({ providerId, showId, tickets: late.length }, 'tickets stored for a show cancelled meanwhile: taking them back');
      await this.cancellations.requestMany(late, 'show_cancelled');
      await this.takeBack(late);
    } else if (Number(inFlight.n) === 0) {
      const settledAt = this.ctx.now();
      await this.ctx.writes.run((trx) =>
        trx.updateTable('show_cancellations').set({ settled_at: settledAt }).where('provider_id', '=', providerId).where('show_id', '=', showId).where('settled_at', 'is', null).execute(),
      );
    }
    return late.length;
  }

  /** Revokes and refunds, a few at a time; what fails stays recorded for the background pass. Never throws. */
  private takeBack(tickets: TicketRow[]): Promise<void> {
    const work = this.work(tickets).finally(() => this.running.delete(work));
    this.running.add(work);
    return work;
  }

  private async work(tickets: TicketRow[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (!this.stopping && next < tickets.length) {
        const ticket = tickets[next++]!;
        try {
          await this.cancellations.revokeWithRefund(ticket, 'show_cancelled');
        } catch (err) {
          // Its intent is recorded: the background pass carries it on.
          this.ctx.log.warn({ ticketId: ticket.ticket_id, err: (err as Error).message }, 'show cancellation: ticket left for the background pass');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, tickets.length) }, worker));
  }

  /**
   * How many of these tickets are refunded. The background pass may hold a refund
   * this request skipped (one asker at a time): that one is waited for a moment,
   * so staff are told what happened rather than what was under way. Not when this
   * request's own takeback is still going: its claims are the busy ones.
   */
  private async refundedCount(ticketIds: string[], settle: boolean): Promise<number> {
    const until = Date.now() + (settle ? SETTLE_MS : 0);
    for (;;) {
      const rows = [...(await this.cancellations.refundsOf(ticketIds)).values()];
      const busy = rows.some((r) => r.state !== 'refunded' && r.claimed_until !== null && r.last_error === null);
      if (!busy || Date.now() >= until) return rows.filter((r) => r.state === 'refunded').length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
