// Cancelling a show: the venue stops its sales and names its tickets; then
// every ticket sold here is taken back with its money (cancellation.ts). The
// refund intents of all of them are committed in one transaction before the
// first is worked on, so a process dying half-way leaves nothing behind: the
// background pass finishes what is left, and asking again answers the same.
import type { BookingContext } from '../context.js';
import type { CatalogueCache } from '../catalogue/show-cache.js';
import type { TicketCancellations } from '../ordering/cancellation.js';
import type { ProviderClient } from '../providers/provider-client.js';
import type { ShowCancelResult } from './schemas.js';

/** Tickets worked on at once: the venue and the gateway each see at most this many calls. */
const PARALLEL = 4;
/** How long a refund another worker holds is waited for before it is answered as pending (ms). */
const SETTLE_MS = 3000;

export class ShowCancellations {
  constructor(
    private readonly ctx: Pick<BookingContext, 'db' | 'log'>,
    private readonly cancellations: TicketCancellations,
    private readonly cache: CatalogueCache,
  ) {}

  /** Throws the provider's failure (ProviderRefusal, ProviderUnavailable) when the venue did not cancel it. */
  async cancel(client: ProviderClient, showId: string): Promise<ShowCancelResult> {
    const providerId = client.providerId;
    const atVenue = await client.cancelShow(showId);
    this.cache.dropProvider(providerId);

    const tickets = await this.ctx.db.selectFrom('tickets').selectAll().where('provider_id', '=', providerId).where('show_id', '=', showId).execute();
    const open = await this.cancellations.refundsOf(tickets.map((t) => t.ticket_id));
    // A ticket the venue revoked before, without a refund, is not this cancellation's to pay back.
    const affected = tickets.filter((t) => t.revoked_at === null || open.has(t.ticket_id));
    await this.cancellations.requestMany(
      affected.filter((t) => !open.has(t.ticket_id)),
      'show_cancelled',
    );
    this.ctx.log.info({ providerId, showId, tickets: affected.length, atVenue: atVenue.tickets.length }, 'show cancelled: taking its tickets back');

    let next = 0;
    const worker = async () => {
      while (next < affected.length) {
        const ticket = affected[next++]!;
        try {
          await this.cancellations.revokeWithRefund(ticket, 'show_cancelled');
        } catch (err) {
          // Its intent is recorded: the background pass carries it on.
          this.ctx.log.warn({ ticketId: ticket.ticket_id, err: (err as Error).message }, 'show cancellation: ticket left for the background pass');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, affected.length) }, worker));
    const refunded = await this.refundedCount(affected.map((t) => t.ticket_id));
    return { showId, cancelled: affected.length, refunded, pending: affected.length - refunded };
  }

  /**
   * How many of these tickets are refunded. The background pass may hold a refund
   * this request skipped (one asker at a time): that one is waited for a moment,
   * so staff are told what happened rather than what was under way.
   */
  private async refundedCount(ticketIds: string[]): Promise<number> {
    const until = Date.now() + SETTLE_MS;
    for (;;) {
      const rows = [...(await this.cancellations.refundsOf(ticketIds)).values()];
      const busy = rows.some((r) => r.state !== 'refunded' && r.claimed_until !== null && r.last_error === null);
      if (!busy || Date.now() >= until) return rows.filter((r) => r.state === 'refunded').length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
