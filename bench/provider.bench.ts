// Verification server benchmark (not a test): /v1/verify at 64 concurrent
// connections, signed as the booking server signs, on SQLite (synchronous=FULL)
// and PostgreSQL, beside a bare Fastify route in the same run.
// Usage: npm run bench:provider [-- --seconds 10 --rounds 3 --only sqlite|postgres --nonce-window 6000000]
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createTestDatabase, postgresAvailable } from '../server/common/testing/postgres.js';
import { NONCE_BUCKET_S } from '../server/provider/shared-nonces.js';
import { spawnTs } from './support/spawn.js';
import { cpuSeconds, cpuSecondsOf } from './support/cpu.js';
import { HEADER, row, type LoadResult } from './support/load.js';
import { startBenchProvider, verifyLoad } from './support/provider-setup.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
    // Codes issued per provider: enough for every round at this many verifies a second, all fresh.
    'codes-per-second': { type: 'string', default: '16000' },
    // Profiles the providers: node --cpu-prof into DIR (read with bench:booking's --summary).
    'cpu-prof': { type: 'string' },
    // Only one provider: sqlite or postgres (default both).
    only: { type: 'string' },
    // PostgreSQL: nonces already in the shared window when the rounds start, as at a platform taking
    // thousands of signed requests a second (10,000 a second over the ±300 s window is 6,000,000).
    'nonce-window': { type: 'string', default: '0' },

  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);

/** PostgreSQL's WAL written so far, every database (pg_stat_wal): full-page images and bytes. */
async function walSoFar(client: pg.Client | undefined): Promise<{ fpi: number; bytes: number }> {
  if (!client) return { fpi: NaN, bytes: NaN };
  const { rows } = await client.query<{ wal_fpi: string; wal_bytes: string }>('select wal_fpi, wal_bytes from pg_stat_wal');
  return { fpi: Number(rows[0]!.wal_fpi), bytes: Number(rows[0]!.wal_bytes) };
}

/** Starts a provider with every seat sold; `measure` runs one timed round of verifies on fresh codes. */
async function startProvider(label: string, env: Record<string, string>, database?: pg.Client) {
  const prof = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
  const { server, codes, stop } = await startBenchProvider(env, [], prof, ROUNDS * SECONDS * Number(values['codes-per-second']));
  process.stderr.write(`${label}: ${codes.length} codes issued\n`);
  let offset = 0;
  return {
    async measure(): Promise<LoadResult & { cpuUs: number; dbCpuUs: number; walBytes: number; walFpi: number }> {
      process.stderr.write(`${label}: measuring ${SECONDS} s…\n`);
      const round = codes.slice(offset);
      const cpu0 = cpuSeconds(server.child.pid);
      const db0 = cpuSecondsOf('postgres');
      const wal0 = await walSoFar(database);
      if (values['cpu-prof']) process.stderr.write(`phase ${label} at ${process.hrtime.bigint() / 1000n} µs\n`);
      const result = await verifyLoad(server.url, round.length > 0 ? round : codes, CONNECTIONS, SECONDS);
      if (values['cpu-prof']) process.stderr.write(`phase end at ${process.hrtime.bigint() / 1000n} µs\n`);
      offset += result.requests;
      if (offset > codes.length) process.stderr.write(`${label}: WARNING: this round ran out of fresh codes (${offset} verifies so far, ${codes.length} codes): raise --codes-per-second\n`);
      const wal1 = await walSoFar(database);
      return {
        ...result,
        cpuUs: ((cpuSeconds(server.child.pid) - cpu0) * 1e6) / result.requests,
        dbCpuUs: ((cpuSecondsOf('postgres') - db0) * 1e6) / result.requests,
        walBytes: (wal1.bytes - wal0.bytes) / result.requests,
        walFpi: (wal1.fpi - wal0.fpi) / result.requests,
      };
    },
    stop,
  };
}

/** One round of the bare route: its throughput and server CPU per request. */
async function bareRound(bare: Awaited<ReturnType<typeof spawnTs>>, label: string): Promise<LoadResult & { cpuUs: number }> {
  process.stderr.write(`${label}: bare route, measuring ${SECONDS} s…\n`);
  const cpu0 = cpuSeconds(bare.pid);
  const result = await verifyLoad(bare.url, ['0'.repeat(32)], CONNECTIONS, SECONDS);
  return { ...result, cpuUs: ((cpuSeconds(bare.pid) - cpu0) * 1e6) / result.requests };
}

/**
 * `count` random nonces in the shared window, spread over the last 300 s of buckets as a steady
 * flow of signed requests leaves them, then a checkpoint: every round then starts where a busy
 * platform's would, with a window of this size and each page's first change paying a full-page image.
 */
async function fillNonceWindow(client: pg.Client, count: number): Promise<void> {
  if (count <= 0) return;
  process.stderr.write(`PostgreSQL: ${count} nonces into the shared window…\n`);
  const now = Math.floor(Date.now() / 1000 / NONCE_BUCKET_S);
  await client.query(
    `insert into nonces (bucket, nonce) select $2::bigint - (i % 30), decode(md5(i::text || random()::text), 'hex') from generate_series(1, $1::bigint) as i on conflict do nothing`,
    [count, now],
  );
  await client.query('vacuum analyze nonces');
  await client.query('checkpoint');
}

