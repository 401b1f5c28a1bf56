// The catalogue's cache of provider answers: each provider's shows for a few
// seconds, each show's seat map for one. A stampede of catalogue requests costs
// a provider at most one call per cache period: concurrent requests share the
// call under way (single-flight), and later ones are answered from its result.
//
// The policy, and why:
// - Shows are fresh for SHOWS_TTL_MS (5 s) and up to SHOWS_JITTER (40 %) more,
//   drawn per list, so that venues fetched together do not fall due together
//   ever after: a platform's hundred lists would come in, and be read, at once.
//   An answer that brings the same shows keeps the list held (the same array),
//   and the catalogue's answers built from it stay as they are (catalogue-days.ts).
//   A list past its lifetime but younger than STALE_MS (15 s) is still served
//   at once while one refresh runs behind it (stale-while-revalidate): once a
//   provider has answered, its slowness delays no catalogue request at all.
//   Only a provider with nothing to show (never asked, asked too long ago, or
//   down) is waited for — concurrently with the others, and never beyond its
//   own catalogue timeout (provider-client.ts).
// - A provider known to be down is named in `unavailable`, not shown with shows
//   nobody can buy: a failed refresh drops its list, and so does any other call
//   to it that got no answer (a scan relay, an order), since the list was
//   fetched before that news.
// - Failures are remembered for FAILURE_TTL_MS (1 s): a down provider is not
//   asked again by every request (at most once a second per booking process),
//   yet it is back in the list within a second of answering again. A refusal
//   (an unknown show's seats) is remembered the same way.
// - Seat maps are fresh for SEATS_TTL_MS (1 s) and never served stale: a
//   customer picks seats from them. An order this process sends to a provider
//   drops that show's seat map (dropSeats), so its buyer sees the seats taken on
//   the next request; orders through other booking processes show within 1 s.
// - A provider changed by venue IT gets a new client in the registry, and the
//   cache keeps each answer with the client that fetched it: a provider's
//   entries are dropped on the first request after the change, on this process
//   at once and on others once their registry re-reads the record (REFRESH_S).
//   A call still under way with the old client fills nothing new.
// - Memory: one shows entry per registered provider (entries of providers no
//   longer listed are dropped), and at most MAX_SEAT_MAPS seat maps, least
//   recently used first out, expired ones swept as new ones come in.
import type { Seat, Show } from '../../../protocol/provider-api.js';
import type { ProviderClient } from '../providers/provider-client.js';
import { sameRecords } from './provider-days.js';

export interface CatalogueCacheOptions {
  /** how long a provider's shows are served without asking again (ms) */
  showsTtlMs: number;
  /**
   * Each list's lifetime is showsTtlMs and up to this fraction more, drawn when it comes:
   * venues fetched together (a first request, a restart) would otherwise fall due together
   * for ever, and a platform's hundred answers would come in, and be read, at once.
   */
  showsJitter: number;
  /** how old a provider's shows may be and still be served while a refresh runs (ms) */
  staleMs: number;
  /** how long the catalogue serves an answer after one of its shows changed, before building it again (ms; catalogue-days.ts) */
  answerRebuildMs: number;
  /** how long a seat map is served without asking again (ms) */
  seatsTtlMs: number;
  /** how long a failed call is answered again before the provider is asked again (ms) */
  failureTtlMs: number;
  /** how many seat maps are kept at most */
  maxSeatMaps: number;
  /**
   * A monotonic clock in ms. The booking server's `now` counts whole seconds,
   * too coarse for a 1 s seat map; tests set this one to move time.
   */
  nowMs: () => number;
}

export const SHOWS_TTL_MS = 5_000;
export const SHOWS_JITTER = 0.4;
export const ANSWER_REBUILD_MS = 1_000;
export const STALE_MS = 15_000;
export const SEATS_TTL_MS = 1_000;
export const FAILURE_TTL_MS = 1_000;
export const MAX_SEAT_MAPS = 2_000;

