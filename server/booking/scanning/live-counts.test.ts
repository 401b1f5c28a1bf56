// The Live page's counts (scan-counts.ts) give the summary the outcomes
// themselves give: 3,000 outcomes of two shows and of no show, over four
// hours at 30 gates, recorded through the scan outcome log as the relay
// records them, then summed as live.ts sums them; and after an upgrade, the
// counts filled in from the outcomes recorded before them. A booking server in
// this process, on SQLite and on the local PostgreSQL. (Annulments, which take
// admissions off the counts, go through a real provider in live.test.ts.)
import { join } from 'node:path';
import { Migrator, type Kysely } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../../common/testing/storage.js';
import { bookingMigrations } from '../schema.js';
import { startTestBooking } from '../testing/setup.js';
import { bookingTestbed } from '../testing/testbed.js';
import { liveSummary, type LiveSummary } from './live.js';
import type { ScanOutcomesTable } from './scan-outcomes-schema.js';
import { ScanOutcomeLog } from './scan-outcomes.js';

const ADMIN = 'live-counts-admin-token-0123456789';
const REASONS = ['already_redeemed', 'not_yet_valid', 'expired', 'unknown_code', null];

/** A fixed pseudo-random sequence: the same outcomes on every run. */
function outcomes(now: number): ScanOutcomesTable[] {
  // mulberry32
  let seed = 7;
  const next = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  return Array.from({ length: 3000 }, (_, i) => {
    const show = next(10);
    const rejected = next(4) === 0 || show === 9;
    return {
      provider_id: next(8) === 0 ? 'p_other' : 'p_live',
      // show 9: no show (not a ticket at all)
      show_id: show === 9 ? null : show < 6 ? 's_tonight' : 's_matinee',
      gate: `Gate ${next(30) + 1}`,
      station_id: `st_${next(30)}`,
      at: now - next(4 * 3600),
      result: rejected ? 'rejected' : 'admitted',
      reason: rejected ? (REASONS[next(REASONS.length)] ?? null) : null,
      seat: null,
      scan_id: `sc_${i}`,
      annulled_at: null,
    };
  });
}

/** The summary's counts as the outcomes themselves give them. */
function expected(all: ScanOutcomesTable[], now: number, showId: string) {
  // Outcomes of no show: from the minute three hours ago.
  const since = now - 3 * 3600 - ((now - 3 * 3600) % 60);
  const counted = all.filter((o) => o.provider_id === 'p_live' && (o.show_id === showId || (o.show_id === null && o.at >= since)));
  const gates = new Map<string, { gate: string; admitted: number; denied: number }>();
  const denials = new Map<string, number>();
  for (const o of counted) {
    const g = gates.get(o.gate) ?? { gate: o.gate, admitted: 0, denied: 0 };
    gates.set(o.gate, g);
    if (o.result === 'admitted') g.admitted++;
    else {
      g.denied++;
      denials.set(o.reason ?? 'unknown', (denials.get(o.reason ?? 'unknown') ?? 0) + 1);
    }
  }
  const from = now - 3600 - ((now - 3600) % 60);
  const minutes = new Map<string, number>();
  for (const o of counted) {
    const minute = o.at - (o.at % 60);
    if (o.result === 'admitted' && minute >= from) minutes.set(`${minute} ${o.gate}`, (minutes.get(`${minute} ${o.gate}`) ?? 0) + 1);
  }
  return {
    admitted: counted.filter((o) => o.result === 'admitted').length,
    gates: [...gates.values()].sort((a, b) => a.gate.localeCompare(b.gate)),
    denials: [...denials].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    perMinute: [...minutes].map(([key, admitted]) => ({ key, admitted })).sort((a, b) => a.key.localeCompare(b.key)),
    recent: counted
      .map((o) => o.at)
      .sort((a, b) => b - a)
      .slice(0, 50),
  };
}

const comparable = (s: LiveSummary) => ({
  admitted: s.admitted,
  gates: s.gates,
  denials: s.denials,
  perMinute: s.perMinute.map((p) => ({ key: `${p.minute} ${p.gate}`, admitted: p.admitted })).sort((a, b) => a.key.localeCompare(b.key)),
  recent: s.recent.map((r) => r.at),
});

describe.each(BACKENDS)('the Live counts on $backend', (each) => {
  const now = Math.floor(Date.now() / 1000);
  const bed = bookingTestbed(each, { name: 'live-counts', adminToken: ADMIN, booking: { demo: true, reminderIntervalMs: 0, now: () => now, logger: false } });

  it.runIf(each.run)('sum to what the outcomes give, recorded in batches and filled in on upgrade', async () => {
    const all = outcomes(now);
    const log = new ScanOutcomeLog(bed.booking.ctx.relaxedTransaction, () => now, pino({ enabled: false }));
    // In batches, as the relay's log writes them behind its answers.
    // Every part of the summary has something to show.
    const tonight = expected(all, now, 's_tonight');
    expect([tonight.gates.length, tonight.denials.length, tonight.perMinute.length, tonight.recent.length]).toEqual([30, 5, expect.any(Number), 50]);
    expect(tonight.perMinute.length).toBeGreaterThan(100);
    for (let i = 0; i < all.length; i += 250) {
      for (const o of all.slice(i, i + 250)) log.add(o);
      await log.flush();
    }
    for (const showId of ['s_tonight', 's_matinee']) {
      expect(comparable(await liveSummary(bed.booking.ctx.db, 'p_live', showId, now, null))).toEqual(expected(all, now, showId));
    }

    // The version before the counts, then started again: they are filled in from the outcomes.
    const migrator = new Migrator({ db: bed.booking.ctx.db as Kysely<unknown>, provider: { getMigrations: async () => bookingMigrations(each.backend) } });
    expect((await migrator.migrateTo('021_reminder_schedule')).error).toBeUndefined();
    await bed.booking.close();
    bed.booking = await startTestBooking({ dataDir: join(bed.store.dir, 'booking'), databaseUrl: bed.store.databaseUrl, adminToken: ADMIN, demo: true, reminderIntervalMs: 0, now: () => now, logger: false });
    for (const showId of ['s_tonight', 's_matinee']) {
      expect(comparable(await liveSummary(bed.booking.ctx.db, 'p_live', showId, now, null))).toEqual(expected(all, now, showId));
    }
  }, 60_000);
});
