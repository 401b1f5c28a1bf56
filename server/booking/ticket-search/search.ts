// "What happened to this ticket?": finding tickets by what a customer at the
// desk can tell (a ticket or order ID, a seat of a show, an e-mail address),
// and a ticket's story from the records the booking server keeps — issued,
// shared, admitted at a gate, annulled, revoked, refunded. Nothing is made up:
// the share link has no history (only whether it is live and how often it was
// taken back), and denied scans are not recorded, so neither appears as events.
import type { Kysely } from 'kysely';
import type { BookingDB } from '../schema.js';
import type { RefundState } from '../ordering/refunds-schema.js';
import type { TicketHit, TicketState } from '../../../protocol/console-api.js';

export const MAX_RESULTS = 50;

export type { TicketHit, TicketState };

export interface SearchQuery {
  q: string;
  showId?: string;
  providerId?: string;
  /** the providers the caller may see; null: every provider (an admin) */
  visible: string[] | null;
}

export type StoryEvent =
  | { kind: 'issued'; at: number; orderId: string }
  | { kind: 'admitted'; at: number | null; gate: string; stationId: string | null; scanId: string | null; annulled: boolean }
  | { kind: 'annulled'; at: number; gate: string; by: string }
  | { kind: 'revoked'; at: number }
  | { kind: 'refund'; at: number; amountCents: number; currency: string; state: RefundState; reference: string | null };

export interface TicketStory {
  ticket: TicketHit & { venue: string; hall: string; validFrom: number; validUntil: number };
  share: { active: boolean; linksTakenBack: number };
  events: StoryEvent[];
}

function ticketRows(db: Kysely<BookingDB>) {
  return db
    .selectFrom('tickets as t')
    .innerJoin('users as u', 'u.user_id', 't.user_id')
    .leftJoin('refunds as r', 'r.ticket_id', 't.ticket_id')
    .leftJoin('station_events as e', (j) => j.onRef('e.provider_id', '=', 't.provider_id').onRef('e.code', '=', 't.code').on('e.kind', '=', 'redeemed'))
    .select([
      't.ticket_id',
      't.order_id',
      't.provider_id',
      't.show_id',
      't.title',
      't.seat_label',
      't.starts_at',
      'u.email',
      't.revoked_at',
      'r.state as refund_state',
      'e.seq as redeemed_seq',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof ticketRows>['execute']>>[number];

function hit(r: Row): TicketHit {
  const state: TicketState =
    r.refund_state === 'refunded' ? 'refunded' : r.revoked_at !== null ? 'revoked' : r.redeemed_seq !== null ? 'used' : 'valid';
  return {
    ticketId: r.ticket_id,
    orderId: r.order_id,
    providerId: r.provider_id,
    showId: r.show_id,
    title: r.title,
    seat: r.seat_label,
    startsAt: Number(r.starts_at),
    email: r.email,
    state,
  };
}

/** Up to MAX_RESULTS tickets matching the query, of the providers the caller may see. */
export async function searchTickets(db: Kysely<BookingDB>, query: SearchQuery): Promise<TicketHit[]> {
  const q = query.q.trim();
  if (q === '' || (query.visible !== null && query.visible.length === 0)) return [];
  let select = ticketRows(db);
  if (q.includes('@')) {
    // Stored trimmed and lower case (accounts/routes.ts), so an exact match ignores case.
    select = select.where('u.email', '=', q.toLowerCase());
  } else {
    const { showId } = query;
    select = select.where((eb) =>
      eb.or([
        eb('t.ticket_id', '=', q),
        eb('t.order_id', '=', q),
        // A seat names a ticket only within one show.
        ...(showId ? [eb.and([eb('t.show_id', '=', showId), eb('t.seat_label', '=', q.toUpperCase())])] : []),
      ]),
    );
  }
  if (query.showId) select = select.where('t.show_id', '=', query.showId);
  if (query.providerId) select = select.where('t.provider_id', '=', query.providerId);
  if (query.visible !== null) select = select.where('t.provider_id', 'in', query.visible);
  const rows = await select.orderBy('t.starts_at', 'desc').orderBy('t.ticket_id').limit(MAX_RESULTS).execute();
  return rows.map(hit);
}

/** A ticket's story, or undefined when there is no such ticket. The caller checks who may see it. */
export async function ticketStory(db: Kysely<BookingDB>, ticketId: string): Promise<TicketStory | undefined> {
  const row = await ticketRows(db)
    .select(['t.venue', 't.hall', 't.valid_from', 't.valid_until', 't.created_at', 't.code', 't.share_hash', 't.share_generation'])
    .where('t.ticket_id', '=', ticketId)
    .executeTakeFirst();
  if (!row) return undefined;
  const [admission, annulments, refund] = await Promise.all([
    db
      .selectFrom('station_events')
      .select(['at', 'gate', 'station_id', 'scan_id'])
      .where('provider_id', '=', row.provider_id)
      .where('kind', '=', 'redeemed')
      .where('code', '=', row.code)
      .executeTakeFirst(),
    db
      .selectFrom('annulments as a')
      .leftJoin('stations as s', 's.station_id', 'a.station_id')
      .select(['a.provider_scan_id', 'a.station_id', 'a.annulled_by', 'a.annulled_at', 'a.admitted_at', 'a.gate', 's.gate as station_gate'])
      .where('a.provider_id', '=', row.provider_id)
      .where('a.code', '=', row.code)
      .orderBy('a.annulled_at')
      .execute(),
    db.selectFrom('refunds').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst(),
  ]);

  // Built in the order things can happen (an admission before its annulment, the live admission
  // after every annulled one, revocation after admissions, the refund last); sorting by time
  // keeps that order within one second.
  const events: StoryEvent[] = [{ kind: 'issued', at: Number(row.created_at), orderId: row.order_id }];
  for (const a of annulments) {
    // The gate as it was named then; for annulments recorded before that was kept, the station's name now.
    const gate = a.gate ?? a.station_gate ?? '';
    const scanId = a.provider_scan_id.slice(a.station_id.length + 1);
    events.push({ kind: 'admitted', at: a.admitted_at === null ? null : Number(a.admitted_at), gate, stationId: a.station_id, scanId, annulled: true });
    events.push({ kind: 'annulled', at: Number(a.annulled_at), gate, by: a.annulled_by });
  }
  if (admission) {
    events.push({ kind: 'admitted', at: Number(admission.at), gate: admission.gate ?? '', stationId: admission.station_id, scanId: admission.scan_id, annulled: false });
  }
  if (row.revoked_at !== null) events.push({ kind: 'revoked', at: Number(row.revoked_at) });
  if (refund) {
    events.push({
      kind: 'refund',
      at: Number(refund.refunded_at ?? refund.requested_at),
      amountCents: refund.amount_cents,
      currency: refund.currency,
      state: refund.state,
      reference: refund.reference,
    });
  }
  const order = new Map(events.map((e, i) => [e, i]));
  let last = 0;
  // An admission whose time was not kept sits where it happened: just before its annulment.
  const when = events.map((e) => (last = e.at ?? last));
  events.sort((a, b) => when[order.get(a)!]! - when[order.get(b)!]! || order.get(a)! - order.get(b)!);

  return {
    ticket: { ...hit(row), venue: row.venue, hall: row.hall, validFrom: Number(row.valid_from), validUntil: Number(row.valid_until) },
    share: { active: row.share_hash !== null, linksTakenBack: Number(row.share_generation) },
    events,
  };
}
