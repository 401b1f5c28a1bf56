// Growth benchmark (not a test): what the servers cost as tickets pile up.
// One database per engine grows step by step (10⁴, 10⁵, 10⁶ tickets by
// default), filled in bulk straight into the tables (support/season.ts); at
// the last step every ticket but the verify load's is redeemed, as at the end
// of a busy season. At each size:
//   - the verification server: signed POST /v1/verify at 64 connections, each
//     redeeming a fresh code (the same number of requests at every size, after
//     a warm-up), req/s, p50 and p99, and p99 against the first size's;
//   - the booking server: its start-up (spawn → ready line) with that many
//     issued tickets, beside its start-up on the empty database, and a fresh
//     station's first offline-bundle sync (every page) for a 50,000-seat show
//     sold out, most of it admitted: bytes and ms on loopback.
// Prints one table and draws verify p99 against size to bench/results/scale-p99.png.
// Usage: npm run bench:scale [-- --sizes 1e4,1e5 --engines sqlite --requests 8000]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { postgresAvailable } from '../server/common/testing/postgres.js';
import { bookingClient } from '../server/booking/testing/http.js';
import { REPO_ROOT, startGatepost, type RunningCommand } from '../testing/processes.js';
import { ownPostgresDatabase, postgresBulk, sqliteBulk, type Bulk } from './support/bulk.js';
import { type LoadResult } from './support/load.js';
import { logXLinePng } from './support/plot.js';
import { BENCH_SECRET, verifyLoad } from './support/provider-setup.js';
import { growBooking, growProvider, soldOutShowEvents } from './support/season.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1e4,1e5,1e6' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    connections: { type: 'string', default: '64' },
    // Verifies measured at each size, after `warmup` more: every one on a fresh code.
    requests: { type: 'string', default: '8000' },
    warmup: { type: 'string', default: '2000' },
    // The sold-out show of the offline bundle.
    'bundle-seats': { type: 'string', default: '50000' },
    'bundle-redeemed': { type: 'string', default: '45000' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const CONNECTIONS = Number(values.connections);
const REQUESTS = Number(values.requests);
const WARMUP = Number(values.warmup);
const FRESH = REQUESTS + WARMUP;
const BUNDLE_REDEEMED = Number(values['bundle-redeemed']);
// Refunded seats of the sold-out show: revoked codes in the bundle.
const BUNDLE_REVOKED = Math.round(Number(values['bundle-seats']) / 100);
const ADMIN = 'bench-admin-token-0123456789';
if (SIZES.some((s, i) => !Number.isInteger(s) || s % 1000 !== 0 || s < FRESH || (i > 0 && s <= SIZES[i - 1]!))) {
  throw new Error(`--sizes: increasing whole thousands, each at least --requests + --warmup (${FRESH})`);
}
const PG_ADMIN = process.env.GATEPOST_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Step {
  engine: string;
  size: number;
  fillProviderS: number;
  fillBookingS: number;
  verify: LoadResult;
  admitted: number;
  startupMs: number;
  /** spawn → the issued-ticket digests in memory (after the ready line) */
  digestsMs: number;
  bundleBytes: number;
  /** as sent, compressed */
  bundleWireBytes: number;
  bundleMs: number;
  bundlePages: number;
  bundleEntries: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** One engine's run: its own databases, grown through every size. */
async function runEngine(engine: 'sqlite' | 'postgres'): Promise<{ steps: Step[]; emptyStartupMs: number }> {
  const dirs = { provider: mkdtempSync(join(tmpdir(), 'gp-scale-p-')), booking: mkdtempSync(join(tmpdir(), 'gp-scale-b-')) };
  const pgDbs = engine === 'postgres' ? [await ownPostgresDatabase(PG_ADMIN, 'gatepost_bench_scale'), await ownPostgresDatabase(PG_ADMIN, 'gatepost_bench_scale_booking')] : [];
  const env = { provider: { DATABASE_URL: pgDbs[0]?.url ?? '' }, booking: { DATABASE_URL: pgDbs[1]?.url ?? '' } };
  const bulk = (server: 'provider' | 'booking'): Promise<Bulk> | Bulk =>
    engine === 'postgres' ? postgresBulk(env[server].DATABASE_URL) : sqliteBulk(join(dirs[server], `${server}.sqlite`));
  const startProvider = () => startGatepost(['provider', '--port', '0', '--data', dirs.provider, '--booking-secret', BENCH_SECRET], env.provider, 60_000);
  const startBooking = async () => {
    const t0 = performance.now();
    const server = await startGatepost(['booking', '--port', '0', '--data', dirs.booking, '--admin-token', ADMIN], env.booking, 120_000);
    const ms = performance.now() - t0;
    return { server, ms, digestsMs: (await digestsLoaded(server)) - t0 };
  };
  const steps: Step[] = [];
  let provider: RunningCommand | undefined;
  let booking: RunningCommand | undefined;
  try {
    // Both schemas, the provider registered, a customer, and the sold-out show's events.
    provider = await startProvider();
    booking = (await startBooking()).server;
    const api = bookingClient(booking.url);
    const registered = await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Scale', verifyUrl: provider.url, secret: BENCH_SECRET }, { token: ADMIN });
    if (registered.status !== 201 && registered.status !== 200) throw new Error(`provider registration: ${registered.status} ${registered.text}`);
    const providerId = registered.body.providerId;
    const user = await api.post('/api/v1/users', { email: 'scale@example.com', password: 'scale-password' });
    if (user.status !== 201 && user.status !== 200) throw new Error(`sign-up: ${user.status} ${user.text}`);
    await Promise.all([provider.stop(), booking.stop()]);
    provider = booking = undefined;
    const b0 = await bulk('booking');
    const userId = String(await b0.value('select user_id from users'));
    const keyId = Number(await b0.value('select max(key_id) from signing_keys'));
    await soldOutShowEvents(b0, providerId, Math.floor(Date.now() / 1000), BUNDLE_REDEEMED, BUNDLE_REVOKED);
    await b0.close();
    // The baseline: the same start on a database without tickets (median of three).
    const empty: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await startBooking();
      empty.push(started.ms);
      await started.server.stop();
    }
    const emptyStartupMs = empty.sort((a, b) => a - b)[1]!;
    log(`${engine}: booking start-up on an empty database ${emptyStartupMs.toFixed(0)} ms`);

    let have = 0;
    for (const [index, size] of SIZES.entries()) {
      const now = Math.floor(Date.now() / 1000);
      const redeemAll = index === SIZES.length - 1 && index > 0;
      log(`${engine} ${size}: filling the provider's tables${redeemAll ? ' (all but the load\'s codes redeemed)' : ''}…`);
      let t0 = performance.now();
      const pb = await bulk('provider');
      const codes = await growProvider(pb, { from: have, to: size, fresh: FRESH, redeemAll, now });
      await pb.close();
      const fillProviderS = seconds(t0);
      log(`${engine} ${size}: filling the booking server's tickets…`);
      t0 = performance.now();
      const bb = await bulk('booking');
      await growBooking(bb, { from: have, to: size, userId, providerId, keyId, now });
      await bb.close();
      const fillBookingS = seconds(t0);
      have = size;

      provider = await startProvider();
      log(`${engine} ${size}: ${WARMUP} verifies to warm up, then ${REQUESTS} measured…`);
      await verifyLoad(provider.url, codes.slice(0, WARMUP), CONNECTIONS, 60, WARMUP);
      const verify = await verifyLoad(provider.url, codes.slice(WARMUP), CONNECTIONS, 60, REQUESTS);
      // Little's law over the connections kept busy: autocannon ends a run of a set
      // number of requests on its one-second tick, so requests ÷ elapsed comes in steps.
      verify.rps = (CONNECTIONS * 1000) / verify.mean;
      await provider.stop();
      provider = undefined;
      const check = await bulk('provider');
      const admitted = Number(await check.value(`select count(*) from tickets where redeemed_scan_id like 'bench-%'`));
      await check.close();

      const started = await startBooking();
      booking = started.server;
      const bundle = await firstSync(booking.url, providerId);
      await booking.stop();
      booking = undefined;
      steps.push({ engine, size, fillProviderS, fillBookingS, verify, admitted, startupMs: started.ms, digestsMs: started.digestsMs, ...bundle });
      log(`${engine} ${size}: filled in ${fillProviderS.toFixed(1)} + ${fillBookingS.toFixed(1)} s; verify ${verify.rps.toFixed(0)} req/s p50 ${verify.p50} ms p99 ${verify.p99} ms; booking start-up ${started.ms.toFixed(0)} ms (digests in ${started.digestsMs.toFixed(0)} ms); bundle ${bundle.bundleBytes} B (${bundle.bundleWireBytes} on the wire) in ${bundle.bundleMs.toFixed(0)} ms`);
    }
    return { steps, emptyStartupMs };
  } finally {
    await provider?.stop();
    await booking?.stop();
    for (const d of pgDbs) await d.drop();
    rmSync(dirs.provider, { recursive: true, force: true });
    rmSync(dirs.booking, { recursive: true, force: true });
  }
}

/** When the booking server's log says its start-up load of issued-ticket digests is done (performance.now()). */
function digestsLoaded(server: RunningCommand): Promise<number> {
  const done = (line: string) => line.includes('issued-ticket digests loaded');
  if (server.output.some(done)) return Promise.resolve(performance.now());
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: server.child.stdout! });
    const timer = setTimeout(() => {
      lines.close();
      reject(new Error('the booking server never logged "issued-ticket digests loaded" (120 s)'));
    }, 120_000);
    lines.on('line', (line) => {
      if (!done(line)) return;
      clearTimeout(timer);
      lines.close();
      resolve(performance.now());
    });
  });
}

