// The catalogue's cache (show-cache.ts) as customers meet it: a booking server
// in this process with its cache clock in the test's hands, fake providers
// that count the calls they get, real HTTP on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import type { Order, ProviderDetails } from '../../../protocol/booking-api.js';
import type { CatalogueShow } from '../../../protocol/catalogue-api.js';
import { testStorage } from '../../common/testing/storage.js';
import { signedClient } from '../../common/testing/signed-client.js';
import type { BookingOptions, RunningBooking } from '../server.js';
import { FAKE_SHOW, startFakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { bookingClient, type BookingClient } from '../testing/http.js';
import { registerProvider, signUp, startTestBooking } from '../testing/setup.js';
import { FAILURE_TTL_MS, SEATS_TTL_MS, SHOWS_JITTER, SHOWS_TTL_MS, STALE_MS } from './show-cache.js';

const ADMIN = 'catalogue-admin-token-0123456789';
const SECRET = 'catalogue-fake-secret-0123456789';

interface Catalogue {
  shows: CatalogueShow[];
  unavailable: string[];
}
interface SeatMap {
  seats: { seatId: string; status: string }[];
}

interface Stack {
  booking: RunningBooking;
  api: BookingClient;
  fakes: FakeProvider[];
  /** the providers' IDs, in the order of `fakes` */
  ids: string[];
  /** moves the cache's clock on */
  tick(ms: number): void;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A booking server with `providers` fake providers registered, on a clock that moves only when told. */
async function stack(providers: number, opts: Partial<BookingOptions> = {}): Promise<Stack> {
  const store = await testStorage('sqlite', 'catalogue');
  cleanups.push(() => store.remove());
  const fakes = await Promise.all(Array.from({ length: providers }, () => startFakeProvider(SECRET)));
  cleanups.push(async () => void (await Promise.all(fakes.map((f) => f.close()))));
  let clockMs = 1_000_000;
  const booking = await startTestBooking({ dataDir: store.dir, adminToken: ADMIN, demo: true, ...opts, catalogueCache: { nowMs: () => clockMs, showsJitter: 0, answerRebuildMs: 0, ...opts.catalogueCache } });
  cleanups.push(() => booking.close());
  const api = bookingClient(booking.url);
  const ids: string[] = [];
  for (const [i, fake] of fakes.entries()) ids.push(await registerProvider(api, ADMIN, { verifyUrl: fake.url, secret: SECRET, name: `Fake ${i}` }));
  return { booking, api, fakes, ids, tick: (ms) => void (clockMs += ms) };
}

const catalogue = async (api: BookingClient) => {
  const res = await api.get<Catalogue>('/api/v1/shows');
  expect(res.status, res.text).toBe(200);
  return res.body;
};
const listed = (c: Catalogue) => c.shows.map((s) => s.providerId).sort();
const showsCalls = (s: Stack) => s.fakes.map((f) => f.calls.shows);

/** The catalogue cache counter's values from /metrics, by `kind/result`. */
async function cacheCounts(api: BookingClient): Promise<Record<string, number>> {
  const text = (await api.get('/metrics', { token: ADMIN })).text;
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^gatepost_booking_catalogue_cache_total\{kind="(\w+)",result="(\w+)"\} (\d+)$/gm)) counts[`${m[1]}/${m[2]}`] = Number(m[3]);
  return counts;
}

