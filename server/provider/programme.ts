// What a venue plays: the Demo Cinema seed of `--demo`, or a programme file
// (`--programme FILE`) that venue IT exports from their cinema system.
// Loading is idempotent: a show already present is left as it is, with its sales.
import { readFileSync } from 'node:fs';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { z } from 'zod';
import type { ProviderDB, ShowsTable } from './schema.js';

export const programmeSchema = z.object({
  venue: z.string().min(1).max(200),
  shows: z
    .array(
      z.object({
        showId: z.string().min(1).max(100),
        title: z.string().min(1).max(200),
        hall: z.string().min(1).max(100),
        startsAt: z.number().int().positive(),
        endsAt: z.number().int().positive(),
        priceCents: z.number().int().nonnegative(),
        currency: z.string().regex(/^[A-Z]{3}$/),
        rows: z.number().int().min(1).max(26),
        seatsPerRow: z.number().int().min(1).max(99),
      }),
    )
    .min(1),
});
export type Programme = z.infer<typeof programmeSchema>;

/** A show's own columns, as the public list and the staff programme both read them. */
export const SHOW_COLUMNS = ['shows.show_id', 'title', 'venue', 'hall', 'starts_at', 'ends_at', 'price_cents', 'currency'] as const;

type ShowRow = Pick<ShowsTable, 'show_id' | 'title' | 'venue' | 'hall' | 'starts_at' | 'ends_at' | 'price_cents' | 'currency'>;

/**
 * How many of a show's seats are sold, as a subquery of a select from shows: an index range
 * count (seats_status), no seat row read. The free ones are the rest of the map
 * (seat_rows × seats_per_row, every seat is free or sold): counting them instead would walk
 * every unsold seat of a programme on sale months ahead, by far the most of them.
 */
export function seatsSold(eb: ExpressionBuilder<ProviderDB, 'shows'>) {
  return eb.selectFrom('seats').select((s) => s.fn.countAll<number>().as('n')).whereRef('seats.show_id', '=', 'shows.show_id').where('seats.status', '=', 'sold');
}

/** A listed show's seats in all and free, from its shape and its `seats_sold` (seatsSold). */
export function seatCounts(r: { seat_rows: number; seats_per_row: number; seats_sold: number | string | null }): { seatsTotal: number; seatsFree: number } {
  const seatsTotal = Number(r.seat_rows) * Number(r.seats_per_row);
  return { seatsTotal, seatsFree: seatsTotal - Number(r.seats_sold ?? 0) };
}

/** A show row as the wire names it; bigint columns may come back as strings from PostgreSQL. */
export function showSummary(r: ShowRow) {
  return {
    showId: r.show_id,
    title: r.title,
    venue: r.venue,
    hall: r.hall,
    startsAt: Number(r.starts_at),
    endsAt: Number(r.ends_at),
    priceCents: r.price_cents,
    currency: r.currency,
  };
}

export function readProgramme(file: string): Programme {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read programme ${file}: ${(err as Error).message}`);
  }
  const parsed = programmeSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`programme ${file} is invalid: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Demo Cinema: two halls of 10 rows × 12 seats; the first show is open for entry now. */
export function demoProgramme(nowS: number): Programme {
  const hour = 3600;
  const day = 24 * hour;
  const at = (offset: number) => Math.floor((nowS + offset) / 300) * 300;
  const halls = { rows: 10, seatsPerRow: 12, priceCents: 4500, currency: 'CNY' };
  return {
    venue: 'Demo Cinema',
    shows: [
      { showId: 'demo-1', title: 'The Last Lighthouse', hall: 'Hall 1', startsAt: at(30 * 60), endsAt: at(30 * 60 + 2 * hour), ...halls },
      { showId: 'demo-2', title: '星河彼岸 Across the Star River', hall: 'Hall 2', startsAt: at(day + 2 * hour), endsAt: at(day + 4 * hour), ...halls },
      { showId: 'demo-3', title: 'Midnight Orchestra', hall: 'Hall 1', startsAt: at(2 * day + 3 * hour), endsAt: at(2 * day + 5 * hour), ...halls },
    ],
  };
}

export async function loadProgramme(db: Kysely<ProviderDB>, programme: Programme): Promise<number> {
  let added = 0;
  await db.transaction().execute(async (trx) => {
    for (const show of programme.shows) {
      const exists = await trx.selectFrom('shows').select('show_id').where('show_id', '=', show.showId).executeTakeFirst();
      if (exists) continue;
      await trx
        .insertInto('shows')
        .values({
          show_id: show.showId,
          title: show.title,
          venue: programme.venue,
          hall: show.hall,
          starts_at: show.startsAt,
          ends_at: show.endsAt,
          price_cents: show.priceCents,
          currency: show.currency,
          cancelled_at: null,
          seat_rows: show.rows,
          seats_per_row: show.seatsPerRow,
        })
        .execute();
      await trx.insertInto('seats').values(seatMap(show.showId, show.rows, show.seatsPerRow)).execute();
      added++;
    }
  });
  return added;
}

/** A show's seats, all free: rows A, B, … of seats numbered from 1. */
export function seatMap(showId: string, rows: number, seatsPerRow: number) {
  const seats = [];
  for (let r = 0; r < rows; r++) {
    const row = String.fromCharCode(65 + r);
    for (let n = 1; n <= seatsPerRow; n++) {
      seats.push({ show_id: showId, seat_id: `${row}${n}`, row_label: row, number: n, status: 'free' as const, order_ref: null });
    }
  }
  return seats;
}
