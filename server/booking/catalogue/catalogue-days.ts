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
import { heavyWork } from '../../common/turn-queue.js';
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
  /** when it was built (ms, `nowMs`) */
  at: number;
}

export interface CatalogueAnswersOptions {
  /**
   * How long an answer is served after one of its showtimes changed, before it is built
   * again (ms). On a selling evening every venue's refresh changes today's seat counts, and
   * today's answer across a platform is thousands of showtimes: built at most this often,
   * not once per venue's refresh. The providers' lists are seconds old already (show-cache.ts).
   */
  rebuildMs: number;
  nowMs: () => number;
}

const sameSources = (a: Kept['from'], b: Kept['from']) => a.length === b.length && a.every((x, i) => x === b[i]);

export class CatalogueAnswers {
  constructor(private readonly opts: CatalogueAnswersOptions = { rebuildMs: 0, nowMs: () => performance.now() }) {}

  /** each list indexed, by the very array the cache holds */
  private readonly indexed = new WeakMap<readonly Show[], ProviderDays>();
  /** each provider's latest index, whose unchanged days a new one keeps */
  private readonly latest = new Map<string, ProviderDays>();
  /** lists waiting to be indexed, in the order they came, and the work on them */
  private readonly pending = new Map<readonly Show[], { providerId: string; timeZone: string }>();
  private draining: Promise<void> | undefined;
  /** requests waiting for their lists, woken after each list is indexed */
  private readonly waiting: (() => void)[] = [];
  private providers: ProviderDays[] = [];
  private unavailable: string[] = [];
  private days: CatalogueDay[] = [];
  /** by day asked: the answer, built from each provider's showtimes of that day */
  private readonly dayAnswers = new Map<string, Kept>();
  private whole: Kept | undefined;

  /**
   * Queues a provider's list to be indexed as it arrives from a refresh (show-cache.ts's
   * listener), one list per turn of the event loop. A platform's venues' lists fall due
   * together and their answers come in together: indexed at once, a hundred venues'
   * held the thread (and every scan it relays) for half a second.
   */
  prepare(providerId: string, timeZone: string, list: readonly Show[]): void {
    if (this.indexOf(providerId, timeZone, list)) return;
    this.pending.set(list, { providerId, timeZone });
    this.draining ??= this.drain();
  }

  private async drain(): Promise<void> {
    for (let next = this.pending.entries().next(); !next.done; next = this.pending.entries().next()) {
      await heavyWork.next();
      const [list, { providerId, timeZone }] = next.value;
      this.pending.delete(list);
      this.index(providerId, timeZone, list);
      for (const wake of this.waiting.splice(0)) wake();
    }
    this.draining = undefined;
  }

  /** The list's index, when it was made for this provider and zone. */
  private indexOf(providerId: string, timeZone: string, list: readonly Show[]): ProviderDays | undefined {
    const known = this.indexed.get(list);
    return known?.providerId === providerId && known.timeZone === timeZone ? known : undefined;
  }

  private isIndexed({ providerId, timeZone, shows }: CataloguePart): boolean {
    return shows === null || this.indexOf(providerId, timeZone, shows) !== undefined;
  }

  private index(providerId: string, timeZone: string, list: readonly Show[]): ProviderDays {
    const known = this.indexOf(providerId, timeZone, list);
    if (known) return known;
    const days = new ProviderDays(providerId, timeZone, list, this.latest.get(providerId));
    this.indexed.set(list, days);
    this.latest.set(providerId, days);
    return days;
  }

  /** Takes the providers' parts as the cache holds them now, once the lists not yet indexed are, a turn each. */
  async update(parts: readonly CataloguePart[]): Promise<void> {
    for (const { providerId, timeZone, shows } of parts) if (shows !== null) this.prepare(providerId, timeZone, shows);
    // Only for the lists of this request: not for those that come in meanwhile.
    while (!parts.every((p) => this.isIndexed(p))) await new Promise<void>((wake) => this.waiting.push(wake));
    const providers: ProviderDays[] = [];
    const unavailable: string[] = [];
    for (const { providerId, timeZone, shows } of parts) {
      if (shows === null) unavailable.push(providerId);
      else providers.push(this.index(providerId, timeZone, shows));
    }
    if (this.latest.size > parts.length) {
      const present = new Set(parts.map((p) => p.providerId));
      for (const id of this.latest.keys()) if (!present.has(id)) this.latest.delete(id);
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
    const now = this.opts.nowMs();
    const current = (kept: Kept | undefined, from: Kept['from']): kept is Kept => kept !== undefined && (sameSources(kept.from, from) || now - kept.at < this.opts.rebuildMs);
    if (day === undefined) {
      if (current(this.whole, this.providers)) return this.whole.answer;
      const shows = this.providers.flatMap((p) => [...p.byDay.values()].flat()).sort(byTime);
      this.whole = { from: this.providers, answer: body(shows), at: now };
      return this.whole.answer;
    }
    if (asked === null) return body([]);
    const from = this.providers.map((p) => p.byDay.get(asked));
    const kept = this.dayAnswers.get(asked);
    if (current(kept, from)) return kept.answer;
    const answer = body(from.flatMap((shows) => shows ?? []).sort(byTime));
    // Any well-formed date may be asked; only the days on sale are kept.
    if (from.some((shows) => shows !== undefined)) this.dayAnswers.set(asked, { from, answer, at: now });
    return answer;
  }
}

/** Every day with showtimes on sale, sorted by date (venues in zones apart can put a later instant on an earlier date), with its first showtime. */
function daysOf(providers: readonly ProviderDays[]): CatalogueDay[] {
  const byDay = new Map<string, { shows: number; first: CatalogueShow }>();
  for (const p of providers) {
    for (const [day, shows] of p.byDay) {
      const seen = byDay.get(day);
      if (!seen) byDay.set(day, { shows: shows.length, first: shows[0]! });
      else {
        seen.shows += shows.length;
        if (byTime(shows[0]!, seen.first) < 0) seen.first = shows[0]!;
      }
    }
  }
  return [...byDay]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([day, { shows, first: s }]) => ({ day, shows, startsAt: s.startsAt, timeZone: s.timeZone }));
}
