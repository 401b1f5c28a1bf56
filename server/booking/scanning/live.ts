// The Live page's summary of one show at one provider's gates, from the
// database — the counts kept as outcomes are recorded (scan-counts.ts) and the
// latest outcomes (scan-outcomes.ts) — so that on PostgreSQL every booking
// process answers with what any of them recorded, and a stadium's summary
// reads a few hundred rows, not its tens of thousands of scans. Rejections the provider could tie
// to no show (not a ticket at all, the provider unreachable) count for every
// show of that provider within the last three hours: they happened at its gates.
import type { Kysely } from 'kysely';
import type { BookingDB } from '../schema.js';
import type { LiveSummary } from '../../../protocol/console-api.js';
import { minuteOf } from './scan-counts.js';

const UNATTRIBUTED_S = 3 * 3600;
const PER_MINUTE_S = 60 * 60;
const RECENT = 50;

export type { LiveSummary };

export async function liveSummary(db: Kysely<BookingDB>, providerId: string, showId: string, now: number, capacity: number | null): Promise<LiveSummary> {
  // The counts (scan-counts.ts): the show's, and those of outcomes of no show from the minute three hours ago.
  const since = minuteOf(now - UNATTRIBUTED_S);
  const totals = db
    .selectFrom('scan_totals')
    .select(['gate', 'result', 'reason', (eb) => eb.fn.sum<number | string>('n').as('n')])
    .where('provider_id', '=', providerId)
    .where((eb) => eb.or([eb.and([eb('show_id', '=', showId), eb('bucket', '=', 0)]), eb.and([eb('show_id', '=', ''), eb('bucket', '>=', since)])]))
    .groupBy(['gate', 'result', 'reason'])
    .execute();
  // Newest first, each part an index range (provider_id, show_id, at): the show's scans, and those of no show.
  const parts = [
    () => db.selectFrom('scan_outcomes').where('provider_id', '=', providerId).where('show_id', '=', showId),
    () => db.selectFrom('scan_outcomes').where('provider_id', '=', providerId).where('show_id', 'is', null).where('at', '>=', since),
  ];
  const [counts, recentParts, perMinute, conflicts] = await Promise.all([
    totals,
    Promise.all(parts.map((part) => part().select(['at', 'gate', 'result', 'reason', 'seat', 'station_id', 'scan_id', 'annulled_at']).orderBy('at', 'desc').limit(RECENT).execute())),
    // The minutes from the one an hour ago.
    db
      .selectFrom('scan_minutes')
      .select(['minute', 'gate', (eb) => eb.fn.sum<number | string>('admitted').as('n')])
      .where('provider_id', '=', providerId)
      .where('show_id', 'in', [showId, ''])
      .where('minute', '>=', minuteOf(now - PER_MINUTE_S))
      .groupBy(['minute', 'gate'])
      .orderBy('minute')
      .execute(),
    db
      .selectFrom('journal_conflicts')
      .selectAll()
      .where('provider_id', '=', providerId)
      .where('acknowledged_at', 'is', null)
      .where((eb) => eb.or([eb('show_id', '=', showId), eb('show_id', 'is', null)]))
      .orderBy('recorded_at', 'desc')
      .limit(100)
      .execute(),
  ]);
  const recent = recentParts
    .flat()
    .sort((a, b) => Number(b.at) - Number(a.at))
    .slice(0, RECENT);
  const gates = new Map<string, { gate: string; admitted: number; denied: number }>();
  const denials = new Map<string, number>();
  let admitted = 0;
  for (const row of counts) {
    const n = Number(row.n);
    // An annulled admission was taken off the counts: the holder did not pass.
    if (n === 0) continue;
    const g = gates.get(row.gate) ?? { gate: row.gate, admitted: 0, denied: 0 };
    gates.set(row.gate, g);
    if (row.result === 'admitted') {
      g.admitted += n;
      admitted += n;
    } else {
      g.denied += n;
      const reason = row.reason || 'unknown';
      denials.set(reason, (denials.get(reason) ?? 0) + n);
    }
  }
  return {
    admitted,
    capacity,
    gates: [...gates.values()].sort((a, b) => a.gate.localeCompare(b.gate)),
    denials: [...denials].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    recent: recent.map((r) => ({
      at: Number(r.at),
      gate: r.gate,
      result: r.result,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.seat ? { seat: r.seat } : {}),
      ...(r.result === 'admitted' && r.scan_id ? { scanId: `${r.station_id}/${r.scan_id}` } : {}),
      ...(r.annulled_at !== null ? { annulledAt: Number(r.annulled_at) } : {}),
    })),
    conflicts: conflicts.map((c) => ({
      conflictId: c.conflict_id,
      ticketId: c.ticket_id,
      seat: c.seat,
      gate: c.gate,
      at: Number(c.at),
      firstGate: c.first_gate,
      firstAt: c.first_at === null ? null : Number(c.first_at),
    })),
    perMinute: perMinute.filter((p) => Number(p.n) > 0).map((p) => ({ minute: Number(p.minute), gate: p.gate, admitted: Number(p.n) })),
  };
}
