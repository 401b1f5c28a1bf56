// The programme: shows with their free seat counts, and each show's seat map.
import { z } from 'zod';
import { seatsResponse, showsResponse } from '../../../protocol/provider-api.js';
import type { App } from '../../common/app.js';
import { notFound } from '../../common/errors.js';
import type { ProviderContext } from '../context.js';
import { SHOW_COLUMNS, seatCounts, seatsSold, showSummary } from '../programme.js';

export async function showRoutes(app: App, ctx: ProviderContext): Promise<void> {
  const { db } = ctx;
  app.get('/v1/shows', { schema: { tags: ['shows'], response: { 200: showsResponse } } }, async () => {
    const rows = await db
      .selectFrom('shows')
      .select([...SHOW_COLUMNS, 'seat_rows', 'seats_per_row'])
      .select((eb) => seatsSold(eb).as('seats_sold'))
      .where('shows.ends_at', '>', ctx.now())
      // A cancelled show is off sale: customers no longer see it (staff do, in /v1/programme).
      .where('shows.cancelled_at', 'is', null)
      .orderBy('starts_at')
      .execute();
    return {
      shows: rows.map((r) => ({ ...showSummary(r), ...seatCounts(r) })),
    };
  });

  app.get(
    '/v1/shows/:showId/seats',
    { schema: { tags: ['shows'], params: z.object({ showId: z.string().min(1).max(100) }), response: { 200: seatsResponse } } },
    async (req) => {
      const rows = await db
        .selectFrom('seats')
        .select(['seat_id', 'row_label', 'number', 'status'])
        .where('show_id', '=', req.params.showId)
        .orderBy('row_label')
        .orderBy('number')
        .execute();
      if (rows.length === 0) throw notFound('unknown_show', `no show ${req.params.showId}`);
      return { seats: rows.map((r) => ({ seatId: r.seat_id, row: r.row_label, number: r.number, status: r.status })) };
    },
  );
}
