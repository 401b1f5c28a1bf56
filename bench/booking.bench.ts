// Booking server benchmark (not a test), real processes on loopback, SQLite:
//   1. tickets issued per second: POST /api/v1/orders (payment, provider codes,
//      signed GP1 payloads) and each ticket's QR SVG fetched;
//   2. PNG ticket images rendered per second (distinct tickets, no cache hits);
//   3. station scans per second with p50/p99, station → booking server →
//      provider, on fresh tickets (admissions) and again on used ones (denials),
//      beside a bare two-hop proxy (a Fastify route forwarding with the same
//      HTTP client, an undici Pool, to a Fastify route that does no work) run
//      before and after, with the ratio. The relay sends the scans that reach
//      it in one turn of its event loop to the provider in one call
//      (verify-coalescer.ts); the provider's calls per scan are printed.
// Usage: npm run bench:booking [-- --seconds 10 --connections 64]
// (With --bare-proxy URL this file runs the bare proxy itself, as its own process.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Order } from '../protocol/booking-api.js';
import { REPO_ROOT, startGatepost, type RunningCommand } from '../testing/processes.js';
import { bookingClient } from '../server/booking/testing/http.js';
import { providerRequestsServed } from '../server/common/testing/requests-served.js';
import { HEADER, load, row, type LoadResult } from './support/load.js';
import { benchProgramme } from './support/provider-setup.js';
import { spawnTs } from './support/spawn.js';
import { cpuSeconds } from './support/cpu.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    'bare-proxy': { type: 'string' },
    // Profiles the booking server, the provider and the bare proxy: node --cpu-prof into DIR/<role>/.
    // Phase boundaries are printed on the monotonic clock the profiles use, for --summary.
    'cpu-prof': { type: 'string' },
    // --summary FILE.cpuprofile [--from µs --to µs]: self time by package and by function within a phase.
    summary: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
});

if (values['bare-proxy']) await bareProxy(values['bare-proxy']);
else if (values.summary) summarise(values.summary, Number(values.from ?? -Infinity), Number(values.to ?? Infinity));
else await main();

