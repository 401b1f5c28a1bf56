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
  for (let i = 0; i < a.length; i++) if (!sameFields(a[i]!, b[i]!, 0)) return false;
  return true;
}

/** Whether `b` has every field of `a` with the same value, and `extra` fields besides (counted, not compared). */
function sameFields(a: object, b: object, extra: number): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let fields = 0;
  // for…in rather than Object.keys: no array made per record, on lists of thousands.
  for (const k in x) {
    if (x[k] !== y[k]) return false;
    fields++;
  }
  for (const _ in y) fields--;
  return fields === -extra;
}

const sameElements = (a: readonly object[], b: readonly object[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export class ProviderDays {
  /** each venue day's showtimes in the catalogue's order */
  readonly byDay = new Map<string, readonly CatalogueShow[]>();
  /** each showtime as the catalogue lists it: an unchanged show keeps its object from one list to the next */
  private readonly byId = new Map<string, CatalogueShow>();
  /** each start time's venue day: a refresh brings mostly the same times, and Intl's formatting is costly */
  private readonly dayOf = new Map<number, string>();

  constructor(
    readonly providerId: string,
    readonly timeZone: string,
    /** the list as the cache holds it: the same array means nothing changed */
    readonly list: readonly Show[],
    /** this provider's part before, whose unchanged shows and days are kept as they were */
    previous?: ProviderDays,
  ) {
    const reuse = previous?.timeZone === timeZone ? previous : undefined;
    const days = new Map<string, CatalogueShow[]>();
    for (const s of list) {
      const before = reuse?.byId.get(s.showId);
      const show = before && sameFields(s, before, 2) ? before : { ...s, providerId, timeZone };
      this.byId.set(s.showId, show);
      let day = this.dayOf.get(s.startsAt) ?? reuse?.dayOf.get(s.startsAt);
      if (day === undefined) day = venueDay(s.startsAt, timeZone);
      this.dayOf.set(s.startsAt, day);
      const shows = days.get(day);
      if (shows) shows.push(show);
      else days.set(day, [show]);
    }
    for (const [day, shows] of days) {
      shows.sort(byTime);
      const old = reuse?.byDay.get(day);
      this.byDay.set(day, old && sameElements(old, shows) ? old : shows);
    }
  }
}
