// One provider's part of the catalogue, by its venue's calendar days. Built
// once per list the catalogue cache holds (show-cache.ts keeps the very array
// while a provider's answer does not change), and each day's showtimes kept
// as the same array while they do not change: a platform of many venues
// refreshes one venue's list at a time, and the merged answer of a day is
// built again only when a showtime of that day changed (catalogue-days.ts).
import type { CatalogueShow } from '../../../protocol/catalogue-api.js';
import type { Show } from '../../../protocol/provider-api.js';
import { venueDay } from '../../../protocol/venue-day.js';

/** The catalogue's order: soonest first, then by provider and show ID (code points: IDs are not words). */
export function byTime(a: CatalogueShow, b: CatalogueShow): number {
  return a.startsAt - b.startsAt || compare(a.providerId, b.providerId) || compare(a.showId, b.showId);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Whether two lists hold the same flat records (a provider's shows as the API gives them), field by field. */
export function sameRecords(a: readonly object[], b: readonly object[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Record<string, unknown>;
    const y = b[i] as Record<string, unknown>;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    for (const k of keys) if (x[k] !== y[k]) return false;
  }
  return true;
}

export class ProviderDays {
  /** each venue day's showtimes in the catalogue's order */
  readonly byDay = new Map<string, readonly CatalogueShow[]>();

  constructor(
    readonly providerId: string,
    readonly timeZone: string,
    /** the list as the cache holds it: the same array means nothing changed */
    readonly list: readonly Show[],
    /** this provider's part before, whose unchanged days are kept as they were */
    previous?: ProviderDays,
  ) {
    const days = new Map<string, CatalogueShow[]>();
    for (const s of list) {
      const day = venueDay(s.startsAt, timeZone);
      const show = { ...s, providerId, timeZone };
      const shows = days.get(day);
      if (shows) shows.push(show);
      else days.set(day, [show]);
    }
    const reuse = previous?.timeZone === timeZone ? previous : undefined;
    for (const [day, shows] of days) {
      shows.sort(byTime);
      const before = reuse?.byDay.get(day);
      this.byDay.set(day, before && sameRecords(before, shows) ? before : shows);
    }
  }
}