/** Self time of a --cpu-prof profile between two monotonic timestamps (µs), by package and by function. */
function summarise(file: string, from: number, to: number): void {
  interface Node {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; startTime: number; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  const where = (url: string) => {
    if (!url) return '(native/vm)';
    const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return m[1]!;
    if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
    return url.startsWith('file://') ? url.slice(url.indexOf(REPO_ROOT) + REPO_ROOT.length + 1) : url;
  };
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let t = prof.startTime;
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i]!;
    if (t < from || t > to) continue;
    const dt = prof.timeDeltas[i + 1] ?? 0;
    const { functionName, url } = nodes.get(prof.samples[i]!)!.callFrame;
    const pkg = where(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
    const fn = `${functionName || '(anonymous)'}  ${pkg}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
    total += dt;
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  console.log(`${(total / 1e6).toFixed(2)} s sampled\n\nself time by package\n${top(byPackage, 20)}\n\nself time by function\n${top(byFunction, 30)}`);
}

/**
 * The baseline's first hop: parse the JSON, forward it over keep-alive with the
 * client the booking server uses for providers (an undici Pool, with the same
 * per-call abort timer), answer what came back.
 */
async function bareProxy(upstream: string): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const { Pool } = await import('undici');
  const pool = new Pool(upstream, { connections: 128, keepAliveTimeout: 10_000 });
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.post('/api/v1/station/scan', async (req, reply) => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 1500);
    try {
      const res = await pool.request({ method: 'POST', path: '/v1/verify', body: JSON.stringify(req.body), headers: { 'content-type': 'application/json' }, signal: abort.signal });
      const text = await res.body.text();
      return reply.code(res.statusCode).header('content-type', 'application/json').send(text);
    } finally {
      clearTimeout(timer);
    }
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  // A clean exit on SIGTERM (so that --cpu-prof writes its profile).
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  const addr = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${addr.port}`;
  console.log(JSON.stringify({ msg: `bare proxy ready at ${url}`, url }));
}

/** Two runs as one: requests and rate summed and averaged, latencies averaged. */
function meanOf(a: LoadResult, b: LoadResult): LoadResult {
  return {
    requests: a.requests + b.requests,
    rps: (a.rps + b.rps) / 2,
    p50: (a.p50 + b.p50) / 2,
    p99: (a.p99 + b.p99) / 2,
    mean: (a.mean + b.mean) / 2,
    max: Math.max(a.max, b.max),
    errors: a.errors + b.errors,
    non2xx: a.non2xx + b.non2xx,
  };
}

/** Node flags for a child to profile, when --cpu-prof is given (NODE_OPTIONS does not take --cpu-prof). */
function profArgs(role: string): string[] {
  const dir = values['cpu-prof'];
  return dir ? ['--cpu-prof', '--cpu-prof-dir', join(dir, role)] : [];
}

/** A phase boundary on the monotonic clock (µs), the time base of --cpu-prof profiles. */
function mark(what: string): void {
  if (values['cpu-prof']) process.stderr.write(`phase ${what} at ${process.hrtime.bigint() / 1000n} µs\n`);
}

function spawnProxy(upstream: string): Promise<{ url: string; pid?: number; stop(): Promise<void> }> {
  return spawnTs('bench/booking.bench.ts', ['--bare-proxy', upstream], profArgs('bare-proxy'));
}

async function main(): Promise<void> {
  const SECONDS = Number(values.seconds);
  const CONNECTIONS = Number(values.connections);
  const SECRET = 'bench-secret-0123456789abcdef';
  const ADMIN = 'bench-admin-token-0123456789';
  const SHOWS = 64;
  const ROWS = 26;
  const PER_ROW = 99;
  const SEATS_PER_ORDER = 10;
  const ISSUERS = 32;
  // Fresh tickets per second of scanning to have at hand (above the relay's rate here).
  const FRESH_SCANS_PER_S = 16000;

  const dirs = [mkdtempSync(join(tmpdir(), 'gp-bench-p-')), mkdtempSync(join(tmpdir(), 'gp-bench-b-'))];
  const now = Math.floor(Date.now() / 1000);
  // Valid until the end of the show: past the default reminder lead (120 min), so the
  // reminder sender does not send one for every bench ticket in the middle of the run.
  const programme = benchProgramme(now, { shows: SHOWS, endsAfterS: 4 * 3600, rows: ROWS, perRow: PER_ROW });

  const programmeFile = join(dirs[0]!, 'programme.json');
  writeFileSync(programmeFile, JSON.stringify(programme));

  let provider: RunningCommand | undefined;
  let booking: RunningCommand | undefined;
  try {
    // Level info: the ready line is an info line (requests are not logged at any level).
    const env = { DATABASE_URL: '', GATEPOST_LOG_LEVEL: 'info' };
    [provider, booking] = await Promise.all([
      startGatepost(['provider', '--port', '0', '--data', dirs[0]!, '--booking-secret', SECRET, '--programme', programmeFile], env, 60_000, profArgs('provider')),
      startGatepost(['booking', '--port', '0', '--data', dirs[1]!, '--admin-token', ADMIN, '--demo'], env, 60_000, profArgs('booking')),
    ]);
    const api = bookingClient(booking.url);
    const { providerId } = (await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Bench', verifyUrl: provider.url, secret: SECRET }, { token: ADMIN })).body;
    const { token } = (await api.post<{ token: string }>('/api/v1/users', { email: 'bench@example.com', password: 'bench-password' })).body;

    // ---- 1. issue: orders of 10 seats, then each ticket's QR SVG
    const batches: { showId: string; seats: string[] }[] = [];
    for (let s = 0; s < SHOWS; s++) {
      for (let r = 0; r < ROWS; r++) {
        const rowLabel = String.fromCharCode(65 + r);
        for (let n = 1; n + SEATS_PER_ORDER - 1 <= PER_ROW; n += SEATS_PER_ORDER) {
          batches.push({ showId: `b${s}`, seats: Array.from({ length: SEATS_PER_ORDER }, (_, k) => `${rowLabel}${n + k}`) });
        }
      }
    }
    // The issuers' own client: an undici Pool (keep-alive). Node's global fetch costs the
    // load generator ~0.5–1 ms of CPU per request, as much as the server under test spends
    // on a ticket, and both share the same two cores.
    const { Pool } = await import('undici');
    const issuePool = new Pool(booking.url, { connections: 64, keepAliveTimeout: 30_000 });
    const issueCall = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; text: string }> => {
      const res = await issuePool.request({
        method,
        path,
        headers: body === undefined ? { authorization: `Bearer ${token}` } : { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, text: await res.body.text() };
    };
    process.stderr.write(`issuing tickets for ${SECONDS} s (${ISSUERS} concurrent orders of ${SEATS_PER_ORDER})…\n`);
    const issued: Order['tickets'] = [];
    const failures = new Map<string, number>();
    const failed = (what: string, status: number) => failures.set(`${what} ${status}`, (failures.get(`${what} ${status}`) ?? 0) + 1);
    let next = 0;
    const issue = (until: () => boolean) =>
      Promise.all(
        Array.from({ length: ISSUERS }, async () => {
          while (!until() && next < batches.length) {
            const b = batches[next++]!;
            const res = await issueCall('POST', '/api/v1/orders', { providerId, showId: b.showId, seats: b.seats, payment: { method: 'demo' } });
            if (res.status !== 201) {
              failed('order', res.status);
              continue;
            }
            const order = JSON.parse(res.text) as Order;
            const svgs = await Promise.all(order.tickets.map((t) => issueCall('GET', new URL(t.qrUrl).pathname)));
            for (const s of svgs) if (s.status !== 200 || !s.text.startsWith('<svg')) failed('qr.svg', s.status);
            issued.push(...order.tickets);
          }
        }),
      );
    mark('issue');
    const issueCpuBefore = [cpuSeconds(booking.child.pid), cpuSeconds(provider.child.pid), process.cpuUsage()] as const;
    const issueStart = performance.now();
    await issue(() => performance.now() >= issueStart + SECONDS * 1000);
    const issueSeconds = (performance.now() - issueStart) / 1000;
    const issuedInPhase = issued.length;
    const ticketsPerS = issuedInPhase / issueSeconds;
    const issueCpu = {
      booking: cpuSeconds(booking.child.pid) - issueCpuBefore[0],
      provider: cpuSeconds(provider.child.pid) - issueCpuBefore[1],
      load: (() => {
        const u = process.cpuUsage(issueCpuBefore[2]);
        return (u.user + u.system) / 1e6;
      })(),
    };

    // ---- 2. PNG images, each ticket once (the server caches recent images)
    mark('png');
    const PNG_SECONDS = Math.min(5, SECONDS);
    process.stderr.write(`rendering PNG ticket images for ${PNG_SECONDS} s…\n`);
    let pngs = 0;
    let pngIndex = 0;
    const pngStart = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (performance.now() < pngStart + PNG_SECONDS * 1000 && pngIndex < issued.length) {
          const t = issued[pngIndex++]!;
          const res = await api.get(`${new URL(t.imageUrl).pathname}?locale=${pngIndex % 2 ? 'en' : 'zh-CN'}`, { token });
          if (res.status === 200) pngs++;
          else failed('image.png', res.status);
        }
      }),
    );
    const pngPerS = pngs / ((performance.now() - pngStart) / 1000);

    // ---- 3. scans: booking relay vs the bare two-hop proxy.
    // At a gate nearly every scan is a ticket's first (an admission): the relay
    // is measured on fresh tickets, topped up untimed to enough for the run, and
    // then once more on tickets already used (each a rejection, which costs the
    // provider more statements). The bare proxy runs before and after; its mean
    // is the baseline, so a drift of the shared machine hits both sides alike.
    const freshNeeded = SECONDS * FRESH_SCANS_PER_S;
    if (issued.length < freshNeeded) {
      process.stderr.write(`issuing ${freshNeeded - issued.length} more tickets (untimed) so that every scan of the run is a first scan…\n`);
      await issue(() => issued.length >= freshNeeded);
    }
    await issuePool.close();
    const created = await api.post<{ enrollment: string }>('/api/v1/admin/stations', { providerId, gate: 'Bench Gate' }, { token: ADMIN });
    const station = (await api.post<{ token: string }>('/api/v1/station/enroll', { enrollment: created.body.enrollment })).body.token;
    const payloads = issued.map((t) => t.payload);
    let i = 0;
    let scanSeq = 0;
    const scanLoad = (url: string, seconds = SECONDS) =>
      load({
        url,
        connections: CONNECTIONS,
        seconds,
        path: '/api/v1/station/scan',
        next: () => ({
          body: JSON.stringify({ payload: payloads[i++ % payloads.length], providerId, scanId: `bench-${process.pid}-${scanSeq++}`, source: 'bench' }),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${station}` },
        }),
      });

    // The issue phase left tens of megabytes of dirty pages that the kernel would
    // write back during the next runs, on the same two cores: write them now.
    spawnSync('sync');
    const upstream = await spawnTs('bench/support/bare-server.ts');
    const proxy = await spawnProxy(upstream.url);
    const bareRun = async (): Promise<{ result: LoadResult; cpu: { proxy: number; leaf: number; load: number } }> => {
      process.stderr.write(`scanning through the bare two-hop proxy for ${SECONDS} s…\n`);
      const before = [cpuSeconds(proxy.pid), process.cpuUsage(), cpuSeconds(upstream.pid)] as const;
      mark('scan bare');
      const result = await scanLoad(proxy.url);
      mark('end');
      const u = process.cpuUsage(before[1]);
      return { result, cpu: { proxy: cpuSeconds(proxy.pid) - before[0], leaf: cpuSeconds(upstream.pid) - before[2], load: (u.user + u.system) / 1e6 } };
    };
    // The provider's own count of the calls it answered, by route.
    const providerCalls = async () => {
      const served = await providerRequestsServed(provider!.url, SECRET);
      return { single: served('/v1/verify'), batched: served('/v1/redemptions') };
    };
    const relayRun = async (what: string) => {
      process.stderr.write(`scanning ${what} through the booking server for ${SECONDS} s…\n`);
      const calls = await providerCalls();
      const before = [cpuSeconds(booking!.child.pid), cpuSeconds(provider!.child.pid), process.cpuUsage()] as const;
      mark(`scan ${what}`);
      const result = await scanLoad(booking!.url);
      mark('end');
      const u = process.cpuUsage(before[2]);
      const cpu = { booking: cpuSeconds(booking!.child.pid) - before[0], provider: cpuSeconds(provider!.child.pid) - before[1], load: (u.user + u.system) / 1e6 };
      const after = await providerCalls();
      return { result, cpu, calls: { single: after.single - calls.single, batched: after.batched - calls.batched } };
    };
    let bareBefore, first, repeat, bareAfter;
    let freshScanned = 0;
    try {
      // The bare processes are new (the servers were warmed up by the issue phase): 2 s to compile their hot paths.
      await scanLoad(proxy.url, 2);
      bareBefore = await bareRun();
      i = 0;
      first = await relayRun('fresh tickets');
      freshScanned = Math.min(i, payloads.length);
      // The same tickets again, from the start: each one already used.
      i = 0;
      payloads.length = freshScanned;
      repeat = await relayRun('used tickets');
      bareAfter = await bareRun();
    } finally {
      await proxy.stop();
      await upstream.stop();
    }
    const bare = meanOf(bareBefore.result, bareAfter.result);
    const bareCpu = {
      proxy: bareBefore.cpu.proxy + bareAfter.cpu.proxy,
      leaf: bareBefore.cpu.leaf + bareAfter.cpu.leaf,
      load: bareBefore.cpu.load + bareAfter.cpu.load,
    };
    const bareRequests = bareBefore.result.requests + bareAfter.result.requests;
    const firstRepeats = Math.max(0, first.result.requests - payloads.length);

    console.log(`\nbooking server benchmark, SQLite synchronous=FULL, node ${process.version}, ${cpus().length} cores\n`);
    console.log(`issued tickets (order → provider codes → signed GP1 → QR SVG fetched): ${issuedInPhase} in ${issueSeconds.toFixed(1)} s = ${ticketsPerS.toFixed(0)} tickets/s (${ISSUERS} concurrent orders of ${SEATS_PER_ORDER})`);
    const perTicket = (cpu: number) => `${((cpu / issuedInPhase) * 1e6).toFixed(0)} µs`;
    console.log(`CPU per issued ticket: booking ${perTicket(issueCpu.booking)}, provider ${perTicket(issueCpu.provider)}, load generator ${perTicket(issueCpu.load)}`);
    console.log(`PNG ticket images (1080×1760, en / zh-CN, over HTTP): ${pngPerS.toFixed(1)} images/s`);
    if (failures.size) console.log(`failed requests during issue/images: ${[...failures].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    console.log(`\nPOST /api/v1/station/scan, ${CONNECTIONS} connections, ${SECONDS} s each; both first hops forward with undici (Pool, keep-alive),`);
    console.log('the bare proxy each request alone, the relay the scans of one event-loop turn in one provider call');
    console.log(`bare proxy measured before and after the relay (${bareBefore.result.rps.toFixed(0)} and ${bareAfter.result.rps.toFixed(0)} req/s): the baseline is their mean\n`);
    console.log(HEADER);
    console.log(row('bare two-hop proxy (baseline)', bare));
    console.log(row('booking relay, first scans (admit)', first.result, bare));
    console.log(row('booking relay, used tickets (deny)', repeat.result, bare));
    if (firstRepeats > 0) console.log(`(the fresh tickets ran out: ${firstRepeats} of the first-scan run's ${first.result.requests} scans were repeats)`);
    const perScan = (cpu: number, n: number) => `${((cpu / n) * 1e6).toFixed(0)} µs`;
    for (const [label, r] of [['first scans', first], ['used tickets', repeat]] as const) {
      console.log(
        `CPU per scan, ${label.padEnd(12)}: booking ${perScan(r.cpu.booking, r.result.requests)}, provider ${perScan(r.cpu.provider, r.result.requests)}, load generator ${perScan(r.cpu.load, r.result.requests)}`,
      );
    }
    console.log(
      `CPU per scan, bare proxy  : first hop ${perScan(bareCpu.proxy, bareRequests)}, leaf ${perScan(bareCpu.leaf, bareRequests)}, load generator ${perScan(bareCpu.load, bareRequests)}`,
    );
    for (const [label, r] of [['first scans', first], ['used tickets', repeat]] as const) {
      const { single, batched } = r.calls;
      console.log(
        `provider calls, ${label.padEnd(12)}: ${single + batched} for ${r.result.requests} scans (${((single + batched) / r.result.requests).toFixed(2)} per scan): ${single} alone, ${batched} carrying ${r.result.requests - single} together`,
      );
    }
    // On shared cores the rate ratio follows this one: what a bare scan costs all processes over what a relayed one does.
    const cpuOf = (c: { [k: string]: number }, n: number) => Object.values(c).reduce((a, b) => a + b, 0) / n;
    console.log(`CPU of a bare scan over a relayed first scan, all processes: ${((cpuOf(bareCpu, bareRequests) / cpuOf(first.cpu, first.result.requests)) * 100).toFixed(0)}%`);
    const ratio = first.result.rps / bare.rps;
    console.log(`\ntargets: ≥ 1000 issued tickets/s with SVG — ${ticketsPerS.toFixed(0)}: ${ticketsPerS >= 1000 ? 'met' : 'NOT met'}`);
    console.log(`         scan relay ≥ 50% of the bare two-hop proxy (first scans) — ${(ratio * 100).toFixed(0)}%: ${ratio >= 0.5 ? 'met' : 'NOT met'}`);
  } finally {
    await Promise.all([booking?.stop(), provider?.stop()]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
