// Verification server benchmark (not a test): /v1/verify at 64 concurrent
// connections, signed as the booking server signs, on SQLite (synchronous=FULL)
// and PostgreSQL, beside a bare Fastify route in the same run.
// Usage: npm run bench:provider [-- --seconds 10 --rounds 3]
import { parseArgs } from 'node:util';
import { createTestDatabase, postgresAvailable } from '../server/common/testing/postgres.js';
import { spawnTs } from './support/spawn.js';
import { cpuSeconds } from './support/cpu.js';
import { HEADER, row, type LoadResult } from './support/load.js';
import { startBenchProvider, verifyLoad } from './support/provider-setup.js';

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
const ROUNDS = Number(values.rounds);

/** Starts a provider with every seat sold; `measure` runs one timed round of verifies on fresh codes. */
async function startProvider(label: string, env: Record<string, string>) {
  const prof = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
  const { server, codes, stop } = await startBenchProvider(env, [], prof);
  process.stderr.write(`${label}: ${codes.length} codes issued\n`);
  let offset = 0;
  return {
    async measure(): Promise<LoadResult & { cpuUs: number }> {
      process.stderr.write(`${label}: measuring ${SECONDS} s…\n`);
      const round = codes.slice(offset);
      const cpu0 = cpuSeconds(server.child.pid);
      if (values['cpu-prof']) process.stderr.write(`phase ${label} at ${process.hrtime.bigint() / 1000n} µs\n`);
      const result = await verifyLoad(server.url, round.length > 0 ? round : codes, CONNECTIONS, SECONDS);
      if (values['cpu-prof']) process.stderr.write(`phase end at ${process.hrtime.bigint() / 1000n} µs\n`);
      offset += result.requests;
      return { ...result, cpuUs: ((cpuSeconds(server.child.pid) - cpu0) * 1e6) / result.requests };
    },
    stop,
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
    const bareRound = await verifyLoad(bare.url, ['0'.repeat(32)], CONNECTIONS, SECONDS);
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
