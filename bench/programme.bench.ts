// A multiplex's programme beside its gates (benchmark, not a test): a verification
// server on SQLite holding every show a multiplex sells ahead (default 10 halls ×
// 6 shows a day × 60 days = 3,600 shows of 200 seats), verifies at the gate, and
// the booking server's catalogue refresh (GET /v1/shows, every second here: five
// booking processes at its 5 s cache). Alternating rounds: verifies alone (the
// baseline), then the same verifies while the catalogue is fetched. On SQLite a
// listing holds the server's one thread, so the verifies that arrive meanwhile
// wait for it: the slowest verify of a round is what a refresh costs a gate
// (a few requests a second: p99 does not see them). Also the listing's own time,
// and the staff programme's (GET /v1/programme).
// The first --sold-days days are sold out (a busy week), the rest unsold.
// Usage: npm run bench:programme [-- --halls 10 --days 60 --per-day 6 --sold-days 7 --seconds 8 --rounds 3 --connections 4]
import { parseArgs } from 'node:util';
import { signedClient } from '../server/common/testing/signed-client.js';
import { multiplexShows } from '../server/provider/testing/multiplex.js';
import { BENCH_SECRET, startBenchProvider, verifyLoad } from './support/provider-setup.js';
import type { LoadResult } from './support/load.js';

const { values } = parseArgs({
  options: {
    halls: { type: 'string', default: '10' },
    days: { type: 'string', default: '60' },
    'per-day': { type: 'string', default: '6' },
    'sold-days': { type: 'string', default: '7' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '4' },
    'refresh-ms': { type: 'string', default: '1000' },
  },
});
const HALLS = Number(values.halls);
const DAYS = Number(values.days);
const PER_DAY = Number(values['per-day']);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const REFRESH_MS = Number(values['refresh-ms']);
const SOLD_DAYS = Number(values['sold-days']);

const now = Math.floor(Date.now() / 1000);
const multiplex = multiplexShows({ now, halls: HALLS, days: DAYS, perDay: PER_DAY, priceCents: 4500 });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

