// Verification server benchmark (not a test): /v1/verify at 64 concurrent
// connections, signed as the booking server signs, on SQLite (synchronous=FULL)
// and PostgreSQL, beside a bare Fastify route in the same run.
// Usage: npm run bench:provider [-- --seconds 10]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CodesResponse } from '../protocol/provider-api.js';
import { signRequest } from '../protocol/signature.js';
import { startGatepost, type RunningCommand } from '../server/common/testing/processes.js';
import { createTestDatabase, postgresAvailable } from '../server/common/testing/postgres.js';
import { signedClient } from '../server/common/testing/signed-client.js';
import { spawnTs } from './support/spawn.js';
import { HEADER, load, row, type LoadResult } from './support/load.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '64' } } });
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const SECRET = 'bench-secret-0123456789abcdef';
const SHOWS = 12;
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

function verifyLoad(url: string, codes: string[]): Promise<LoadResult> {
  let i = 0;
  return load({
    url,
    connections: CONNECTIONS,
    seconds: SECONDS,
    path: '/v1/verify',
    next: () => {
      const body = JSON.stringify({ code: codes[i % codes.length], gate: 'Bench Gate', scanId: `bench-${process.pid}-${i++}` });
      return { body, headers: { 'content-type': 'application/json', 'gatepost-signature': signRequest(SECRET, 'POST', '/v1/verify', body) } };
    },
  });
}

async function runProvider(label: string, env: Record<string, string>): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-'));
  const file = join(dir, 'programme.json');
  writeFileSync(file, JSON.stringify(programme(Math.floor(Date.now() / 1000))));
  let server: RunningCommand | undefined;
  try {
    server = await startGatepost(['provider', '--port', '0', '--data', dir, '--booking-secret', SECRET, '--programme', file], { ...env, GATEPOST_LOG_LEVEL: 'warn' }, 60_000);
    const codes = await issueCodes(server.url);
    process.stderr.write(`${label}: ${codes.length} codes issued, measuring ${SECONDS} s…\n`);
    return await verifyLoad(server.url, codes);
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const bare = await spawnTs('bench/support/bare-server.ts');
let bareResult: LoadResult;
try {
  process.stderr.write(`bare route: measuring ${SECONDS} s…\n`);
  bareResult = await verifyLoad(bare.url, ['0'.repeat(32)]);
} finally {
  await bare.stop();
}
const sqlite = await runProvider('provider on SQLite', { DATABASE_URL: '' });
let postgres: LoadResult | undefined;
if (await postgresAvailable()) {
  const db = await createTestDatabase('gp_bench');
  try {
    postgres = await runProvider('provider on PostgreSQL', { DATABASE_URL: db.url });
  } finally {
    await db.drop();
  }
}

console.log(`\nPOST /v1/verify, ${CONNECTIONS} connections, ${SECONDS} s each, signed requests (node ${process.version}, ${(await import('node:os')).cpus().length} cores)\n`);
console.log(HEADER);
console.log(row('bare Fastify route (baseline)', bareResult));
console.log(row('provider, SQLite synchronous=FULL', sqlite, bareResult));
if (postgres) console.log(row('provider, PostgreSQL', postgres, bareResult));
const ratio = sqlite.rps / bareResult.rps;
console.log(`\ntarget: SQLite verify ≥ 50% of the bare route — ${(ratio * 100).toFixed(0)}%: ${ratio >= 0.5 ? 'met' : 'NOT met'}`);
