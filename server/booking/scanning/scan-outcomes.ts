// What every gate saw, for the console's Live page (live.ts): each scan's
// outcome (admitted or the denial's reason, and of which show when the
// provider named it), and the conflicts an offline station's journal upload
// found (a ticket admitted offline that had already been used elsewhere).
//
// Written behind the answer like the admission log (admission-log.ts): rows
// gather for a fifth of a second and go in one relaxed transaction, so a scan
// never waits on this record. It is kept two days (pruneScanOutcomes): enough
// for a show and the morning after, not a history.
import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import { WriteBehind } from '../../common/write-behind.js';
import { addCounts } from './scan-counts.js';
import { sha256 } from '../secrets.js';
import type { BookingDB } from '../schema.js';
import type { JournalConflictsTable, ScanOutcomesTable } from './scan-outcomes-schema.js';

export const KEEP_OUTCOMES_S = 2 * 24 * 3600;

export type ScanOutcome = ScanOutcomesTable;
export type JournalConflict = Omit<JournalConflictsTable, 'conflict_id' | 'recorded_at' | 'acknowledged_at' | 'acknowledged_by'> & {
  stationId: string;
  scanId: string;
};

export function conflictId(stationId: string, scanId: string): string {
  return `cf_${sha256(`${stationId}/${scanId}`).slice(0, 24)}`;
}

// One buffer for both, told apart by the conflict's key: a scan's outcome goes in as it is, unwrapped.
type Row = ScanOutcome | JournalConflictsTable;
const isConflict = (r: Row): r is JournalConflictsTable => 'conflict_id' in r;

export class ScanOutcomeLog {
  private readonly rows: WriteBehind<Row>;
  /** told the providers whose outcomes were just committed: the live streams of this process answer at once */
  onCommitted?: (providerIds: Set<string>) => void;

  constructor(
    commit: (work: (trx: Transaction<BookingDB>) => Promise<void>) => Promise<void>,
    private readonly now: () => number,
    log: Logger,
  ) {
    this.rows = new WriteBehind<Row>({
      what: 'scan outcomes for the live page',
      log,
      write: async (rows) => {
        const outcomes: ScanOutcome[] = [];
        const conflicts: JournalConflictsTable[] = [];
        for (const r of rows) {
          if (isConflict(r)) conflicts.push(r);
          else outcomes.push(r);
        }
        await commit(async (trx) => {
          // Multi-row inserts of at most 500 rows keep within both databases' parameter limits.
          for (let i = 0; i < outcomes.length; i += 500) await trx.insertInto('scan_outcomes').values(outcomes.slice(i, i + 500)).execute();
          await addCounts(trx, outcomes, 1);
          for (const c of conflicts) await trx.insertInto('journal_conflicts').values(c).onConflict((oc) => oc.column('conflict_id').doNothing()).execute();
        });
        this.onCommitted?.(new Set([...outcomes.map((o) => o.provider_id), ...conflicts.map((c) => c.provider_id)]));
      },
    });
  }

  add(outcome: ScanOutcome): void {
    this.rows.push(outcome);
  }

  addConflict(c: JournalConflict): void {
    const { stationId, scanId, ...rest } = c;
    this.rows.push({ ...rest, conflict_id: conflictId(stationId, scanId), recorded_at: this.now(), acknowledged_at: null, acknowledged_by: null });
  }

  flush(): Promise<void> {
    return this.rows.flush();
  }
}

/** Outcomes and conflicts older than two days. */
export async function pruneScanOutcomes(writes: { run<T>(work: (trx: Transaction<BookingDB>) => Promise<T>): Promise<T> }, now: number): Promise<number> {
  return writes.run(async (trx) => {
    const a = await trx.deleteFrom('scan_outcomes').where('at', '<', now - KEEP_OUTCOMES_S).executeTakeFirst();
    const b = await trx.deleteFrom('journal_conflicts').where('recorded_at', '<', now - KEEP_OUTCOMES_S).executeTakeFirst();
    // Their counts go with them.
    await trx.deleteFrom('scan_totals').where('last_at', '<', now - KEEP_OUTCOMES_S).execute();
    await trx.deleteFrom('scan_minutes').where('minute', '<', now - KEEP_OUTCOMES_S).execute();
    return Number(a.numDeletedRows) + Number(b.numDeletedRows);
  });
}
