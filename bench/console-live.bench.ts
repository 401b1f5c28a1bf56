// npm run bench:live — the console's Live page under a gate load, on loopback
// with the real booking and provider servers (child processes, SQLite).
// 200 scans/s (open loop, a scan every 5 ms) across 20 gates, each a real
// enrolled station token, every scan a fresh ticket of one show, for 20 s:
//   1. bare: nobody watches (the baseline: the same scan load);
//   2. live: a client holds the Live stream of that show (fetch() SSE as the page reads it).
// Figures: scan latency p50/p99 and the booking server's CPU per scan in both,
// and the stream's update latency — for each admission, from its verdict
// reaching the gate to the first summary counting it — p50/p99.
// Usage: npm run bench:live [-- --seconds 20 --rate 200 --gates 20]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { ADMIN_TOKEN, startStack, type Ticket } from '../main/testing/stack.js';
import { cpuSeconds } from './support/cpu.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, rate: { type: 'string', default: '200' }, gates: { type: 'string', default: '20' } } });
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const GATES = Number(values.gates);
const PER_RUN = SECONDS * RATE;

const pct = (xs: number[], q: number) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!);
const ms = (x: number) => `${x.toFixed(1)} ms`;

const now = Math.floor(Date.now() / 1000);
const work = mkdtempSync(join(tmpdir(), 'gp-bench-live-'));
const programme = join(work, 'programme.json');
// A show has at most 26 × 99 seats: each run scans two shows' tickets, alternately, and the stream watches the first.
const perRow = Math.ceil(PER_RUN / 2 / 26) + 1;
writeFileSync(
  programme,
  JSON.stringify({
    venue: 'Bench Arena',
    shows: ['bare-1', 'bare-2', 'live-1', 'live-2'].map((name, i) => ({ showId: `bench-${name}`, title: 'Full House', hall: `Hall ${i + 1}`, startsAt: now + 1800, endsAt: now + 9000, priceCents: 100, currency: 'CNY', rows: 26, seatsPerRow: perRow })),
  }),
);

console.log(`live bench: starting servers, buying ${2 * PER_RUN} tickets, enrolling ${GATES} stations…`);
const stack = await startStack({ providerArgs: ['--programme', programme] });
try {
  const alternate = (a: Ticket[], b: Ticket[]) => a.flatMap((t, i) => (b[i] ? [t, b[i]] : [t]));
  const buy = async (run: string) => {
    const watched = await stack.buyTickets(PER_RUN / 2, `bench-${run}-1`);
    return { list: alternate(watched, await stack.buyTickets(PER_RUN / 2, `bench-${run}-2`)), watched: new Set(watched.map((t) => t.payload)) };
  };
  const tickets = { bare: await buy('bare'), live: await buy('live') };
  const stations: string[] = [];
  for (let g = 0; g < GATES; g++) {
    const created = await stack.createStation(`Gate ${g + 1}`);
    const enrolled = await stack.api<{ token: string }>('POST', '/api/v1/station/enroll', { enrollment: created.enrollment });
    stations.push(enrolled.body.token);
  }

  /** Scans every ticket once at RATE per second, round robin over the gates; the verdicts' latencies, and when the watched show's admissions came back. */
  async function scanLoad({ list, watched }: { list: Ticket[]; watched: Set<string> }): Promise<{ latencies: number[]; admittedAt: number[]; errors: number; cpu: number }> {
    const latencies: number[] = [];
    const admittedAt: number[] = [];
    let errors = 0;
    const cpu0 = cpuSeconds(stack.bookingPid);
    const start = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < list.length; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now();
      inflight.push(
        request(`${stack.bookingUrl}/api/v1/station/scan`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stations[i % GATES]}`, 'content-type': 'application/json' },
          body: JSON.stringify({ payload: list[i]!.payload, providerId: stack.providerId, scanId: randomUUID(), source: 'bench' }),
        }).then(
          async (res) => {
            const body = (await res.body.json()) as { result?: string };
            const done = performance.now();
            latencies.push(done - sent);
            if (body.result !== 'admitted') errors++;
            else if (watched.has(list[i]!.payload)) admittedAt.push(done);
          },
          () => void errors++,
        ),
      );
    }
    await Promise.all(inflight);
    return { latencies, admittedAt, errors, cpu: cpuSeconds(stack.bookingPid) - cpu0 };
  }

  /** Holds the Live stream of a show: the time each summary came, and its admitted count. */
  async function holdStream(showId: string, ctrl: AbortController): Promise<{ at: number; admitted: number }[]> {
    const events: { at: number; admitted: number }[] = [];
    const res = await fetch(`${stack.bookingUrl}/api/v1/console/live/stream?providerId=${stack.providerId}&showId=${showId}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: ctrl.signal,
    });
    if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
    void (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const data = /^data: (.*)$/m.exec(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (data) events.push({ at: performance.now(), admitted: (JSON.parse(data[1]!) as { admitted: number }).admitted });
          }
        }
      } catch {
        // aborted at the end of the run
      }
    })();
    return events;
  }

  // The ticket sales leave work behind (issued-payload and admission batches): let it settle first.
  await new Promise((r) => setTimeout(r, 5000));
  console.log(`run 1/2: ${RATE} scans/s over ${GATES} gates for ${SECONDS} s, nobody watching…`);
  const bare = await scanLoad(tickets.bare);
  await new Promise((r) => setTimeout(r, 3000));
  console.log(`run 2/2: the same, a client holding the Live stream…`);
  const ctrl = new AbortController();
  const events = await holdStream('bench-live-1', ctrl);
  const live = await scanLoad(tickets.live);
  // The last admissions reach the stream within its next update.
  const until = performance.now() + 5000;
  while ((events.at(-1)?.admitted ?? 0) < live.admittedAt.length && performance.now() < until) await new Promise((r) => setTimeout(r, 100));
  ctrl.abort();

  // Admission k (in answer order) is counted by the first summary with admitted ≥ k.
  const sortedAt = [...live.admittedAt].sort((a, b) => a - b);
  const updateLatency: number[] = [];
  let e = 0;
  sortedAt.forEach((t, k) => {
    while (e < events.length && events[e]!.admitted < k + 1) e++;
    if (e < events.length) updateLatency.push(events[e]!.at - t);
  });
  const missed = sortedAt.length - updateLatency.length;

  const line = (name: string, r: typeof bare) =>
    `${name.padEnd(26)} ${String(r.latencies.length).padStart(6)} ${ms(pct(r.latencies, 0.5)).padStart(9)} ${ms(pct(r.latencies, 0.99)).padStart(9)} ${String(r.errors).padStart(7)} ${r.cpu.toFixed(2).padStart(8)} s ${((1e6 * r.cpu) / r.latencies.length).toFixed(0).padStart(7)} µs`;
  console.log(`\n${'run'.padEnd(26)} ${'scans'.padStart(6)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'denied'.padStart(7)} ${'CPU'.padStart(10)} ${'CPU/scan'.padStart(10)}`);
  console.log(line('bare (nobody watching)', bare));
  console.log(line('live stream held', live));
  console.log(`\nbooking CPU with the stream: ${((100 * live.cpu) / bare.cpu).toFixed(0)} % of the bare run`);
  console.log(`stream updates: ${events.length} in ${SECONDS} s; update latency (verdict at the gate → summary counting it) p50 ${ms(pct(updateLatency, 0.5))}, p99 ${ms(pct(updateLatency, 0.99))}${missed ? `; ${missed} admissions never shown` : ''}`);
} finally {
  await stack.close();
  rmSync(work, { recursive: true, force: true });
}
