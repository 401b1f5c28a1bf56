// Booking server benchmark (not a test), real processes on loopback, SQLite:
//   1. tickets issued per second: POST /api/v1/orders (payment, provider codes,
//      signed GP1 payloads) and each ticket's QR SVG fetched;
//   2. PNG ticket images rendered per second (distinct tickets, no cache hits);
//   3. station scans per second with p50/p99, station → booking server →
//      provider, beside a bare two-hop proxy (a Fastify route forwarding with
//      the same HTTP client to a Fastify route that does no work), with the ratio.
// Usage: npm run bench:booking [-- --seconds 10 --connections 64]
// (With --bare-proxy URL this file runs the bare proxy itself, as its own process.)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Order } from '../protocol/booking-api.js';
import { REPO_ROOT, startGatepost, type RunningCommand } from '../server/common/testing/processes.js';
import { bookingClient } from '../server/booking/testing/http.js';
import { HEADER, load, row, type LoadResult } from './support/load.js';
import { spawnTs } from './support/spawn.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    'bare-proxy': { type: 'string' },
  },
});

if (values['bare-proxy']) await bareProxy(values['bare-proxy']);
else await main();

/** The baseline's first hop: parse the JSON, forward it with axios over keep-alive, answer what came back. */
async function bareProxy(upstream: string): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const { default: axios } = await import('axios');
  const client = axios.create({
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 128 }),
    validateStatus: () => true,
    transformRequest: [(d: unknown) => d],
    transformResponse: [(d: unknown) => d],
    responseType: 'text',
    proxy: false,
  });
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.post('/api/v1/station/scan', async (req, reply) => {
    const res = await client.post<string>(`${upstream}/v1/verify`, JSON.stringify(req.body), { headers: { 'content-type': 'application/json' }, timeout: 1500 });
    return reply.code(res.status).header('content-type', 'application/json').send(res.data);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${addr.port}`;
  console.log(JSON.stringify({ msg: `bare proxy ready at ${url}`, url }));
}

/** CPU seconds a process has used so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function spawnProxy(upstream: string): Promise<{ url: string; pid?: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['bin/run-ts.js', 'bench/booking.bench.ts', '--bare-proxy', upstream], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /"url":"([^"]+)"/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`bare proxy exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    async stop() {
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      await done;
    },
  };
}

