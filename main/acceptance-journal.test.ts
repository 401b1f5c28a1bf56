// Acceptance: a long offline spell. A station core with policy `signed` admits
// 2,000 distinct tickets while the provider process is stopped (a busy gate
// offline for an hour); once the provider is back, every one of them is
// redeemed on the provider exactly once, at this gate, and the journal empties.
// Then: the booking server relays a journal upload larger than the provider's
// body limit in pieces; and an upload the server refuses for good is shown on
// the station's state and never sent again (requests counted at the server).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScanText } from '../protocol/gp1.js';
import { BODY_LIMIT } from '../protocol/limits.js';
import type { Browser } from 'playwright-core';
import { hashPin } from './config/pin.js';
import { StationCore } from './core/station.js';
import { chromiumAvailable, launchChromium, openStation, screenshot } from './testing/browser.js';
import { launchStation, TEST_PIN } from './testing/station.js';
import { httpCounter, type HttpCounter } from './testing/http-counter.js';
import { startStack, type Stack, type Ticket } from './testing/stack.js';

const OFFLINE = 2000;
const RETRY_MS = 200;
const GATE = 'Long Offline Gate';

/** A core on its own data folder, its log lines kept for the test. */
async function openCore(dir: string, config: Record<string, unknown>): Promise<{ core: StationCore; lines: Record<string, unknown>[] }> {
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ offlinePolicy: 'signed', ...config }));
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const core = new StationCore({ configFile, log: pino({ level: 'info' }, sink), verifier: { journalRetryMs: RETRY_MS } });
  await core.start();
  return { core, lines };
}

function codeOf(t: Ticket): string {
  const parsed = parseScanText(t.payload);
  if (parsed.kind !== 'gp1') throw new Error('not a GP1 ticket');
  return parsed.decoded.body.code;
}

