// npm run bench:journal — a long offline spell at a busy gate, on loopback
// with the real booking and provider servers (child processes, SQLite).
//  1. A station core (policy `signed`) admits 2,000 distinct tickets while the
//     provider process is stopped: the time of one offline admission (journal
//     append with fsync included), at the start and with 2,000 in the journal.
//  2. The provider is back: the time to upload those 2,000 admissions, station
//     → booking → provider, until the journal is empty.
//  3. Beside it, in the same run: the same request bodies (the station's byte
//     batches) POSTed one after the other to a bare Fastify route, its own process.
// Target: the upload of 2,000 admissions under 10 s.
// Usage: npm run bench:journal [-- --tickets 2000]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pino from 'pino';
import { request } from 'undici';
import { StationCore } from '../main/core/station.js';
import { startStack, type Ticket } from '../main/testing/stack.js';
import { BATCH_BODY_BYTES, batchByBytes } from '../protocol/limits.js';
import { spawnTs } from './support/spawn.js';

const { values } = parseArgs({ options: { tickets: { type: 'string', default: '2000' } } });
const TICKETS = Number(values.tickets);
const SEATS_PER_SHOW = 26 * 45;
const log = pino({ level: 'silent' });

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!;

const now = Math.floor(Date.now() / 1000);
const work = mkdtempSync(join(tmpdir(), 'gp-bench-journal-'));
const programme = join(work, 'programme.json');
const shows = Math.ceil(TICKETS / SEATS_PER_SHOW);
writeFileSync(
  programme,
  JSON.stringify({
    venue: 'Bench Cinema',
    shows: Array.from({ length: shows }, (_, i) => ({ showId: `bench-${i + 1}`, title: 'Long Night', hall: `Hall ${i + 1}`, startsAt: now + 1800, endsAt: now + 9000, priceCents: 100, currency: 'CNY', rows: 26, seatsPerRow: 45 })),
  }),
);

console.log(`journal bench: starting provider and booking servers, buying ${TICKETS} tickets…`);
const stack = await startStack({ providerArgs: ['--programme', programme] });
const bare = await spawnTs('bench/support/bare-server.ts');
let core: StationCore | undefined;
try {
  const per = Math.ceil(TICKETS / shows);
  const bought = await Promise.all(Array.from({ length: shows }, (_, i) => stack.buyTickets(Math.min(per, TICKETS - i * per), `bench-${i + 1}`)));
  const tickets: Ticket[] = bought.flat();

  const dir = join(work, 'station');
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ ...(await stack.enrolledConfig('Bench Gate')), offlinePolicy: 'signed' }));
  // No retry timer: the upload below is the only one, and it is timed.
  core = new StationCore({ configFile, log, verifier: { journalRetryMs: 3_600_000 } });
  await core.start();
  if (!(await core.verifier.refreshBundle())) throw new Error('no offline bundle');

  // ---- 1: offline admissions
  await stack.stopProvider();
  const admitMs: number[] = [];
  for (const t of tickets) {
    const started = performance.now();
    const v = await core.submit({ text: t.payload, source: 'serial' }, 'serial');
    admitMs.push(performance.now() - started);
    if (v?.result !== 'admitted') throw new Error(`not admitted offline: ${JSON.stringify(v)}`);
  }
  const pending = core.verifier.journal.pendingCount;
  if (pending !== TICKETS) throw new Error(`${pending} pending, expected ${TICKETS}`);

  // The bodies the station is about to send, for the bare baseline.
  const bodies = batchByBytes(
    core.verifier.journal.pending().map((e) => ({ payload: e.payload, scanId: e.scanId, at: e.at })),
    'redemptions',
    BATCH_BODY_BYTES,
    500,
  ).map((batch) => JSON.stringify({ redemptions: batch }));
  const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);

  // ---- 2: the upload, station → booking → provider
  await stack.startProvider();
  const started = performance.now();
  await core.verifier.uploadJournal();
  const uploadMs = performance.now() - started;
  const left = core.verifier.journal.pendingCount;
  const stationId = (JSON.parse((await import('node:fs')).readFileSync(configFile, 'utf8')) as { enrollment: { stationId: string } }).enrollment.stationId;
  const db = new Database(join(stack.dir, 'provider', 'provider.sqlite'), { readonly: true });
  const redeemed = (db.prepare('SELECT count(*) AS n FROM tickets WHERE redeemed_scan_id LIKE ?').get(`${stationId}/%`) as { n: number }).n;
  db.close();

  // ---- 3: the same bodies to a bare route
  const bareRuns: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    for (const body of bodies) {
      const res = await request(`${bare.url}/api/v1/station/journal`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`bare answered ${res.statusCode}`);
    }
    bareRuns.push(performance.now() - t0);
  }
  const bareMs = median(bareRuns);

  console.log(`\n${TICKETS} offline admissions (core.submit → booking says provider_unavailable → local check → journal append, fsync)`);
  console.log(`  one admission, first 100:          median ${fmt(median(admitMs.slice(0, 100)))}  p99 ${fmt(p99(admitMs.slice(0, 100)))}`);
  console.log(`  one admission, last 100 (≈${TICKETS} in journal): median ${fmt(median(admitMs.slice(-100)))}  p99 ${fmt(p99(admitMs.slice(-100)))}`);
  console.log(`\nupload: ${bodies.length} requests, ${(bytes / 1024).toFixed(0)} KiB in all, each ≤ ${(BATCH_BODY_BYTES / 1024).toFixed(0)} KiB`);
  console.log(`  station → booking → provider:       ${(uploadMs / 1000).toFixed(2)} s  (${left} left pending; ${redeemed} redeemed on the provider)`);
  console.log(`  same bodies → bare Fastify route:   ${(bareMs / 1000).toFixed(3)} s  (median of 3)`);
  console.log(`  ratio (upload / bare):              ${(uploadMs / bareMs).toFixed(1)}×`);
  console.log(`\ntarget: upload of ${TICKETS} admissions < 10 s — ${(uploadMs / 1000).toFixed(2)} s: ${uploadMs < 10_000 && left === 0 && redeemed === TICKETS ? 'met' : 'NOT met'}`);
} finally {
  await core?.close();
  await bare.stop();
  await stack.close();
  rmSync(work, { recursive: true, force: true });
}