type Round = { bare: LoadResult & { cpuUs: number }; provider: LoadResult & { cpuUs: number; dbCpuUs: number; walBytes: number; walFpi: number } };
const median = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!;

// The machine's speed drifts over a run (shared cores): the bare route and each
// provider are measured in alternating rounds, and the median round kept.
const bare = await spawnTs('bench/support/bare-server.ts');
const rounds: Round[] = [];
const pgRounds: Round[] = [];
try {
  if (values.only !== 'postgres') {
    const provider = await startProvider('provider on SQLite', { DATABASE_URL: '' });
    try {
      for (let r = 0; r < ROUNDS; r++) rounds.push({ bare: await bareRound(bare, `round ${r + 1}/${ROUNDS}`), provider: await provider.measure() });
    } finally {
      await provider.stop();
    }
  }
  if (values.only !== 'sqlite' && (await postgresAvailable())) {
    const db = await createTestDatabase('gp_bench');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const provider = await startProvider('provider on PostgreSQL', { DATABASE_URL: db.url }, client);
      try {
        await fillNonceWindow(client, Number(values['nonce-window']));
        for (let r = 0; r < ROUNDS; r++) pgRounds.push({ bare: await bareRound(bare, `PostgreSQL round ${r + 1}/${ROUNDS}`), provider: await provider.measure() });
      } finally {
        await provider.stop();
      }
    } finally {
      await client.end();
      await db.drop();
    }
  }
} finally {
  await bare.stop();
}
const ratioOf = (r: Round) => r.provider.rps / r.bare.rps;
const roundsLine = (rs: Round[]) => rs.map((r) => `${r.bare.rps.toFixed(0)} → ${r.provider.rps.toFixed(0)} (${(ratioOf(r) * 100).toFixed(0)}%)`).join(', ');
const sqliteRound = rounds.length > 0 ? median(rounds, ratioOf) : undefined;
const pgRound = pgRounds.length > 0 ? median(pgRounds, ratioOf) : undefined;

console.log(`\nPOST /v1/verify, ${CONNECTIONS} connections, ${SECONDS} s each, signed requests (node ${process.version}, ${(await import('node:os')).cpus().length} cores)\n`);
const cpuLine = (label: string, rs: Round[]) => {
  const bareCpu = median(rs, (r) => r.bare.cpuUs).bare.cpuUs;
  const cpu = median(rs, (r) => r.provider.cpuUs).provider.cpuUs;
  return `server CPU per request (median of rounds): bare route ${bareCpu.toFixed(0)} µs, ${label} ${cpu.toFixed(0)} µs — the provider does ${((bareCpu / cpu) * 100).toFixed(0)}% of the bare route's requests per CPU second`;
};
if (sqliteRound) {
  console.log(`rounds (bare → SQLite provider): ${roundsLine(rounds)}; the median round:\n`);
  console.log(HEADER);
  console.log(row('bare Fastify route (baseline)', sqliteRound.bare));
  console.log(row('provider, SQLite synchronous=FULL', sqliteRound.provider, sqliteRound.bare));
  console.log(`\n${cpuLine('provider on SQLite', rounds)}`);
}
if (pgRound) {
  console.log(`\nrounds (bare → PostgreSQL provider): ${roundsLine(pgRounds)}; the median round:\n`);
  console.log(HEADER);
  console.log(row('bare Fastify route (baseline)', pgRound.bare));
  console.log(row('provider, PostgreSQL', pgRound.provider, pgRound.bare));
  // The provider process only: PostgreSQL's own work runs in its server processes, on the same cores.
  console.log(`\n${cpuLine('provider on PostgreSQL', pgRounds)}`);
  const dbCpu = median(pgRounds, (r) => r.provider.dbCpuUs).provider.dbCpuUs;
  console.log(`PostgreSQL's own processes per verify (median of rounds): ${dbCpu.toFixed(0)} µs of CPU, on the same two cores`);
  const wal = median(pgRounds, (r) => r.provider.walBytes).provider;
  const window = Number(values['nonce-window']);
  console.log(`WAL per verify (median of rounds): ${wal.walBytes.toFixed(0)} bytes, ${wal.walFpi.toFixed(2)} full-page images${window > 0 ? `; ${window} nonces in the shared window at the start` : ''}`);
}
console.log('');
if (sqliteRound) console.log(`target: SQLite verify ≥ 50% of the bare route — ${(ratioOf(sqliteRound) * 100).toFixed(0)}%: ${ratioOf(sqliteRound) >= 0.5 ? 'met' : 'NOT met'}`);
if (pgRound) console.log(`target: PostgreSQL verify ≥ 40% of the bare route — ${(ratioOf(pgRound) * 100).toFixed(0)}%: ${ratioOf(pgRound) >= 0.4 ? 'met' : 'NOT met'}`);
