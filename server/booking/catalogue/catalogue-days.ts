// The catalogue's answers: every provider's shows in one list, soonest first,
// and one day's shows at a time (`?day=`), each day as the venue's calendar
// has it. A multiplex sells thousands of showtimes months ahead and a platform
// carries many venues: a customer's page asks for the day it shows, not the
// season. Built once per change of a provider's cached list and kept, one
// serialization (and at most one gzip) per day asked, not per request.
import type { CatalogueDay, CatalogueShow } from '../../../protocol/catalogue-api.js';
import type { Show } from '../../../protocol/provider-api.js';
import { venueDay } from '../../../protocol/venue-day.js';
import { PreparedJson } from '../../common/compressed-reply.js';

/** One provider's part of the catalogue: its shows as cached, or null when it did not answer. */
export interface CataloguePart {
  providerId: string;
  timeZone: string;
  shows: readonly Show[] | null;
}

export type Serialize = (body: unknown) => string | Buffer | ArrayBuffer;

export class CatalogueAnswers {
  private readonly shows: CatalogueShow[] = [];
  private readonly unavailable: string[] = [];
  private readonly byDay = new Map<string, CatalogueShow[]>();
  private readonly days: CatalogueDay[] = [];
  private readonly prepared = new Map<string, PreparedJson>();

  constructor(readonly parts: CataloguePart[]) {
    for (const { providerId, timeZone, shows: own } of parts) {
      if (own === null) this.unavailable.push(providerId);
      else for (const s of own) this.shows.push({ ...s, providerId, timeZone });
    }
    this.shows.sort((a, b) => a.startsAt - b.startsAt || a.providerId.localeCompare(b.providerId) || a.showId.localeCompare(b.showId));
    for (const s of this.shows) {
      const day = venueDay(s.startsAt, s.timeZone);
      const list = this.byDay.get(day);
      if (list) list.push(s);
      else this.byDay.set(day, [s]);
    }
    // Venues in zones apart can put a later instant on an earlier date: the days are sorted by date.
    for (const [day, list] of [...this.byDay].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      this.days.push({ day, shows: list.length, startsAt: list[0]!.startsAt, timeZone: list[0]!.timeZone });
    }
  }

  /** Whether these answers were built from `parts`: the same providers and zones, and each one's list the very array the cache holds. */
  builtFrom(parts: CataloguePart[]): boolean {
    const mine = this.parts;
    return mine.length === parts.length && mine.every((p, i) => p.providerId === parts[i]!.providerId && p.timeZone === parts[i]!.timeZone && p.shows === parts[i]!.shows);
  }

  /** The answer to `?day=` (`first`, a date) or to no day: every show. */
  answer(day: string | undefined, serialize: Serialize): PreparedJson {
    const asked = day === 'first' ? (this.days[0]?.day ?? null) : (day ?? null);
    const key = asked ?? (day === undefined ? '*' : 'none');
    let answer = this.prepared.get(key);
    if (!answer) {
      const shows = day === undefined ? this.shows : asked === null ? [] : (this.byDay.get(asked) ?? []);
      answer = new PreparedJson(serialize({ shows, unavailable: this.unavailable, days: this.days, day: asked }));
      // Any well-formed date may be asked; only the days on sale (and the whole list) are kept.
      if (day === undefined || asked === null || this.byDay.has(asked)) this.prepared.set(key, answer);
    }
    return answer;
  }
}
