// The catalogue's answers: every provider's shows in one list, soonest first,
// and one day's shows at a time (`?day=`), each day as the venue's calendar
// has it. A multiplex sells thousands of showtimes months ahead and a platform
// carries many venues: a customer's page asks for the day it shows, not the
// season. Each provider's part is indexed by day once per change of its list
// (provider-days.ts); a day's answer is merged from its providers' showtimes
// of that day and kept, one serialization (and at most one gzip), until one
// of them changes — never rebuilt because another venue's list was refreshed.
import type { CatalogueDay, CatalogueShow } from '../../../protocol/catalogue-api.js';
import type { Show } from '../../../protocol/provider-api.js';
import { PreparedJson } from '../../common/compressed-reply.js';
import { byTime, ProviderDays, sameRecords } from './provider-days.js';

/** One provider's part of the catalogue: its shows as cached, or null when it did not answer. */
export interface CataloguePart {
  providerId: string;
  timeZone: string;
  shows: readonly Show[] | null;
}

export type Serialize = (body: unknown) => string | Buffer | ArrayBuffer;

/** A prepared answer and what it was built from: the same arrays again mean the same answer. */
interface Kept {
  from: readonly (readonly CatalogueShow[] | ProviderDays | undefined)[];
  answer: PreparedJson;
}

const sameSources = (a: Kept['from'], b: Kept['from']) => a.length === b.length && a.every((x, i) => x === b[i]);

export class CatalogueAnswers {
  private providers: ProviderDays[] = [];
  private unavailable: string[] = [];
  private days: CatalogueDay[] = [];
  /** by day asked: the answer, built from each provider's showtimes of that day */
  private readonly dayAnswers = new Map<string, Kept>();
  private whole: Kept | undefined;

  /** Takes the providers' parts as the cache holds them now; only what changed is indexed again. */
  update(parts: readonly CataloguePart[]): void {
    const before = new Map(this.providers.map((p) => [p.providerId, p]));
    const providers: ProviderDays[] = [];
    const unavailable: string[] = [];
    for (const { providerId, timeZone, shows } of parts) {
      if (shows === null) {
        unavailable.push(providerId);
        continue;
      }
      const old = before.get(providerId);
      providers.push(old && old.list === shows && old.timeZone === timeZone ? old : new ProviderDays(providerId, timeZone, shows, old));
    }
    const changed = providers.length !== this.providers.length || providers.some((p, i) => p !== this.providers[i]);
    const days = changed ? daysOf(providers) : this.days;
    // Every answer carries the days on sale and the providers that did not answer: a change to either is a change to all.
    if (!sameRecords(days, this.days) || unavailable.join('\0') !== this.unavailable.join('\0')) {
      this.days = days;
      this.unavailable = unavailable;
      this.dayAnswers.clear();
      this.whole = undefined;
    }
    this.providers = providers;
  }

  /** The answer to `?day=` (`first`, a date) or to no day: every show. */
  answer(day: string | undefined, serialize: Serialize): PreparedJson {
    const asked = day === 'first' ? (this.days[0]?.day ?? null) : (day ?? null);
    const body = (shows: readonly CatalogueShow[]) => new PreparedJson(serialize({ shows, unavailable: this.unavailable, days: this.days, day: asked }));
    if (day === undefined) {
      if (this.whole && sameSources(this.whole.from, this.providers)) return this.whole.answer;
      const shows = this.providers.flatMap((p) => [...p.byDay.values()].flat()).sort(byTime);
      this.whole = { from: this.providers, answer: body(shows) };
      return this.whole.answer;
    }
    if (asked === null) return body([]);
    const from = this.providers.map((p) => p.byDay.get(asked));
    const kept = this.dayAnswers.get(asked);
    if (kept && sameSources(kept.from, from)) return kept.answer;
    const answer = body(from.flatMap((shows) => shows ?? []).sort(byTime));
    // Any well-formed date may be asked; only the days on sale are kept.
    if (from.some((shows) => shows !== undefined)) this.dayAnswers.set(asked, { from, answer });
    return answer;
  }
}

/** Every day with showtimes on sale, sorted by date (venues in zones apart can put a later instant on an earlier date), with its first showtime. */
function daysOf(providers: readonly ProviderDays[]): CatalogueDay[] {
  const first = new Map<string, { shows: number; first: CatalogueShow }>();
  for (const p of providers) {
    for (const [day, shows] of p.byDay) {
      const seen = first.get(day);
      if (!seen) first.set(day, { shows: shows.length, first: shows[0]! });
      else {
        seen.shows += shows.length;
        if (byTime(shows[0]!, seen.first) < 0) seen.first = shows[0]!;
      }
    }
  }
  return [...first]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([day, { shows, first: s }]) => ({ day, shows, startsAt: s.startsAt, timeZone: s.timeZone }));
}
