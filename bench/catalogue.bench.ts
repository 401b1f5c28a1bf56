// Catalogue benchmark (not a test): a booking server (its own process, SQLite)
// carrying many venues' programmes, browsed by customers (`?day=first`, the
// page's first request) while the venues' lists are refreshed from their
// servers every 5 s and change with each refresh, as on a selling day. Beside
// it, a probe asks the same server's /healthz every 20 ms: how long a scan
// relayed through that thread would wait. The baseline is the same probe with
// nobody browsing.
// Usage: npm run bench:catalogue [-- --venues 10,100 --shows 1800 --seconds 20 --rate 200 --connections 16 --quiet --cpu-prof DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startGatepost } from '../testing/processes.js';
import { load } from './support/load.js';
import { spawnTs } from './support/spawn.js';

const { values } = parseArgs({
  options: {
    venues: { type: 'string', default: '10,100' },
    shows: { type: 'string', default: '1800' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
    // Catalogue requests a second from all customers: a busy platform's evening, not the most the server can answer.
    rate: { type: 'string', default: '200' },
    // Lists that do not change between refreshes (a quiet afternoon) instead of a selling day.
    quiet: { type: 'boolean', default: false },
    // Profiles the booking server: node --cpu-prof into DIR (read with bench:booking's --summary).
    'cpu-prof': { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const ADMIN = 'bench-catalogue-admin-token-0123';
/** the slowest probe while customers browse a platform's catalogue (ms), against the station's 2 s wait for a verdict */
const TARGET_PROBE_MAX_MS = 100;

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

/** /healthz every 20 ms until `until` resolves: each answer's time. */
async function probe(url: string, until: Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const t0 = performance.now();
    await fetch(`${url}/healthz`).then((r) => r.arrayBuffer());
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  return times;
}

async function run(venues: number, shows: number): Promise<void> {
  const providers = await spawnTs('bench/support/programme-providers.ts', [String(venues), String(shows), values.quiet ? 'quiet' : 'selling']);
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-catalogue-'));
  const booking = await startGatepost(['booking', '--port', '0', '--data', dir, '--admin-token', ADMIN, '--reminder-interval-ms', '0'], { DATABASE_URL: '', GATEPOST_LOG_LEVEL: 'warn' }, 45_000, values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : []);
  try {
    for (let v = 0; v < venues; v++) {
      const res = await fetch(`${booking.url}/api/v1/admin/providers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Cinema ${v}`, verifyUrl: `${providers.url}/p/${v}`, secret: `bench-catalogue-secret-${v}-0123456789`, timeZone: 'Europe/Berlin' }),
      });
      if (res.status !== 201) throw new Error(`registering venue ${v}: ${res.status} ${await res.text()}`);
    }
    const first = await fetch(`${booking.url}/api/v1/shows?day=first`).then((r) => r.json() as Promise<{ shows: unknown[]; days: unknown[]; unavailable: string[] }>);
    if (first.unavailable.length > 0) throw new Error(`${first.unavailable.length} venues unavailable at the start`);
    process.stderr.write(`${venues} venues × ${shows} shows: ${first.days.length} days, ${first.shows.length} showtimes on the first; measuring ${SECONDS} s alone, then ${SECONDS} s browsed…\n`);

    const alone = await probe(booking.url, new Promise((r) => setTimeout(r, SECONDS * 1000)));
    const browsing = load({ url: booking.url, connections: Number(values.connections), seconds: SECONDS, method: 'GET', path: '/api/v1/shows?day=first', rate: Number(values.rate), next: () => ({ body: '', headers: { 'accept-encoding': 'gzip' } }) });
    const browsed = await probe(booking.url, browsing);
    const customers = await browsing;
    const line = (label: string, xs: number[]) => `${label.padEnd(28)} ${quantile(xs, 0.5).toFixed(1).padStart(8)} ${quantile(xs, 0.99).toFixed(1).padStart(8)} ${Math.max(...xs).toFixed(1).padStart(8)}`;
    console.log(`\n${venues} venues × ${shows} showtimes (${values.quiet ? 'lists unchanged between refreshes' : 'a seat sold between refreshes'}), ${values.rate} catalogue requests a second over ${values.connections} connections, ${SECONDS} s`);
    console.log(`${'/healthz probe'.padEnd(28)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
    console.log(line('nobody browsing (baseline)', alone));
    console.log(line('customers browsing', browsed));
    console.log(`customers: ${customers.rps.toFixed(0)} catalogue answers/s, p50 ${customers.p50} ms, p99 ${customers.p99} ms, ${customers.errors} errors`);
    const max = Math.max(...browsed);
    console.log(`slowest probe ${max.toFixed(1)} ms against ${Math.max(...alone).toFixed(1)} ms alone (${(max / Math.max(...alone)).toFixed(1)}×); target ≤ ${TARGET_PROBE_MAX_MS} ms: ${max <= TARGET_PROBE_MAX_MS ? 'met' : 'NOT met'}`);
  } finally {
    await booking.stop();
    await providers.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const venues of values.venues.split(',').map(Number)) await run(venues, Number(values.shows));
