// Verification server benchmark (not a test): /v1/verify at 64 concurrent
// connections, signed as the booking server signs, on SQLite (synchronous=FULL)
// and PostgreSQL, beside a bare Fastify route in the same run.
// Usage: npm run bench:provider [-- --seconds 10 --rounds 3]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CodesResponse } from '../protocol/provider-api.js';
import { signRequest } from '../protocol/signature.js';
import { startGatepost, type RunningCommand } from '../bin/testing/processes.js';
import { createTestDatabase, postgresAvailable } from '../server/common/testing/postgres.js';
import { signedClient } from '../server/common/testing/signed-client.js';
import { spawnTs } from './support/spawn.js';
import { cpuSeconds } from './support/cpu.js';
import { HEADER, load, row, type LoadResult } from './support/load.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
    // Profiles the providers: node --cpu-prof into DIR (read with bench:booking's --summary).
    'cpu-prof': { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const SECRET = 'bench-secret-0123456789abcdef';
const SHOWS = 40;
const ROUNDS = Number(values.rounds);
const ROWS = 26;
const PER_ROW = 99;

function programme(now: number) {
  return {
    venue: 'Bench Cinema',
    shows: Array.from({ length: SHOWS }, (_, i) => ({
      showId: `b${i}`,
      title: `Bench ${i}`,
      hall: `Hall ${i}`,
      startsAt: now + 600,
      endsAt: now + 7200,
      priceCents: 100,
      currency: 'EUR',
      rows: ROWS,
      seatsPerRow: PER_ROW,
    })),
  };
}

/** Sells every seat so each verify redeems a fresh code (the write path, not a cache hit). */
async function issueCodes(url: string): Promise<string[]> {
  const api = signedClient(url, SECRET);
  const codes: string[] = [];
  const orders = [];
  for (let s = 0; s < SHOWS; s++) {
    for (let r = 0; r < ROWS; r++) {
      const row = String.fromCharCode(65 + r);
      for (let n = 1; n <= PER_ROW; n += 20) {
        const seats = Array.from({ length: Math.min(20, PER_ROW - n + 1) }, (_, k) => `${row}${n + k}`);
        orders.push({ orderRef: `o-${s}-${row}-${n}`, showId: `b${s}`, seats, payment: { reference: 'bench', amountCents: 100 * seats.length, currency: 'EUR' } });
      }
    }
  }
  for (let i = 0; i < orders.length; i += 32) {
    const replies = await Promise.all(orders.slice(i, i + 32).map((o) => api.post<CodesResponse>('/v1/codes', o)));
    for (const r of replies) codes.push(...r.body.tickets.map((t) => t.code));
  }
  return codes;
}

/** Scan IDs are unique across every round: a repeated one would be a retry, answered from the first verdict. */
let scanSeq = 0;

function verifyLoad(url: string, codes: string[]): Promise<LoadResult> {
  let i = 0;
  return load({
    url,
    connections: CONNECTIONS,
    seconds: SECONDS,
    path: '/v1/verify',
    next: () => {
      const body = JSON.stringify({ code: codes[i++ % codes.length], gate: 'Bench Gate', scanId: `bench-${process.pid}-${scanSeq++}` });
      return { body, headers: { 'content-type': 'application/json', 'gatepost-signature': signRequest(SECRET, 'POST', '/v1/verify', body) } };
    },
  });
}

/** Starts a provider with every seat sold; `measure` runs one timed round of verifies on fresh codes. */
async function startProvider(label: string, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-'));
  const file = join(dir, 'programme.json');
  writeFileSync(file, JSON.stringify(programme(Math.floor(Date.now() / 1000))));
  const prof = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
  const server: RunningCommand = await startGatepost(['provider', '--port', '0', '--data', dir, '--booking-secret', SECRET, '--programme', file], env, 60_000, prof);
  const codes = await issueCodes(server.url);
  process.stderr.write(`${label}: ${codes.length} codes issued\n`);
  let offset = 0;
  return {
    async measure(): Promise<LoadResult & { cpuUs: number }> {
      process.stderr.write(`${label}: measuring ${SECONDS} s…\n`);
      const round = codes.slice(offset);
      const cpu0 = cpuSeconds(server.child.pid);
      if (values['cpu-prof']) process.stderr.write(`phase ${label} at ${process.hrtime.bigint() / 1000n} µs\n`);
      const result = await verifyLoad(server.url, round.length > 0 ? round : codes);
      if (values['cpu-prof']) process.stderr.write(`phase end at ${process.hrtime.bigint() / 1000n} µs\n`);
      offset += result.requests;
      return { ...result, cpuUs: ((cpuSeconds(server.child.pid) - cpu0) * 1e6) / result.requests };
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The machine's speed drifts over a run (shared cores): the bare route and the
// SQLite provider are measured in alternating rounds and the median round kept.
const bare = await spawnTs('bench/support/bare-server.ts');
const provider = await startProvider('provider on SQLite', { DATABASE_URL: '' });
const rounds: { bare: LoadResult & { cpuUs: number }; sqlite: LoadResult & { cpuUs: number } }[] = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    process.stderr.write(`round ${r + 1}/${ROUNDS}: bare route, measuring ${SECONDS} s…\n`);
    const cpu0 = cpuSeconds(bare.pid);
    const bareRound = await verifyLoad(bare.url, ['0'.repeat(32)]);
    const bareCpu = ((cpuSeconds(bare.pid) - cpu0) * 1e6) / bareRound.requests;
    rounds.push({ bare: { ...bareRound, cpuUs: bareCpu }, sqlite: await provider.measure() });
  }
} finally {
  await bare.stop();
  await provider.stop();
}
rounds.sort((a, b) => a.sqlite.rps / a.bare.rps - b.sqlite.rps / b.bare.rps);
const { bare: bareResult, sqlite } = rounds[Math.floor(rounds.length / 2)]!;
let postgres: LoadResult | undefined;
if (await postgresAvailable()) {
  const db = await createTestDatabase('gp_bench');
  const pg = await startProvider('provider on PostgreSQL', { DATABASE_URL: db.url });
  try {
    postgres = await pg.measure();
  } finally {
    await pg.stop();
    await db.drop();
  }
}

console.log(`\nPOST /v1/verify, ${CONNECTIONS} connections, ${SECONDS} s each, signed requests (node ${process.version}, ${(await import('node:os')).cpus().length} cores)\n`);
console.log(`rounds (bare → SQLite provider): ${rounds.map((r) => `${r.bare.rps.toFixed(0)} → ${r.sqlite.rps.toFixed(0)} (${((r.sqlite.rps / r.bare.rps) * 100).toFixed(0)}%)`).join(', ')}; the median round:\n`);
console.log(HEADER);
console.log(row('bare Fastify route (baseline)', bareResult));
console.log(row('provider, SQLite synchronous=FULL', sqlite, bareResult));
if (postgres) console.log(row('provider, PostgreSQL', postgres, bareResult));
const cpuMedian = (pick: (r: (typeof rounds)[number]) => number) => rounds.map(pick).sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
const bareCpu = cpuMedian((r) => r.bare.cpuUs);
const sqliteCpu = cpuMedian((r) => r.sqlite.cpuUs);
console.log(`\nserver CPU per request (median of rounds): bare route ${bareCpu.toFixed(0)} µs, provider on SQLite ${sqliteCpu.toFixed(0)} µs — the provider does ${((bareCpu / sqliteCpu) * 100).toFixed(0)}% of the bare route's requests per CPU second`);
const ratio = sqlite.rps / bareResult.rps;
console.log(`\ntarget: SQLite verify ≥ 50% of the bare route — ${(ratio * 100).toFixed(0)}%: ${ratio >= 0.5 ? 'met' : 'NOT met'}`);