describe('the catalogue cache', () => {
  it('answers a stampede of 1,000 concurrent catalogue requests with one call per provider', async () => {
    // A generous timeout: the calls are under way while 1,000 requests arrive on two cores.
    const s = await stack(2, { providerTimeouts: { catalogue: 10_000 } });
    // Both providers take a while, so most requests arrive while the first calls are under way.
    for (const fake of s.fakes) {
      fake.mode.shows = 'slow';
      fake.slowMs = 300;
    }
    const replies = await Promise.all(Array.from({ length: 1000 }, () => s.api.get<Catalogue>('/api/v1/shows')));
    expect(replies.filter((r) => r.status !== 200).map((r) => r.text)).toEqual([]);
    for (const r of replies) expect([listed(r.body), r.body.unavailable]).toEqual([[...s.ids].sort(), []]);
    expect(showsCalls(s)).toEqual([1, 1]);
    const counts = await cacheCounts(s.api);
    expect(counts['shows/miss']).toBe(2);
    expect((counts['shows/shared'] ?? 0) + (counts['shows/hit'] ?? 0)).toBe(1998);
    expect(counts['shows/shared']).toBeGreaterThan(0);
  });

  it('asks again once the shows are older than their lifetime, serving the last list meanwhile; a provider found down is named', async () => {
    const s = await stack(2);
    await catalogue(s.api);
    expect(showsCalls(s)).toEqual([1, 1]);
    s.tick(SHOWS_TTL_MS - 1);
    await catalogue(s.api);
    expect(showsCalls(s)).toEqual([1, 1]);

    // Past the lifetime: the last list answers at once, and one refresh per provider runs behind it.
    const [, down] = s.fakes;
    down!.mode.shows = 'down';
    s.tick(1);
    const stale = await catalogue(s.api);
    expect([listed(stale), stale.unavailable]).toEqual([[...s.ids].sort(), []]);
    await s.booking.catalogue.idle();
    expect(showsCalls(s)).toEqual([2, 2]);

    // The refresh found the second provider down: named from then on, not shown from an old list,
    // and not asked again by every request while its failure is remembered.
    const named = await catalogue(s.api);
    expect([listed(named), named.unavailable]).toEqual([[s.ids[0]], [s.ids[1]]]);
    expect(showsCalls(s)).toEqual([2, 2]);
    s.tick(FAILURE_TTL_MS);
    down!.mode.shows = 'ok';
    const back = await catalogue(s.api);
    expect([listed(back), back.unavailable]).toEqual([[...s.ids].sort(), []]);
    expect(showsCalls(s)).toEqual([2, 3]);

    // A list too old to serve is waited for: a provider down by then is named at once.
    s.tick(STALE_MS);
    down!.mode.shows = 'down';
    const old = await catalogue(s.api);
    expect(old.unavailable).toEqual([s.ids[1]]);
    expect(showsCalls(s)).toEqual([3, 4]);
  });

  it('asks venues fetched together again at different times, each within its lifetime and a fraction more', async () => {
    const s = await stack(20, { catalogueCache: { showsJitter: SHOWS_JITTER } });
    await catalogue(s.api);
    expect(showsCalls(s).every((n) => n === 1)).toBe(true);
    // Within the lifetime: nobody is asked again.
    s.tick(SHOWS_TTL_MS - 1);
    await catalogue(s.api);
    await s.booking.catalogue.idle();
    expect(showsCalls(s).filter((n) => n > 1)).toHaveLength(0);
    // Partway through the fraction: some are asked again, not all (twenty coin tosses).
    s.tick((SHOWS_TTL_MS * SHOWS_JITTER) / 2);
    await catalogue(s.api);
    await s.booking.catalogue.idle();
    const early = showsCalls(s).filter((n) => n > 1).length;
    expect(early).toBeGreaterThan(0);
    expect(early).toBeLessThan(20);
    // Past it: every one has been asked again, once.
    s.tick((SHOWS_TTL_MS * SHOWS_JITTER) / 2 + 1);
    await catalogue(s.api);
    await s.booking.catalogue.idle();
    expect(showsCalls(s)).toEqual(Array(20).fill(2));
  });

  it('does not let a slow provider delay another’s shows', async () => {
    const s = await stack(2, { providerTimeouts: { catalogue: 1000 } });
    const [, slow] = s.fakes;
    slow!.mode.shows = 'slow';
    slow!.slowMs = 5000;
    // Nothing to show of the slow one yet: it is waited for up to its own timeout, no longer.
    const started = performance.now();
    const first = await catalogue(s.api);
    const took = performance.now() - started;
    expect(slow!.calls).toMatchObject({ shows: 1, showsAnswered: 0 }); // answered before the slow provider did
    expect(took).toBeLessThan(slow!.slowMs / 2);
    expect([listed(first), first.unavailable]).toEqual([[s.ids[0]], [s.ids[1]]]);

    // Once it has answered, its slowness delays nothing: its last list is served while a refresh waits on it.
    slow!.mode.shows = 'ok';
    s.tick(FAILURE_TTL_MS);
    expect(listed(await catalogue(s.api))).toEqual([...s.ids].sort());
    slow!.mode.shows = 'slow';
    s.tick(SHOWS_TTL_MS);
    const answered = slow!.calls.showsAnswered;
    const before = performance.now();
    const stale = await catalogue(s.api);
    expect(performance.now() - before).toBeLessThan(1000); // within the provider's timeout: not waited for
    expect([listed(stale), stale.unavailable]).toEqual([[...s.ids].sort(), []]);
    await s.booking.catalogue.idle(); // the refresh gives up after its timeout, unanswered
    expect(slow!.calls.showsAnswered).toBe(answered);
    expect((await catalogue(s.api)).unavailable).toEqual([s.ids[1]]);
  });

  it('serves a seat map for at most a second, and the buyer sees the seats just bought taken at once', async () => {
    const s = await stack(1);
    const [fake] = s.fakes;
    const token = await signUp(s.api, 'buyer@example.com');
    const path = `/api/v1/providers/${s.ids[0]}/shows/${FAKE_SHOW.showId}/seats`;
    const status = async (seatId: string) => {
      const res = await s.api.get<SeatMap>(path);
      expect(res.status, res.text).toBe(200);
      return res.body.seats.find((x) => x.seatId === seatId)?.status;
    };
    expect(await status('A1')).toBe('free');
    expect(await status('A1')).toBe('free');
    expect(fake!.calls.seats).toBe(1);

    const bought = await s.api.post<Order>('/api/v1/orders', { providerId: s.ids[0], showId: FAKE_SHOW.showId, seats: ['A1'], payment: { method: 'demo' } }, { token });
    expect(bought.status, bought.text).toBe(201);
    expect(await status('A1')).toBe('sold');
    expect(fake!.calls.seats).toBe(2);

    // Sold through somewhere else (another booking process): seen once the map is a second old.
    const elsewhere = await signedClient(fake!.url, SECRET).post('/v1/codes', {
      orderRef: 'o_elsewhere',
      showId: FAKE_SHOW.showId,
      seats: ['A2'],
      payment: { reference: 'r', amountCents: 1000, currency: 'CNY' },
    });
    expect(elsewhere.status, elsewhere.text).toBe(201);
    s.tick(SEATS_TTL_MS - 1);
    expect(await status('A2')).toBe('free');
    s.tick(1);
    expect(await status('A2')).toBe('sold');
    expect(fake!.calls.seats).toBe(3);
  });

  it('keeps a bounded number of seat maps, and remembers an unknown show briefly', async () => {
    const s = await stack(1, { catalogueCache: { maxSeatMaps: 3 } });
    const [fake] = s.fakes;
    const seats = (showId: string) => s.api.get<{ error?: string }>(`/api/v1/providers/${s.ids[0]}/shows/${showId}/seats`);
    for (let i = 0; i < 10; i++) expect((await seats(`nope-${i}`)).body.error).toBe('unknown_show');
    expect(s.booking.catalogue.size.seats).toBeLessThanOrEqual(3);
    expect(fake!.calls.seats).toBe(10);
    expect((await seats('nope-9')).body.error).toBe('unknown_show');
    expect(fake!.calls.seats).toBe(10);
    // Expired maps go as new ones come in.
    s.tick(Math.max(SEATS_TTL_MS, FAILURE_TTL_MS));
    expect((await seats(FAKE_SHOW.showId)).status).toBe(200);
    expect(s.booking.catalogue.size.seats).toBe(1);
  });

  it('drops a provider’s cached shows and seat maps when venue IT changes it', async () => {
    const s = await stack(1);
    const [fake] = s.fakes;
    const seatsPath = `/api/v1/providers/${s.ids[0]}/shows/${FAKE_SHOW.showId}/seats`;
    await catalogue(s.api);
    expect((await s.api.get(seatsPath)).status).toBe(200);
    expect([fake!.calls.shows, fake!.calls.seats]).toEqual([1, 1]);

    const moved = await startFakeProvider(SECRET);
    cleanups.push(() => moved.close());
    const patched = await s.api.call<ProviderDetails>('PATCH', `/api/v1/admin/providers/${s.ids[0]}`, { body: { verifyUrl: moved.url }, token: ADMIN });
    expect(patched.status, patched.text).toBe(200);
    // The clock has not moved: without the change, both would be answered from the cache.
    expect(listed(await catalogue(s.api))).toEqual([s.ids[0]]);
    expect((await s.api.get(seatsPath)).status).toBe(200);
    expect([moved.calls.shows, moved.calls.seats]).toEqual([1, 1]);
    expect([fake!.calls.shows, fake!.calls.seats]).toEqual([1, 1]);
  });
});