process.stderr.write(`provider: ${multiplex.length} shows (${multiplex.length * 200} seats) and one sold-out show for the gate…\n`);
const started = Date.now();
const { server, codes, stop } = await startBenchProvider({ DATABASE_URL: '' }, [], [], 1, multiplex);
process.stderr.write(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s, ${codes.length} codes\n`);
const api = signedClient(server.url, BENCH_SECRET);

/** Every seat of the first SOLD_DAYS days' shows, 20 to an order, 32 orders at a time. */
async function sellOut(): Promise<number> {
  const orders = multiplex
    .filter((show) => show.startsAt < now + SOLD_DAYS * 86_400)
    .flatMap((show) =>
      Array.from({ length: show.rows }, (_, r) => ({
        orderRef: `sold-${show.showId}-${r}`,
        showId: show.showId,
        seats: Array.from({ length: show.seatsPerRow }, (_, n) => `${String.fromCharCode(65 + r)}${n + 1}`),
        payment: { reference: 'bench', amountCents: 4500 * show.seatsPerRow, currency: 'EUR' },
      })),
    );
  for (let i = 0; i < orders.length; i += 32) {
    const replies = await Promise.all(orders.slice(i, i + 32).map((o) => api.post('/v1/codes', o)));
    const failed = replies.find((r) => r.status !== 201);
    if (failed) throw new Error(`selling out answered ${failed.status}: ${failed.text}`);
  }
  return orders.reduce((n, o) => n + o.seats.length, 0);
}
const sold = await sellOut();
process.stderr.write(`${sold} seats sold\n`);

/** One timed signed GET; its size and milliseconds. */
async function timed(path: string): Promise<{ ms: number; shows: number }> {
  const t0 = performance.now();
  const res = await api.get<{ shows: unknown[] }>(path);
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  return { ms: performance.now() - t0, shows: res.body.shows.length };
}

/** Fetches the catalogue every REFRESH_MS until stopped; each fetch's milliseconds. */
function refreshing(): { stop(): Promise<number[]> } {
  const times: number[] = [];
  let live = true;
  const loop = (async () => {
    while (live) {
      const t0 = Date.now();
      times.push((await timed('/v1/shows')).ms);
      await new Promise((r) => setTimeout(r, Math.max(0, REFRESH_MS - (Date.now() - t0))));
    }
  })();
  return {
    async stop() {
      live = false;
      await loop;
      return times;
    },
  };
}

try {
  const listing: number[] = [];
  const programme: number[] = [];
  let listed = 0;
  for (let i = 0; i < 7; i++) {
    const l = await timed('/v1/shows');
    listed = l.shows;
    listing.push(l.ms);
    programme.push((await timed('/v1/programme')).ms);
  }
  const rounds: { alone: LoadResult; refreshed: LoadResult; fetches: number[] }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    process.stderr.write(`round ${r + 1}/${ROUNDS}: verifies alone, ${SECONDS} s…\n`);
    const alone = await verifyLoad(server.url, codes, CONNECTIONS, SECONDS);
    process.stderr.write(`round ${r + 1}/${ROUNDS}: verifies with the catalogue fetched every ${REFRESH_MS} ms…\n`);
    const refresh = refreshing();
    const refreshed = await verifyLoad(server.url, codes, CONNECTIONS, SECONDS);
    rounds.push({ alone, refreshed, fetches: await refresh.stop() });
  }

  const fmt = (x: number) => x.toFixed(1).padStart(8);
  console.log(`\n${multiplex.length} shows of 200 seats on SQLite (synchronous=FULL), ${sold} seats sold (the first ${SOLD_DAYS} days); ${listed} listed to customers; verifies at ${CONNECTIONS} connections, ${SECONDS} s a phase (node ${process.version})\n`);
  console.log(`GET /v1/shows (the catalogue): median ${median(listing).toFixed(1)} ms, slowest ${Math.max(...listing).toFixed(1)} ms of ${listing.length}`);
  console.log(`GET /v1/programme (staff):     median ${median(programme).toFixed(1)} ms, slowest ${Math.max(...programme).toFixed(1)} ms of ${programme.length}\n`);
  console.log(`${'round'.padEnd(6)} ${'alone p50'.padStart(10)} ${'p99'.padStart(8)} ${'max'.padStart(8)} ${'req/s'.padStart(7)}   ${'refreshed p50'.padStart(13)} ${'p99'.padStart(8)} ${'max'.padStart(8)} ${'req/s'.padStart(7)}  fetches (median ms)`);
  for (const [i, r] of rounds.entries()) {
    const cells = (x: LoadResult) => `${fmt(x.p99)} ${fmt(x.max)} ${x.rps.toFixed(0).padStart(7)}`;
    console.log(`${String(i + 1).padEnd(6)} ${fmt(r.alone.p50).padStart(10)} ${cells(r.alone)}   ${fmt(r.refreshed.p50).padStart(13)} ${cells(r.refreshed)}  ${r.fetches.length} (${median(r.fetches).toFixed(0)})`);
  }
  const worstAlone = median(rounds.map((r) => r.alone.max));
  const worst = median(rounds.map((r) => r.refreshed.max));
  console.log(`\nthe slowest verify (median of rounds): ${worstAlone.toFixed(0)} ms alone, ${worst.toFixed(0)} ms with the catalogue fetched (${(worst / Math.max(worstAlone, 1)).toFixed(1)}×)`);
  // The listing's target is for the default programme (3,600 shows); larger ones show how it grows.
  const listingTarget = multiplex.length <= 3600 ? (median(listing) <= 100 ? 'met' : 'NOT met') : `no target at ${multiplex.length} shows (the target is for 3,600)`;
  console.log(`target: the catalogue of a 10-hall multiplex selling 60 days ahead in ≤ 100 ms — ${median(listing).toFixed(0)} ms: ${listingTarget}`);
  console.log(`target: no verify waits more than 250 ms for a catalogue fetch (slowest verify, median round) — ${worst.toFixed(0)} ms: ${worst <= 250 ? 'met' : 'NOT met'}`);
} finally {
  await stop();
}