export const DEFAULT_CATALOGUE_CACHE: CatalogueCacheOptions = {
  showsTtlMs: SHOWS_TTL_MS,
  showsJitter: SHOWS_JITTER,
  answerRebuildMs: ANSWER_REBUILD_MS,
  staleMs: STALE_MS,
  seatsTtlMs: SEATS_TTL_MS,
  failureTtlMs: FAILURE_TTL_MS,
  maxSeatMaps: MAX_SEAT_MAPS,
  nowMs: () => performance.now(),
};

/**
 * How a request was answered: from a fresh entry (or a remembered failure),
 * from a stale one while a refresh runs, by joining a call under way, or by
 * a call of its own.
 */
export type CacheResult = 'hit' | 'stale' | 'shared' | 'miss';
export type CacheKind = 'shows' | 'seats';

/** One provider's shows, or one show's seat map, with the call that fetches it. */
class Entry<T> {
  value: T | undefined;
  /** when the call that got `value` began (ms): its age counts from then */
  valueAt = 0;
  /** how long `value` is fresh (ms): the kind's lifetime, with its jitter drawn when it came */
  freshMs = 0;
  /** the client's count of unanswered calls when that call began */
  failuresBefore = 0;
  error: unknown;
  failedAt = 0;
  inflight: Promise<T> | undefined;

  constructor(readonly client: ProviderClient) {}
}

export class CatalogueCache {
  private readonly opts: CatalogueCacheOptions;
  private readonly showEntries = new Map<string, Entry<Show[]>>();
  /** by `providerId \0 showId`, least recently used first (a Map keeps insertion order) */
  private readonly seatEntries = new Map<string, Entry<Seat[]>>();
  private readonly pending = new Set<Promise<unknown>>();
  private showsListener: ((client: ProviderClient, shows: Show[]) => void) | undefined;

  constructor(
    opts: Partial<CatalogueCacheOptions> = {},
    /** one count per request answered, for metrics */
    private readonly count: (kind: CacheKind, result: CacheResult) => void = () => undefined,
  ) {
    this.opts = { ...DEFAULT_CATALOGUE_CACHE, ...opts };
  }

  get options(): Readonly<CatalogueCacheOptions> {
    return this.opts;
  }

  /** Called with each provider's shows as a call brings them (a new list, or the one held when nothing changed). */
  onShows(listener: (client: ProviderClient, shows: Show[]) => void): void {
    this.showsListener = listener;
  }

  /** A provider's shows; rejects with the provider's failure (ProviderUnavailable, ProviderRefusal). */
  shows(client: ProviderClient): Promise<Show[]> {
    let entry = this.showEntries.get(client.providerId);
    if (entry?.client !== client) {
      entry = new Entry(client);
      this.showEntries.set(client.providerId, entry);
    }
    return this.lookup(entry, 'shows', this.opts.showsTtlMs * (1 + this.opts.showsJitter * Math.random()), this.opts.staleMs, async () => {
      const { shows } = await client.shows();
      // The same shows keep the same array: the catalogue's answers are built again only for a list that changed.
      const held = entry.value;
      const list = held !== undefined && sameRecords(held, shows) ? held : shows;
      this.showsListener?.(client, list);
      return list;
    });
  }

  /** A show's seat map; rejects with the provider's failure. */
  seats(client: ProviderClient, showId: string): Promise<Seat[]> {
    const key = seatKey(client.providerId, showId);
    let entry = this.seatEntries.get(key);
    if (entry) this.seatEntries.delete(key); // put back below, as the most recently used
    if (entry?.client !== client) entry = new Entry(client);
    this.sweepSeats(this.opts.maxSeatMaps - 1);
    this.seatEntries.set(key, entry);
    return this.lookup(entry, 'seats', this.opts.seatsTtlMs, 0, async () => (await client.seats(showId)).seats);
  }

  /** Seats of this show were sold (or found taken): its seat map is asked for again on the next request. */
  dropSeats(providerId: string, showId: string): void {
    this.seatEntries.delete(seatKey(providerId, showId));
  }