/** A newly enrolled station's first sync: every page of the offline bundle, as the station asks for them. */
async function firstSync(url: string, providerId: string) {
  const api = bookingClient(url);
  const created = await api.post<{ enrollment: string }>('/api/v1/admin/stations', { providerId, gate: 'Scale Gate' }, { token: ADMIN });
  const token = (await api.post<{ token: string }>('/api/v1/station/enroll', { enrollment: created.body.enrollment })).body.token;
  let since = '';
  let bytes = 0;
  let wireBytes = 0;
  let pages = 0;
  let entries = 0;
  const t0 = performance.now();
  for (;;) {
    // As the station's client asks (axios: br and gzip); fetch decodes, content-length is the wire's.
    const res = await fetch(`${url}/api/v1/station/offline-bundle${since ? `?since=${since}` : ''}`, {
      headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip, deflate, br' },
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`offline bundle: ${res.status} ${text}`);
    bytes += Buffer.byteLength(text);
    wireBytes += Number(res.headers.get('content-length') ?? Buffer.byteLength(text));
    pages++;
    const page = JSON.parse(text) as { revoked: string[]; redeemed: unknown[]; cursor: string; more: boolean };
    entries += page.revoked.length + page.redeemed.length;
    since = page.cursor;
    if (!page.more) break;
  }
  return { bundleBytes: bytes, bundleWireBytes: wireBytes, bundleMs: performance.now() - t0, bundlePages: pages, bundleEntries: entries };
}

const load0 = loadavg();
const engines = values.engines.split(',') as ('sqlite' | 'postgres')[];
const results: { steps: Step[]; emptyStartupMs: number }[] = [];
for (const engine of engines) {
  if (engine === 'postgres' && !(await postgresAvailable())) continue;
  results.push(await runEngine(engine));
}
const load1 = loadavg();

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const head = ['engine', 'tickets', 'fill s (prov+book)', 'verify req/s', 'p50 ms', 'p99 ms', 'p99 vs first', 'booking start ms', 'vs empty', 'digests in ms', 'bundle bytes', 'on the wire', 'bundle ms'];
const widths = [8, 10, 19, 12, 7, 7, 12, 16, 8, 13, 13, 11, 9];
const line = (cells: string[]) => cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`\nGrowth: POST /v1/verify at ${CONNECTIONS} connections, ${REQUESTS} signed verifies on fresh codes per size after ${WARMUP} to warm up;`);
console.log(`booking start-up spawn → ready line; first offline-bundle sync of a ${values['bundle-seats']}-seat show, ${BUNDLE_REDEEMED} admitted, ${BUNDLE_REVOKED} refunded`);
console.log(`(node ${process.version}, ${cpus().length} cores, load average ${load0.map((l) => l.toFixed(2)).join(' ')} at the start, ${load1.map((l) => l.toFixed(2)).join(' ')} at the end)\n`);
console.log(line(head));
const verdicts: string[] = [];
for (const { steps, emptyStartupMs } of results) {
  const first = steps[0]!;
  for (const s of steps) {
    console.log(
      line([
        s.engine,
        fmt(s.size),
        `${fmt(s.fillProviderS, 1)}+${fmt(s.fillBookingS, 1)}`,
        fmt(s.verify.rps),
        fmt(s.verify.p50, 1),
        fmt(s.verify.p99, 1),
        `${fmt(s.verify.p99 / first.verify.p99, 2)}×`,
        fmt(s.startupMs),
        `${fmt(s.startupMs / emptyStartupMs, 2)}×`,
        fmt(s.digestsMs),
        fmt(s.bundleBytes),
        fmt(s.bundleWireBytes),
        fmt(s.bundleMs),
      ]),
    );
    if (s.verify.errors + s.verify.non2xx > 0 || s.admitted < (steps.indexOf(s) + 1) * FRESH) {
      verdicts.push(`${s.engine} ${fmt(s.size)}: ${s.verify.errors + s.verify.non2xx} errors, ${s.admitted} codes admitted by the load so far (expected ${(steps.indexOf(s) + 1) * FRESH})`);
    }
  }
  const last = steps[steps.length - 1]!;
  console.log(`${first.engine}: booking start-up on the empty database ${fmt(emptyStartupMs)} ms; bundle ${last.bundlePages} pages, ${fmt(last.bundleEntries)} entries, ${fmt(last.bundleBytes / last.bundleEntries, 1)} bytes an entry, ${fmt(last.bundleWireBytes / last.bundleEntries, 1)} on the wire`);
  if (steps.length > 1) {
    const ratio = last.verify.p99 / first.verify.p99;
    verdicts.push(`${last.engine}: verify p99 at ${fmt(last.size)} ≤ 1.5× its p99 at ${fmt(first.size)} — ${fmt(ratio, 2)}×: ${ratio <= 1.5 ? 'met' : 'NOT met'}`);
  }
  verdicts.push(
    `${last.engine}: booking start-up at ${fmt(last.size)} ≤ 3 s — ready in ${fmt(last.startupMs / 1000, 2)} s, its digests loaded at ${fmt(last.digestsMs / 1000, 2)} s: ${last.digestsMs <= 3000 ? 'met' : last.startupMs <= 3000 ? 'met for the ready line, not for the digests' : 'NOT met'}`,
  );
  verdicts.push(`${last.engine}: first bundle sync ≤ 2 MB and ≤ 1 s — ${fmt(last.bundleWireBytes / 1e6, 2)} MB on the wire (${fmt(last.bundleBytes / 1e6, 2)} MB decoded), ${fmt(last.bundleMs)} ms: ${last.bundleWireBytes <= 2e6 && last.bundleMs <= 1000 ? 'met' : 'NOT met'}`);
}
console.log(`\n${verdicts.join('\n')}`);

// A run of one size has no growth to draw: the plot the README links is left as it is.
if (SIZES.length > 1) {
  const png = join(REPO_ROOT, 'bench', 'results', 'scale-p99.png');
  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  const names: Record<string, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
  await logXLinePng(
    png,
    results.flatMap((r) => r.steps.map((s) => ({ x: s.size, y: s.verify.p99, series: names[s.engine]! }))),
    { title: `POST /v1/verify p99 as tickets grow (${CONNECTIONS} connections)`, x: 'tickets in the database', y: 'p99 latency (ms)' },
  );
  console.log(`\nplot: ${png}`);
} else {
  console.log('\nplot: not drawn for a single size');
}
