// npm run bench:station — the gate station's speed, on loopback with the real
// booking and provider servers (child processes, SQLite) and headless Chromium.
//  1. Scan → verdict painted: a scan enters the station core (as a serial or
//     HID source hands it over), the core asks the server, the page paints ADMIT.
//     Measured in the page from the core's timestamp to the frame after paint;
//     500 scans of 500 distinct tickets, one after the other like a gate.
//  2. Beside it, in the same run and interleaved, the bare server round trip:
//     the same station API call (POST /api/v1/station/scan, keep-alive) for
//     another 500 distinct tickets, with no station around it.
//  3. Cold start: `gatepost station --web` spawned → ready line → ready screen
//     painted in an already running Chromium.
// Targets: p99 scan → paint ≤ 50 ms; cold start ≤ 2 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { chromium, type Page } from 'playwright-core';
import { StationCore } from '../main/core/station.js';
import { CHROMIUM } from '../main/testing/browser.js';
import { screenUrlIn } from '../main/testing/station.js';
import { REPO_ROOT as REPO } from '../testing/processes.js';
import { startStack } from '../main/testing/stack.js';
import { ensureBundle, stationScreen } from '../build/assets.js';
import { startWebKiosk } from '../main/web-kiosk/server.js';
import { BookingClient } from '../server-client/http.js';

const SCANS = 500;
const WARMUP = 30;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'];

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const fmt = (n: number) => n.toFixed(1).padStart(7);
const log = pino({ level: 'silent' });

// A hall big enough for 1,000+ distinct tickets, open for entry now.
const now = Math.floor(Date.now() / 1000);
const work = mkdtempSync(join(tmpdir(), 'gp-bench-station-'));
const programme = join(work, 'programme.json');
writeFileSync(
  programme,
  JSON.stringify({
    venue: 'Bench Cinema',
    shows: [{ showId: 'bench-1', title: 'Benchmark Night', hall: 'Hall B', startsAt: now + 1800, endsAt: now + 9000, priceCents: 100, currency: 'CNY', rows: 26, seatsPerRow: 45 }],
  }),
);

console.log('station bench: starting provider and booking servers, buying tickets…');
const stack = await startStack({ providerArgs: ['--programme', programme], bookingArgs: ['--scan-reject-limit', '100000'] });
await ensureBundle(stationScreen(), { info: (m) => console.log(m), warn: (m) => console.warn(m) });
const tickets = await stack.buyTickets(2 * SCANS + 2 * WARMUP, 'bench-1');
const stationTickets = tickets.slice(0, SCANS + WARMUP);
const bareTickets = tickets.slice(SCANS + WARMUP);

// ---- 1 + 2: scan → paint, beside the bare round trip
const station = await stack.enrolledConfig('Bench Gate');
const bare = await stack.enrolledConfig('Bare Gate');
const dataDir = join(work, 'station');
const configFile = join(dataDir, 'config.json');
const { mkdirSync } = await import('node:fs');
mkdirSync(dataDir, { recursive: true });
writeFileSync(configFile, JSON.stringify({ ...station, holdMs: 500, sources: { wedge: { enabled: false, maxAvgGapMs: 30, minLength: 6 } } }));
const core = new StationCore({ configFile, log });
await core.start();
const kiosk = await startWebKiosk({ core, port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
const page: Page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(kiosk.screenUrl);
await page.locator('[data-testid="ready"]').waitFor();

const client = new BookingClient({ baseUrl: stack.bookingUrl, token: (bare.enrollment as { token: string }).token, timeoutMs: 5000 });
const bareProvider = bare.providerId as string;
const bareTimes: number[] = [];
const coreTimes: number[] = [];
let painted = 0;

async function stationScan(payload: string): Promise<string> {
  const t0 = performance.now();
  const verdict = await core.submit({ text: payload, source: 'bench' }, 'serial');
  coreTimes.push(performance.now() - t0);
  painted++;
  await page.waitForFunction((n) => (window.__gatepost?.latencies.length ?? 0) >= n, painted, { polling: 'raf' });
  return verdict?.result ?? 'none';
}

async function bareScan(payload: string, i: number): Promise<string> {
  const t0 = performance.now();
  const out = await client.scan({ payload, providerId: bareProvider, scanId: `bench-${i}` });
  bareTimes.push(performance.now() - t0);
  return out.kind === 'verdict' ? out.verdict.result : out.kind;
}

for (let i = 0; i < WARMUP; i++) {
  await stationScan(stationTickets[SCANS + i]!.payload);
  await bareScan(bareTickets[SCANS + i]!.payload, SCANS + i);
}
bareTimes.length = 0;
coreTimes.length = 0;
const before = painted;
const outcomes = new Map<string, number>();
for (let i = 0; i < SCANS; i++) {
  const a = await stationScan(stationTickets[i]!.payload);
  const b = await bareScan(bareTickets[i]!.payload, i);
  outcomes.set(`station ${a}`, (outcomes.get(`station ${a}`) ?? 0) + 1);
  outcomes.set(`bare ${b}`, (outcomes.get(`bare ${b}`) ?? 0) + 1);
}
// The page and this process each turn their monotonic clock into epoch ms from their own start;
// the offset between the two is measured (the ping with the shortest round trip) and taken out.
let offset = 0;
let bestRtt = Infinity;
for (let i = 0; i < 30; i++) {
  const a = performance.timeOrigin + performance.now();
  const inPage = await page.evaluate(() => performance.timeOrigin + performance.now());
  const b = performance.timeOrigin + performance.now();
  if (b - a < bestRtt) {
    bestRtt = b - a;
    offset = inPage - (a + b) / 2;
  }
}
const latencies = (await page.evaluate(() => window.__gatepost?.latencies ?? []))
  .slice(before)
  .map((l) => l - offset)
  .sort((x, y) => x - y);
const coreSorted = [...coreTimes].sort((x, y) => x - y);
const bareSorted = [...bareTimes].sort((x, y) => x - y);
client.close();
await browser.close();
await kiosk.close();
await core.close();

// ---- 3: cold start
async function coldStart(browserPage: Page): Promise<{ process: number; painted: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-cold-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...station, sources: { wedge: { enabled: true, maxAvgGapMs: 30, minLength: 6 } } }));
  const t0 = Date.now();
  const child = spawn(process.execPath, [join(REPO, 'bin', 'gatepost.js'), 'station', '--web', '--port', '0', '--config', join(dir, 'config.json')], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The ready line on stdout; the screen's URL with the bridge secret on stderr.
  let ready = 0;
  const readyLine = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('ready at')) return;
      ready = Date.now() - t0;
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`station exited with ${code}`)));
  });
  const url = await new Promise<string>((resolve) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const found = screenUrlIn(line);
      if (found) resolve(found);
      else process.stderr.write(`${line}\n`);
    });
  });
  await readyLine;
  await browserPage.goto(url);
  await browserPage.waitForFunction(() => window.__gatepost?.readyAt != null, undefined, { polling: 'raf' });
  const readyAt = await browserPage.evaluate(() => window.__gatepost!.readyAt!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return { process: ready, painted: Math.round(readyAt - t0) };
}