async function main(): Promise<void> {
  const SECONDS = Number(values.seconds);
  const CONNECTIONS = Number(values.connections);
  const SECRET = 'bench-secret-0123456789abcdef';
  const ADMIN = 'bench-admin-token-0123456789';
  const SHOWS = 12;
  const ROWS = 26;
  const PER_ROW = 99;
  const SEATS_PER_ORDER = 10;
  const ISSUERS = 32;

  const dirs = [mkdtempSync(join(tmpdir(), 'gp-bench-p-')), mkdtempSync(join(tmpdir(), 'gp-bench-b-'))];
  const now = Math.floor(Date.now() / 1000);
  const programme = {
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
  const programmeFile = join(dirs[0]!, 'programme.json');
  writeFileSync(programmeFile, JSON.stringify(programme));

  let provider: RunningCommand | undefined;
  let booking: RunningCommand | undefined;
  try {
    // Level info: the ready line is an info line (requests are not logged at any level).
    const env = { DATABASE_URL: '', GATEPOST_LOG_LEVEL: 'info' };
    [provider, booking] = await Promise.all([
      startGatepost(['provider', '--port', '0', '--data', dirs[0]!, '--booking-secret', SECRET, '--programme', programmeFile], env, 60_000),
      startGatepost(['booking', '--port', '0', '--data', dirs[1]!, '--admin-token', ADMIN, '--demo'], env, 60_000),
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
    process.stderr.write(`issuing tickets for ${SECONDS} s (${ISSUERS} concurrent orders of ${SEATS_PER_ORDER})…\n`);
    const issued: Order['tickets'] = [];
    const failures = new Map<string, number>();
    const failed = (what: string, status: number) => failures.set(`${what} ${status}`, (failures.get(`${what} ${status}`) ?? 0) + 1);
    const issueStart = performance.now();
    const deadline = issueStart + SECONDS * 1000;
    let next = 0;
    await Promise.all(
      Array.from({ length: ISSUERS }, async () => {
        while (performance.now() < deadline && next < batches.length) {
          const b = batches[next++]!;
          const res = await api.post<Order>('/api/v1/orders', { providerId, showId: b.showId, seats: b.seats, payment: { method: 'demo' } }, { token });
          if (res.status !== 201) {
            failed('order', res.status);
            continue;
          }
          const svgs = await Promise.all(res.body.tickets.map((t) => api.get(new URL(t.qrUrl).pathname, { token })));
          for (const s of svgs) if (s.status !== 200) failed('qr.svg', s.status);
          issued.push(...res.body.tickets);
        }
      }),
    );
    const issueSeconds = (performance.now() - issueStart) / 1000;
    const ticketsPerS = issued.length / issueSeconds;

    // ---- 2. PNG images, each ticket once (the server caches recent images)
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

    // ---- 3. scans: booking relay vs the bare two-hop proxy
    const created = await api.post<{ enrollment: string }>('/api/v1/admin/stations', { providerId, gate: 'Bench Gate' }, { token: ADMIN });
    const station = (await api.post<{ token: string }>('/api/v1/station/enroll', { enrollment: created.body.enrollment })).body.token;
    const payloads = issued.map((t) => t.payload);
    let i = 0;
    const scanLoad = (url: string) =>
      load({
        url,
        connections: CONNECTIONS,
        seconds: SECONDS,
        path: '/api/v1/station/scan',
        next: () => ({
          body: JSON.stringify({ payload: payloads[i % payloads.length], providerId, scanId: `bench-${process.pid}-${i++}`, source: 'bench' }),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${station}` },
        }),
      });
    process.stderr.write(`scanning through the booking server for ${SECONDS} s (${payloads.length} tickets)…\n`);
    const cpuBefore = [cpuSeconds(booking.child.pid), cpuSeconds(provider.child.pid), process.cpuUsage()] as const;
    const relay = await scanLoad(booking.url);
    const relayCpu = {
      booking: cpuSeconds(booking.child.pid) - cpuBefore[0],
      provider: cpuSeconds(provider.child.pid) - cpuBefore[1],
      load: (() => {
        const u = process.cpuUsage(cpuBefore[2]);
        return (u.user + u.system) / 1e6;
      })(),
    };

    const upstream = await spawnTs('bench/support/bare-server.ts');
    let bare: LoadResult;
    let bareCpu = { proxy: NaN, load: NaN };
    try {
      const proxy = await spawnProxy(upstream.url);
      try {
        process.stderr.write(`scanning through the bare two-hop proxy for ${SECONDS} s…\n`);
        const before = [cpuSeconds(proxy.pid), process.cpuUsage()] as const;
        bare = await scanLoad(proxy.url);
        const u = process.cpuUsage(before[1]);
        bareCpu = { proxy: cpuSeconds(proxy.pid) - before[0], load: (u.user + u.system) / 1e6 };
      } finally {
        await proxy.stop();
      }
    } finally {
      await upstream.stop();
    }

    console.log(`\nbooking server benchmark, SQLite synchronous=FULL, node ${process.version}, ${cpus().length} cores\n`);
    console.log(`issued tickets (order → provider codes → signed GP1 → QR SVG fetched): ${issued.length} in ${issueSeconds.toFixed(1)} s = ${ticketsPerS.toFixed(0)} tickets/s (${ISSUERS} concurrent orders of ${SEATS_PER_ORDER})`);
    console.log(`PNG ticket images (1080×1760, en / zh-CN, over HTTP): ${pngPerS.toFixed(1)} images/s`);
    if (failures.size) console.log(`failed requests during issue/images: ${[...failures].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    console.log(`\nPOST /api/v1/station/scan, ${CONNECTIONS} connections, ${SECONDS} s each\n`);
    console.log(HEADER);
    console.log(row('bare two-hop proxy (baseline)', bare));
    console.log(row('booking relay → provider', relay, bare));
    const perScan = (cpu: number, r: LoadResult) => `${((cpu / r.requests) * 1e6).toFixed(0)} µs`;
    console.log(
      `\nCPU per scan: booking ${perScan(relayCpu.booking, relay)}, provider ${perScan(relayCpu.provider, relay)}, load generator ${perScan(relayCpu.load, relay)}` +
        ` | bare proxy ${perScan(bareCpu.proxy, bare)}, load generator ${perScan(bareCpu.load, bare)}`,
    );
    const ratio = relay.rps / bare.rps;
    console.log(`\ntargets: ≥ 1000 issued tickets/s with SVG — ${ticketsPerS.toFixed(0)}: ${ticketsPerS >= 1000 ? 'met' : 'NOT met'}`);
    console.log(`         scan relay ≥ 50% of the bare two-hop proxy — ${(ratio * 100).toFixed(0)}%: ${ratio >= 0.5 ? 'met' : 'NOT met'}`);
  } finally {
    await Promise.all([booking?.stop(), provider?.stop()]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
