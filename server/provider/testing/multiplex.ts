// Test and benchmark support: a multiplex's programme on sale ahead, as venue
// IT would export it — `halls` halls, each playing `perDay` shows a day (every
// three hours from an hour after `now`), for `days` days; 10 rows × 20 seats.
import type { Programme } from '../programme.js';

export interface MultiplexOptions {
  now: number;
  halls: number;
  days: number;
  perDay: number;
  priceCents?: number;
  currency?: string;
}

export function multiplexShows({ now, halls, days, perDay, priceCents = 1200, currency = 'EUR' }: MultiplexOptions): Programme['shows'] {
  const shows: Programme['shows'] = [];
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < halls; h++) {
      for (let s = 0; s < perDay; s++) {
        const startsAt = now + d * 86_400 + s * 3 * 3600 + 3600;
        shows.push({ showId: `m${d}-${h}-${s}`, title: `Feature ${h * perDay + s}`, hall: `Screen ${h + 1}`, startsAt, endsAt: startsAt + 7200, priceCents, currency, rows: 10, seatsPerRow: 20 });
      }
    }
  }
  return shows;
}