const coldBrowser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
const coldPage = await coldBrowser.newPage({ viewport: { width: 1280, height: 800 } });
const colds: { process: number; painted: number }[] = [];
for (let i = 0; i < 5; i++) colds.push(await coldStart(coldPage));
await coldBrowser.close();
await stack.close();
rmSync(work, { recursive: true, force: true });

// ---- report
const p50 = pct(latencies, 50);
const p99 = pct(latencies, 99);
const b50 = pct(bareSorted, 50);
const b99 = pct(bareSorted, 99);
const coldProcess = colds.map((c) => c.process).sort((a, b) => a - b);
const coldPainted = colds.map((c) => c.painted).sort((a, b) => a - b);
console.log(`\n${SCANS} scans each, interleaved, after ${WARMUP} warm-up scans; loopback; ${[...outcomes].map(([k, v]) => `${k}: ${v}`).join(', ')}\n`);
console.log('path                                          p50 ms   p90 ms   p99 ms   max ms');
console.log('--------------------------------------------  -------  -------  -------  -------');
console.log(`scan enters core → verdict painted (in page)  ${fmt(p50)}  ${fmt(pct(latencies, 90))}  ${fmt(p99)}  ${fmt(latencies.at(-1)!)}`);
console.log(`  of which: scan in → verdict sent (core)      ${fmt(pct(coreSorted, 50))}  ${fmt(pct(coreSorted, 90))}  ${fmt(pct(coreSorted, 99))}  ${fmt(coreSorted.at(-1)!)}`);
console.log(`bare server round trip (station API call)     ${fmt(b50)}  ${fmt(pct(bareSorted, 90))}  ${fmt(b99)}  ${fmt(bareSorted.at(-1)!)}`);
console.log(`(clock offset page − core ${offset.toFixed(2)} ms, measured to ±${(bestRtt / 2).toFixed(2)} ms, taken out)`);
console.log(`\nstation overhead over the bare round trip: p50 +${(p50 - b50).toFixed(1)} ms, p99 +${(p99 - b99).toFixed(1)} ms (${(p50 / b50).toFixed(2)}× at p50)`);
console.log(`\ncold start, 5 runs (median / max): process spawned → ready line ${coldProcess[2]} / ${coldProcess[4]} ms; → ready screen painted ${coldPainted[2]} / ${coldPainted[4]} ms`);
console.log(`\ntargets: p99 scan → paint ≤ 50 ms: ${p99 <= 50 ? 'met' : 'NOT met'} (${p99.toFixed(1)} ms); cold start ≤ 2 s: ${coldPainted[2]! <= 2000 ? 'met' : 'NOT met'} (${coldPainted[2]} ms median)`);
process.exit(0);
