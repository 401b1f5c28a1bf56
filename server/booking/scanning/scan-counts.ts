// The Live page's counts (scan_totals, scan_minutes), kept in the transaction
// that records outcomes (scan-outcomes.ts) or annuls an admission
// (annulments.ts): a summary then reads a few hundred rows, not every scan of
// the show. Each write adds its rows' deltas in one upsert per table, in key
// order, so that two processes' writes wait on each other in one order only.
import type { Transaction } from 'kysely';
import type { BookingDB } from '../schema.js';
import type { ScanMinutesTable, ScanOutcomesTable, ScanTotalsTable } from './scan-outcomes-schema.js';

type Outcome = Pick<ScanOutcomesTable, 'provider_id' | 'show_id' | 'gate' | 'at' | 'result' | 'reason'>;

/** The start of the minute `t` (epoch seconds) falls in. */
export const minuteOf = (t: number): number => t - (t % 60);

/** Both databases' parameter limits, with room: 8 columns a row. */
const ROWS = 500;

/** Adds `sign` × each outcome to the counts (+1 as recorded, −1 as annulled). */
export async function addCounts(trx: Transaction<BookingDB>, outcomes: readonly Outcome[], sign: 1 | -1): Promise<void> {
  const totals = new Map<string, ScanTotalsTable>();
  const minutes = new Map<string, ScanMinutesTable>();
  for (const o of outcomes) {
    const show = o.show_id ?? '';
    const at = Number(o.at);
    const minute = minuteOf(at);
    // Outcomes of no show count for every show of their provider for three hours (live.ts): by their minute,
    // so that a stranger's code held up to a scanner all evening adds a row a minute, not one a scan.
    const bucket = o.show_id === null ? minute : 0;
    const reason = o.reason ?? '';
    const tk = JSON.stringify([o.provider_id, show, bucket, o.gate, o.result, reason]);
    const t = totals.get(tk) ?? { provider_id: o.provider_id, show_id: show, bucket, gate: o.gate, result: o.result, reason, n: 0, last_at: 0 };
    t.n += sign;
    if (sign > 0) t.last_at = Math.max(t.last_at, at);
    totals.set(tk, t);
    if (o.result !== 'admitted') continue;
    const mk = JSON.stringify([o.provider_id, show, minute, o.gate]);
    const m = minutes.get(mk) ?? { provider_id: o.provider_id, show_id: show, minute, gate: o.gate, admitted: 0 };
    m.admitted += sign;
    minutes.set(mk, m);
  }
  const inKeyOrder = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  const t = inKeyOrder(totals);
  for (let i = 0; i < t.length; i += ROWS) {
    await trx
      .insertInto('scan_totals')
      .values(t.slice(i, i + ROWS))
      .onConflict((oc) =>
        oc.columns(['provider_id', 'show_id', 'bucket', 'gate', 'result', 'reason']).doUpdateSet((eb) => ({
          n: eb('scan_totals.n', '+', eb.ref('excluded.n')),
          last_at: eb.case().when('excluded.last_at', '>', eb.ref('scan_totals.last_at')).then(eb.ref('excluded.last_at')).else(eb.ref('scan_totals.last_at')).end(),
        })),
      )
      .execute();
  }
  const m = inKeyOrder(minutes);
  for (let i = 0; i < m.length; i += ROWS) {
    await trx
      .insertInto('scan_minutes')
      .values(m.slice(i, i + ROWS))
      .onConflict((oc) => oc.columns(['provider_id', 'show_id', 'minute', 'gate']).doUpdateSet((eb) => ({ admitted: eb('scan_minutes.admitted', '+', eb.ref('excluded.admitted')) })))
      .execute();
  }
}
