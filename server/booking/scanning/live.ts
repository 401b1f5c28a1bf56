// The Live page's summary of one show at one provider's gates, from the
// database (scan-outcomes.ts), so that on PostgreSQL every booking process
// answers with what any of them recorded. Rejections the provider could tie
// to no show (not a ticket at all, the provider unreachable) count for every
// show of that provider within the last three hours: they happened at its gates.
import { sql, type Kysely } from 'kysely';
import type { BookingDB } from '../schema.js';
import type { LiveSummary } from '../../../protocol/console-api.js';

const UNATTRIBUTED_S = 3 * 3600;
const PER_MINUTE_S = 60 * 60;
const RECENT = 50;

export type { LiveSummary };

export async function liveSummary(db: Kysely<BookingDB>, providerId: string, showId: string, now: number, capacity: number | null): Promise<LiveSummary> {
  const ofShow = () =>
    db
      .selectFrom('scan_outcomes')
      .where('provider_id', '=', providerId)
      .where((eb) => eb.or([eb('show_id', '=', showId), eb.and([eb('show_id', 'is', null), eb('at', '>=', now - UNATTRIBUTED_S)])]));
  const minute = sql<number>`at - (at % 60)`;
  const [byGate, denials, recent, perMinute, conflicts] = await Promise.all([
    // An annulled admission counts neither as admitted nor as denied: the holder did not pass.
    ofShow().where('annulled_at', 'is', null).select(['gate', 'result', (eb) => eb.fn.countAll<number | string>().as('n')]).groupBy(['gate', 'result']).execute(),
    ofShow().where('result', '=', 'rejected').select(['reason', (eb) => eb.fn.countAll<number | string>().as('n')]).groupBy('reason').execute(),
    ofShow().select(['at', 'gate', 'result', 'reason', 'seat', 'station_id', 'scan_id', 'annulled_at']).orderBy('at', 'desc').limit(RECENT).execute(),
    ofShow()
      .where('result', '=', 'admitted')
      .where('annulled_at', 'is', null)
      .where('at', '>=', now - PER_MINUTE_S)
      .select([minute.as('minute'), 'gate', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy([minute, 'gate'])
      .orderBy(minute)
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
  const gates = new Map<string, { gate: string; admitted: number; denied: number }>();
  let admitted = 0;
  for (const row of byGate) {
    const g = gates.get(row.gate) ?? { gate: row.gate, admitted: 0, denied: 0 };
    gates.set(row.gate, g);
    if (row.result === 'admitted') {
      g.admitted += Number(row.n);
      admitted += Number(row.n);
    } else g.denied += Number(row.n);
  }
  return {
    admitted,
    capacity,
    gates: [...gates.values()].sort((a, b) => a.gate.localeCompare(b.gate)),
    denials: denials.map((d) => ({ reason: d.reason ?? 'unknown', count: Number(d.n) })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
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
    perMinute: perMinute.map((p) => ({ minute: Number(p.minute), gate: p.gate, admitted: Number(p.n) })),
  };
}
