// The programme as venue staff manage it (through the booking server's console):
// create a show with its seat map, change it, cancel it. A cancelled show stays
// in the database with its tickets — the booking server takes each one back with
// a refund — but sells nothing more and leaves the customers' list.
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import {
  programmeQuery,
  programmeResponse,
  managedShowSchema,
  showCancelResponse,
  showCreateRequest,
  showUpdateRequest,
  type ManagedShow,
  type ShowCreateRequest,
  type ShowUpdateRequest,
} from '../../../protocol/provider-api.js';
import type { App } from '../../common/app.js';
import { badRequest, conflict, HttpError, notFound } from '../../common/errors.js';
import type { ProviderContext } from '../context.js';
import { DOORS_OPEN_S } from './codes.js';
import { SHOW_COLUMNS, seatCounts, seatMap, seatsSold, showSummary } from '../programme.js';
import type { ProviderDB } from '../schema.js';

const params = z.object({ showId: z.string().min(1).max(100) });

export async function programmeAdminRoutes(app: App, ctx: ProviderContext): Promise<void> {
  app.get('/v1/programme', { schema: { tags: ['shows'], querystring: programmeQuery, response: { 200: programmeResponse } } }, async (req) => ({
    shows: await managedShows(ctx.db, { endsAfter: req.query.endsAfter }),
  }));

  app.post(
    '/v1/shows',
    { schema: { tags: ['shows'], body: showCreateRequest, response: { 200: managedShowSchema, 201: managedShowSchema } } },
    async (req, reply) => {
      const outcome = await ctx.writes.run((trx) => createShow(trx, req.body));
      if (outcome instanceof HttpError) throw outcome;
      req.log.info({ showId: outcome.show.showId, replay: !outcome.created }, 'show created');
      return reply.code(outcome.created ? 201 : 200).send(outcome.show);
    },
  );

  app.patch(
    '/v1/shows/:showId',
    { schema: { tags: ['shows'], params, body: showUpdateRequest, response: { 200: managedShowSchema } } },
    async (req) => {
      const outcome = await ctx.writes.run((trx) => updateShow(trx, req.params.showId, req.body));
      if (outcome instanceof HttpError) throw outcome;
      req.log.info({ showId: req.params.showId, changed: Object.keys(req.body) }, 'show changed');
      return outcome;
    },
  );

  app.post('/v1/shows/:showId/cancel', { schema: { tags: ['shows'], params, response: { 200: showCancelResponse } } }, async (req) => {
    const now = ctx.now();
    const outcome = await ctx.writes.run((trx) => cancelShow(trx, req.params.showId, now));
    if (outcome instanceof HttpError) throw outcome;
    req.log.info({ showId: req.params.showId, tickets: outcome.tickets.length }, 'show cancelled');
    return outcome;
  });
}

/** Shows with their seat counts and seat map's shape; all of them, or the ones named. */
export async function managedShows(db: Kysely<ProviderDB>, { showId, endsAfter }: { showId?: string; endsAfter?: number } = {}): Promise<ManagedShow[]> {
  let query = db
    .selectFrom('shows')
    .select([...SHOW_COLUMNS, 'cancelled_at', 'seat_rows', 'seats_per_row'])
    .select((eb) => seatsSold(eb).as('seats_sold'))
    .orderBy('starts_at')
    .orderBy('shows.show_id');
  if (showId !== undefined) query = query.where('shows.show_id', '=', showId);
  if (endsAfter !== undefined) query = query.where('shows.ends_at', '>', endsAfter);
  const rows = await query.execute();
  return rows.map((r) => ({
    ...showSummary(r),
    ...seatCounts(r),
    seatsSold: Number(r.seats_sold ?? 0),
    rows: Number(r.seat_rows),
    seatsPerRow: Number(r.seats_per_row),
    cancelledAt: r.cancelled_at === null ? null : Number(r.cancelled_at),
  }));
}

