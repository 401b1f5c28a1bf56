// Replay-window memory benchmark (not a test): the verification server at full
// rate for a long stretch, every request signed afresh (a new nonce each), its
// memory sampled every minute beside a bare Fastify route given the same load.
// Every nonce is held until its timestamp leaves the ±300 s window, so past
// the first five minutes the window should hold steady, not grow.
// Usage: npm run bench:nonce [-- --seconds 600 --baseline-seconds 60 --replay-cap N]
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { signedClient } from '../server/common/testing/signed-client.js';
import type { LoadResult } from './support/load.js';
import { BENCH_SECRET, startBenchProvider, verifyLoad } from './support/provider-setup.js';
import { spawnTs } from './support/spawn.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    'baseline-seconds': { type: 'string', default: '60' },
    sample: { type: 'string', default: '60' },
    connections: { type: 'string', default: '64' },
    'replay-cap': { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const BASELINE_SECONDS = Number(values['baseline-seconds']);
const SAMPLE = Number(values.sample);
const CONNECTIONS = Number(values.connections);

const MB = 1024 * 1024;

/** Resident set now and at its peak, from /proc (kB there). */
function rss(pid: number | undefined): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

interface Sample {
  label: string;
  load?: LoadResult;
  rss: number;
  peak: number;
  heap: number;
  external: number;
  nonces?: number;
}

async function providerSample(label: string, pid: number | undefined, api: ReturnType<typeof signedClient>, loadResult?: LoadResult): Promise<Sample> {
  // /metrics is signed too: with the window full it is refused like any new request, and only /proc is read.
  const res = await api.get('/metrics');
  const metric = (name: string) => (res.status === 200 ? Number(new RegExp(`^${name} (\\S+)`, 'm').exec(res.text)?.[1] ?? NaN) : NaN);
  return {
    label,
    load: loadResult,
    ...rss(pid),
    heap: metric('nodejs_heap_size_used_bytes'),
    external: metric('nodejs_external_memory_bytes'),
    nonces: metric('gatepost_provider_replay_window_nonces'),
  };
}

const HEADER = `${'after'.padEnd(22)} ${'req/s'.padStart(7)} ${'non-2xx'.padStart(8)} ${'nonces held'.padStart(12)} ${'RSS MB'.padStart(7)} ${'peak MB'.padStart(8)} ${'heap MB'.padStart(8)} ${'ext MB'.padStart(7)} ${'RSS/bare'.padStart(9)}`;
const mb = (bytes: number) => (Number.isNaN(bytes) ? '—' : (bytes / MB).toFixed(0));
function line(s: Sample, bare?: Sample): string {
  const ratio = bare ? `${(s.rss / bare.rss).toFixed(2)}×` : '—';
  return [
    s.label.padEnd(22),
    (s.load ? s.load.rps.toFixed(0) : '—').padStart(7),
    (s.load ? String(s.load.errors + s.load.non2xx) : '—').padStart(8),
    (s.nonces === undefined || Number.isNaN(s.nonces) ? '—' : s.nonces.toLocaleString('en')).padStart(12),
    mb(s.rss).padStart(7),
    mb(s.peak).padStart(8),
    mb(s.heap).padStart(8),
    mb(s.external).padStart(7),
    ratio.padStart(9),
  ].join(' ');
}

/** Load in SAMPLE-second stretches, sampling memory after each. */
async function run(seconds: number, go: (s: number) => Promise<LoadResult>, sample: (label: string, r: LoadResult) => Promise<Sample>, out: Sample[], bare?: Sample) {
  for (let done = 0; done < seconds; ) {
    const s = Math.min(SAMPLE, seconds - done);
    const result = await go(s);
    done += s;
    out.push(await sample(`${done} s`, result));
    process.stderr.write(`${line(out.at(-1)!, bare)}\n`);
  }
}

process.stderr.write(`${HEADER}\n`);
// The baseline first: the bare route answering the same signed requests.
const bare = await spawnTs('bench/support/bare-server.ts');
const bareSamples: Sample[] = [];
try {
  await run(
    BASELINE_SECONDS,
    (s) => verifyLoad(bare.url, ['0'.repeat(32)], CONNECTIONS, s),
    async (label, r) => {
      const mem = (await (await fetch(`${bare.url}/memory`)).json()) as NodeJS.MemoryUsage;
      return { label: `bare ${label}`, load: r, ...rss(bare.pid), heap: mem.heapUsed, external: mem.external };
    },
    bareSamples,
  );
} finally {
  await bare.stop();
}
const baseline = bareSamples.at(-1)!;

const capArgs = values['replay-cap'] ? ['--replay-cap', values['replay-cap']] : [];
const provider = await startBenchProvider({ DATABASE_URL: '' }, capArgs);
const api = signedClient(provider.server.url, BENCH_SECRET);
const samples: Sample[] = [];
try {
  const pid = provider.server.child.pid;
  process.stderr.write(`provider: ${provider.codes.length} codes issued\n`);
  samples.push(await providerSample('provider, idle', pid, api));
  process.stderr.write(`${line(samples[0]!, baseline)}\n`);
  // Fresh codes first, then the same codes again under new scan IDs (rejected as already redeemed): every request a new nonce.
  await run(SECONDS, (s) => verifyLoad(provider.server.url, provider.codes, CONNECTIONS, s), (label, r) => providerSample(label, pid, api, r), samples, baseline);
} finally {
  await provider.stop();
}

const total = samples.reduce((n, s) => n + (s.load?.requests ?? 0), 0);
console.log(
  `\nPOST /v1/verify, ${CONNECTIONS} connections, every request a fresh nonce; provider on SQLite for ${SECONDS} s` +
    `${values['replay-cap'] ? ` with --replay-cap ${values['replay-cap']}` : ''} (${total.toLocaleString('en')} requests, ${(total / SECONDS).toFixed(0)}/s), ` +
    `bare Fastify route for ${BASELINE_SECONDS} s before it (node ${process.version}, ${cpus().length} cores)\n`,
);
console.log(HEADER);
console.log(line(baseline));
for (const s of samples) console.log(line(s, baseline));
const held = samples.filter((s) => s.load).slice(-Math.max(1, Math.floor(samples.length / 2))).map((s) => s.nonces!).filter((n) => !Number.isNaN(n));
const maxRss = Math.max(...samples.map((s) => s.peak));
const refused = samples.reduce((n, s) => n + (s.load ? s.load.errors + s.load.non2xx : 0), 0);
console.log(
  `\npeak provider RSS ${(maxRss / MB).toFixed(0)} MB (${(maxRss / baseline.peak).toFixed(2)}× the bare route's peak); ` +
    `nonces held in the second half: ${held.length ? `${Math.min(...held).toLocaleString('en')}–${Math.max(...held).toLocaleString('en')}` : 'not readable (window full)'}; ` +
    `requests not answered 2xx: ${refused.toLocaleString('en')}`,
);