describe('gate station: a long offline spell', () => {
  let stack: Stack;
  let tickets: Ticket[];
  let spare: Ticket[];

  beforeAll(async () => {
    const now = Math.floor(Date.now() / 1000);
    const show = (n: number) => ({ showId: `long-${n}`, title: `Long Night ${n}`, hall: `Hall ${n}`, startsAt: now + 1800, endsAt: now + 9000, priceCents: 100, currency: 'CNY', rows: 26, seatsPerRow: 45 });
    const programme = join(mkdtempSync(join(tmpdir(), 'gp-programme-')), 'programme.json');
    writeFileSync(programme, JSON.stringify({ venue: 'Long Night Cinema', shows: [show(1), show(2), show(3)] }));
    stack = await startStack({ providerArgs: ['--programme', programme] });
    const bought = await Promise.all([stack.buyTickets(1000, 'long-1'), stack.buyTickets(1000, 'long-2'), stack.buyTickets(600, 'long-3')]);
    tickets = [...bought[0], ...bought[1]];
    spare = bought[2];
  }, 240_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('admits 2,000 tickets offline and, once the provider is back, redeems each one exactly once there', async () => {
    const config = await stack.enrolledConfig(GATE);
    const { core } = await openCore(join(stack.dir, 'station-long'), config);
    try {
      expect(await core.verifier.refreshBundle()).toBe(true);
      await stack.stopProvider();
      for (const t of tickets) {
        const v = await core.submit({ text: t.payload, source: 'serial' }, 'serial');
        expect(v).toMatchObject({ result: 'admitted', offline: true });
      }
      expect(core.state().journalPending).toBe(OFFLINE);

      await stack.startProvider();
      await expect.poll(() => core.state().journalPending, { timeout: 60_000, interval: 100 }).toBe(0);
      expect(core.state()).toMatchObject({ conflicts: [], journalRefused: [] });

      // On the provider: every code redeemed at this gate, by one admitted scan of this station.
      const stationId = (config.enrollment as { stationId: string }).stationId;
      const db = new Database(join(stack.dir, 'provider', 'provider.sqlite'), { readonly: true });
      try {
        const codes = new Set(tickets.map(codeOf));
        const redeemed = db.prepare('SELECT code, redeemed_gate AS gate, redeemed_scan_id AS scanId FROM tickets WHERE redeemed_at IS NOT NULL').all() as { code: string; gate: string; scanId: string }[];
        const ours = redeemed.filter((r) => codes.has(r.code));
        expect(ours).toHaveLength(OFFLINE);
        expect(new Set(ours.map((r) => r.gate))).toEqual(new Set([GATE]));
        expect(ours.every((r) => r.scanId.startsWith(`${stationId}/`))).toBe(true);
        const scans = db.prepare('SELECT code, verdict FROM scans WHERE scan_id LIKE ?').all(`${stationId}/%`) as { code: string; verdict: string }[];
        const admitted = scans.filter((s) => (JSON.parse(s.verdict) as { result: string }).result === 'admitted');
        expect(admitted).toHaveLength(OFFLINE);
        expect(new Set(admitted.map((s) => s.code))).toEqual(codes);
      } finally {
        db.close();
      }

      // Online now, at another gate: each is used, at this one.
      const other = await openCore(join(stack.dir, 'station-other'), await stack.enrolledConfig('Check Gate'));
      try {
        for (const t of [tickets[0]!, tickets[999]!, tickets[1999]!]) {
          expect(await other.core.submit({ text: t.payload, source: 'serial' }, 'serial')).toMatchObject({ result: 'rejected', reason: 'already_redeemed', redeemedGate: GATE, offline: false });
        }
      } finally {
        await other.core.close();
      }
    } finally {
      await core.close();
    }
  }, 240_000);

  it('relays a journal upload larger than the provider takes in one body', async () => {
    const config = await stack.enrolledConfig('G'.repeat(100));
    const token = (config.enrollment as { token: string }).token;
    // Bare codes and long scanIds: a station body under the limit whose relayed form is over it.
    const batch = spare.slice(0, 400).map((t, i) => ({ code: codeOf(t), scanId: `${String(i).padStart(4, '0')}-${'s'.repeat(70)}`, at: Math.floor(Date.now() / 1000) }));
    const body = JSON.stringify({ redemptions: batch });
    expect(Buffer.byteLength(body)).toBeLessThan(BODY_LIMIT);
    const res = await stack.api<{ results: { scanId: string; result: string }[] }>('POST', '/api/v1/station/journal', JSON.parse(body), token);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.result)).toEqual(batch.map(() => 'admitted'));
  });

  describe.runIf(chromiumAvailable())('an upload the server refuses for good', () => {
    let counter: HttpCounter;
    let browser: Browser;
    beforeAll(async () => {
      [counter, browser] = await Promise.all([httpCounter(stack.bookingUrl), launchChromium()]);
    });
    afterAll(async () => {
      await browser?.close();
      await counter?.close();
    });

    it('is shown and logged with its reason, never sent again, and does not hold the rest back', async () => {
      const config = await stack.enrolledConfig('Refusing Gate');
      const dir = join(stack.dir, 'station-refused');
      mkdirSync(dir, { recursive: true });
      // A journal left on disk (a station of another version, or a file restored by hand) holding
      // two entries the server will never take, among three it will.
      const good = spare.slice(500, 503);
      const at = Math.floor(Date.now() / 1000);
      const entries = [
        ...good.map((t, i) => ({ scanId: `good-${i}`, payload: t.payload, code: codeOf(t), at, state: 'pending' })),
        { scanId: 'x'.repeat(120), payload: spare[503]!.payload, code: codeOf(spare[503]!), at, state: 'pending' },
        { scanId: 'too-large', payload: `GP1:${'A'.repeat(BODY_LIMIT)}`, code: 'f'.repeat(32), at, state: 'pending' },
      ];
      writeFileSync(join(dir, 'journal.json'), JSON.stringify({ version: 1, entries }));
      const journalPosts = () => counter.count('POST /api/v1/station/journal');

      const { core, lines } = await openCore(dir, { ...config, serverUrl: counter.url });
      try {
        await expect.poll(() => core.state().journalPending, { timeout: 30_000, interval: 50 }).toBe(0);
        const state = core.state();
        expect(state.journalRefused).toEqual(
          expect.arrayContaining([
            { reason: 'bad_request', count: 1 },
            { reason: 'body_too_large', count: 1 },
          ]),
        );
        expect(state.journalRefused).toHaveLength(2);
        const refusedLogs = () => lines.filter((l) => l.level === 50 && String(l.msg).includes('refused an offline admission'));
        await expect.poll(() => refusedLogs().map((l) => l.error).sort(), { timeout: 5000, interval: 20 }).toEqual(['bad_request', 'body_too_large']);
        // The good three reached the provider.
        const db = new Database(join(stack.dir, 'provider', 'provider.sqlite'), { readonly: true });
        try {
          const rows = db.prepare(`SELECT redeemed_gate AS gate FROM tickets WHERE code IN (${good.map(() => '?').join(',')})`).all(...good.map(codeOf)) as { gate: string }[];
          expect(rows.map((r) => r.gate)).toEqual(['Refusing Gate', 'Refusing Gate', 'Refusing Gate']);
        } finally {
          db.close();
        }

        // Nothing more is sent: many retry periods pass without a journal request.
        const sent = journalPosts();
        await new Promise((r) => setTimeout(r, 10 * RETRY_MS));
        expect(journalPosts()).toBe(sent);
      } finally {
        await core.close();
      }

      // After a restart, as the gate's own process, the refusal is on its screen (count and reason, en and zh-CN) and still not sent.
      const sent = journalPosts();
      const configFile = join(dir, 'config.json');
      const pinHash = await hashPin(TEST_PIN);
      for (const [language, title, line] of [
        ['en', '2 offline admissions were refused by the server', '1: too large for the server'],
        ['zh-CN', '2 条离线放行记录被服务器拒收', '1 条：超出服务器大小限制'],
      ] as const) {
        writeFileSync(configFile, JSON.stringify({ ...config, serverUrl: counter.url, offlinePolicy: 'signed', pinHash, language }));
        const station = await launchStation(configFile);
        try {
          const page = await openStation(browser, station.url);
          const alert = page.getByTestId('journal-refused');
          await alert.waitFor();
          expect(await alert.getAttribute('data-count')).toBe('2');
          expect(await alert.textContent()).toContain(title);
          expect(await page.locator('[data-testid="journal-refused-reason"][data-reason="body_too_large"]').textContent()).toBe(line);
          await screenshot(page, `journal-refused-${language}`);
          await page.close();
        } finally {
          await station.stop();
        }
      }
      expect(journalPosts()).toBe(sent);
      const again = await openCore(dir, { ...config, serverUrl: counter.url });
      try {
        expect(again.core.state().journalRefused).toHaveLength(2);
        await again.core.verifier.uploadJournal();
        await new Promise((r) => setTimeout(r, 10 * RETRY_MS));
        expect(journalPosts()).toBe(sent);
        // Dismissed by the attendant: it leaves the screen.
        await again.core.dismissConflicts(null);
        expect(again.core.state().journalRefused).toEqual([]);
      } finally {
        await again.core.close();
      }
    }, 120_000);
  });
});