  /** A provider's programme changed (a show created, changed or cancelled): everything of it is asked for again. */
  dropProvider(providerId: string): void {
    this.showEntries.delete(providerId);
    for (const key of [...this.seatEntries.keys()]) if (key.startsWith(`${providerId}\0`)) this.seatEntries.delete(key);
  }

  /** Forgets the shows of providers no longer registered. */
  keepOnly(providerIds: readonly string[]): void {
    if (this.showEntries.size <= providerIds.length) return;
    const keep = new Set(providerIds);
    for (const id of this.showEntries.keys()) if (!keep.has(id)) this.showEntries.delete(id);
  }

  /** Resolves once no call is under way, background refreshes included (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  get size(): { shows: number; seats: number } {
    return { shows: this.showEntries.size, seats: this.seatEntries.size };
  }

  /** `freshMs`: how long a value fetched now stays fresh */
  private lookup<T>(entry: Entry<T>, kind: CacheKind, freshMs: number, staleMs: number, load: () => Promise<T>): Promise<T> {
    const now = this.opts.nowMs();
    // A value is vouched for only while no call to the provider has gone unanswered since it was fetched.
    const vouched = entry.value !== undefined && entry.failuresBefore === entry.client.unavailableCalls;
    const age = now - entry.valueAt;
    if (vouched && age < entry.freshMs) return this.answer(kind, 'hit', entry.value as T);
    if (!vouched && entry.error !== undefined && now - entry.failedAt < this.opts.failureTtlMs) {
      this.count(kind, 'hit');
      return Promise.reject(entry.error);
    }
    // Too old to be fresh, young enough to be served while a refresh runs.
    if (vouched && age < staleMs) {
      if (!entry.inflight) void this.fetch(entry, freshMs, load);
      return this.answer(kind, 'stale', entry.value as T);
    }
    if (entry.inflight) {
      this.count(kind, 'shared');
      return entry.inflight;
    }
    this.count(kind, 'miss');
    return this.fetch(entry, freshMs, load);
  }

  private answer<T>(kind: CacheKind, result: CacheResult, value: T): Promise<T> {
    this.count(kind, result);
    return Promise.resolve(value);
  }

  /** One call for an entry, shared by everyone who asks meanwhile. */
  private fetch<T>(entry: Entry<T>, freshMs: number, load: () => Promise<T>): Promise<T> {
    const began = this.opts.nowMs();
    const failuresBefore = entry.client.unavailableCalls;
    const call = load().then(
      (value) => {
        entry.value = value;
        entry.valueAt = began;
        entry.freshMs = freshMs;
        entry.failuresBefore = failuresBefore;
        entry.error = undefined;
        return value;
      },
      (err: unknown) => {
        // A provider that failed is named unavailable rather than shown from an old list.
        entry.value = undefined;
        entry.error = err;
        entry.failedAt = this.opts.nowMs();
        throw err;
      },
    );
    entry.inflight = call;
    this.pending.add(call);
    // Also the rejection handler of a background refresh nobody waits for.
    const settled = () => {
      if (entry.inflight === call) entry.inflight = undefined;
      this.pending.delete(call);
    };
    void call.then(settled, settled);
    return call;
  }

  /** Makes room for one more seat map: least recently used first, while over `keep` or expired with no call under way. */
  private sweepSeats(keep: number): void {
    const expiredBefore = this.opts.nowMs() - Math.max(this.opts.seatsTtlMs, this.opts.failureTtlMs);
    for (const [key, entry] of this.seatEntries) {
      const over = this.seatEntries.size > keep;
      const expired = !entry.inflight && Math.max(entry.valueAt, entry.failedAt) <= expiredBefore;
      if (!over && !expired) break;
      this.seatEntries.delete(key);
    }
  }
}

const seatKey = (providerId: string, showId: string) => `${providerId}\0${showId}`;