// Business refusals are returned, not thrown: a throw would roll back the
// neighbours' writes in the same group commit.
async function createShow(trx: Transaction<ProviderDB>, body: ShowCreateRequest): Promise<{ created: boolean; show: ManagedShow } | HttpError> {
  const showId = body.showId ?? `sh_${randomBytes(9).toString('base64url')}`;
  const [existing] = await managedShows(trx, { showId });
  if (existing) {
    const same =
      existing.title === body.title &&
      existing.hall === body.hall &&
      existing.startsAt === body.startsAt &&
      existing.endsAt === body.endsAt &&
      existing.priceCents === body.priceCents &&
      existing.currency === body.currency &&
      existing.rows === body.rows &&
      existing.seatsPerRow === body.seatsPerRow &&
      (body.venue === undefined || existing.venue === body.venue);
    if (!same) return conflict('show_conflict', `show ${showId} already exists with other details`);
    return { created: false, show: existing };
  }
  // A venue runs one programme: a new show is at the venue of the ones already here.
  const venue = body.venue ?? (await trx.selectFrom('shows').select('venue').orderBy('starts_at', 'desc').limit(1).executeTakeFirst())?.venue;
  if (venue === undefined) return badRequest('the first show needs its venue', 'bad_request');
  await trx
    .insertInto('shows')
    .values({
      show_id: showId,
      title: body.title,
      venue,
      hall: body.hall,
      starts_at: body.startsAt,
      ends_at: body.endsAt,
      price_cents: body.priceCents,
      currency: body.currency,
      cancelled_at: null,
      seat_rows: body.rows,
      seats_per_row: body.seatsPerRow,
    })
    .execute();
  await trx.insertInto('seats').values(seatMap(showId, body.rows, body.seatsPerRow)).execute();
  return { created: true, show: (await managedShows(trx, { showId }))[0]! };
}

async function updateShow(trx: Transaction<ProviderDB>, showId: string, change: ShowUpdateRequest): Promise<ManagedShow | HttpError> {
  const [show] = await managedShows(trx, { showId });
  if (!show) return notFound('unknown_show', `no show ${showId}`);
  if (show.cancelledAt !== null) return conflict('show_cancelled', 'this show was cancelled: it can no longer be changed');
  const startsAt = change.startsAt ?? show.startsAt;
  const endsAt = change.endsAt ?? show.endsAt;
  if (endsAt <= startsAt) return badRequest('a show ends after it starts');
  const reshaped = (change.rows ?? show.rows) !== show.rows || (change.seatsPerRow ?? show.seatsPerRow) !== show.seatsPerRow;
  if (reshaped) {
    // A sold seat is someone's ticket: the map is fixed from the first sale on.
    if (show.seatsSold > 0) return conflict('seats_sold', 'seats of this show are sold: its seat map can no longer change');
    await trx.deleteFrom('seats').where('show_id', '=', showId).execute();
    await trx.insertInto('seats').values(seatMap(showId, change.rows ?? show.rows, change.seatsPerRow ?? show.seatsPerRow)).execute();
  }
  const title = change.title ?? show.title;
  const hall = change.hall ?? show.hall;
  await trx
    .updateTable('shows')
    .set({
      title,
      hall,
      starts_at: startsAt,
      ends_at: endsAt,
      price_cents: change.priceCents ?? show.priceCents,
      seat_rows: change.rows ?? show.rows,
      seats_per_row: change.seatsPerRow ?? show.seatsPerRow,
    })
    .where('show_id', '=', showId)
    .execute();
  // Tickets carry a copy of their show for the gate: a moved show moves their validity
  // here too (a signed payload keeps the window it was issued with).
  if (show.title !== title || show.hall !== hall || startsAt !== show.startsAt || endsAt !== show.endsAt) {
    await trx
      .updateTable('tickets')
      .set({ title, hall, starts_at: startsAt, valid_from: startsAt - DOORS_OPEN_S, valid_until: endsAt })
      .where('show_id', '=', showId)
      .execute();
  }
  return (await managedShows(trx, { showId }))[0]!;
}

async function cancelShow(trx: Transaction<ProviderDB>, showId: string, now: number) {
  const show = await trx.selectFrom('shows').select(['cancelled_at', 'ends_at']).where('show_id', '=', showId).executeTakeFirst();
  if (!show) return notFound('unknown_show', `no show ${showId}`);
  let cancelledAt = show.cancelled_at === null ? null : Number(show.cancelled_at);
  // A show that took place is not cancelled: that would refund every ticket, used ones too,
  // on one click. (A cancellation made before the end is answered again as it was.)
  if (cancelledAt === null && Number(show.ends_at) <= now) return conflict('show_ended', 'this show has ended: it can no longer be cancelled');
  if (cancelledAt === null) {
    await trx.updateTable('shows').set({ cancelled_at: now }).where('show_id', '=', showId).where('cancelled_at', 'is', null).execute();
    cancelledAt = now;
  }
  // Every ticket of the show, each time: a cancellation asked again (after a crash) lists the same tickets.
  const tickets = await trx.selectFrom('tickets').select('ticket_id').where('show_id', '=', showId).orderBy('created_at').orderBy('ticket_id').execute();
  return { showId, cancelledAt, tickets: tickets.map((t) => ({ ticketId: t.ticket_id })) };
}
