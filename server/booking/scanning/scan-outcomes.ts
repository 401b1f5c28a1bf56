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
import { sha256 } from '../secrets.js';
import type { BookingDB } from '../schema.js';
import type { JournalConflictsTable, ScanOutcomesTable } from './scan-outcomes-schema.js';

export const KEEP_OUTCOMES_S = 2 * 24 * 3600;
const MAX_HELD = 50_000;

export type ScanOutcome = ScanOutcomesTable;
export type JournalConflict = Omit<JournalConflictsTable, 'conflict_id' | 'recorded_at' | 'acknowledged_at' | 'acknowledged_by'> & {
  stationId: string;
  scanId: string;
};

export function conflictId(stationId: string, scanId: string): string {
  return `cf_${sha256(`${stationId}/${scanId}`).slice(0, 24)}`;
}

export class ScanOutcomeLog {
  private outcomes: ScanOutcome[] = [];
  private conflicts: JournalConflictsTable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** told the providers whose outcomes were just committed: the live streams of this process answer at once */
  onCommitted?: (providerIds: Set<string>) => void;

  constructor(
    private readonly commit: (work: (trx: Transaction<BookingDB>) => Promise<void>) => Promise<void>,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly delayMs = 200,
    private readonly maxBatch = 1000,
  ) {}

  add(outcome: ScanOutcome): void {
    this.outcomes.push(outcome);
    this.schedule();
  }

  addConflict(c: JournalConflict): void {
    const { stationId, scanId, ...rest } = c;
    this.conflicts.push({ ...rest, conflict_id: conflictId(stationId, scanId), recorded_at: this.now(), acknowledged_at: null, acknowledged_by: null });
    this.schedule();
  }

  private schedule(): void {
    if (this.outcomes.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const outcomes = this.outcomes.splice(0);
    const conflicts = this.conflicts.splice(0);
    if (outcomes.length + conflicts.length > 0) this.chain = this.chain.then(() => this.write(outcomes, conflicts));
    return this.chain;
  }

  private async write(outcomes: ScanOutcome[], conflicts: JournalConflictsTable[]): Promise<void> {
    try {
      await this.commit(async (trx) => {
        // Multi-row inserts of at most 500 rows keep within both databases' parameter limits.
        for (let i = 0; i < outcomes.length; i += 500) await trx.insertInto('scan_outcomes').values(outcomes.slice(i, i + 500)).execute();
        for (const c of conflicts) await trx.insertInto('journal_conflicts').values(c).onConflict((oc) => oc.column('conflict_id').doNothing()).execute();
      });
      this.onCommitted?.(new Set([...outcomes.map((o) => o.provider_id), ...conflicts.map((c) => c.provider_id)]));
    } catch (err) {
      this.outcomes.unshift(...outcomes);
      this.conflicts.unshift(...conflicts);
      const over = this.outcomes.length - MAX_HELD;
      if (over > 0) this.log.error({ dropped: this.outcomes.splice(0, over).length }, 'scan outcomes dropped: the database has refused them for too long');
      this.log.error({ err, held: this.outcomes.length }, 'could not record scan outcomes for the live page; retrying');
      this.timer ??= setTimeout(() => void this.flush(), 1000);
    }
  }
}

/** Outcomes and conflicts older than two days. */
export async function pruneScanOutcomes(writes: { run<T>(work: (trx: Transaction<BookingDB>) => Promise<T>): Promise<T> }, now: number): Promise<number> {
  return writes.run(async (trx) => {
    const a = await trx.deleteFrom('scan_outcomes').where('at', '<', now - KEEP_OUTCOMES_S).executeTakeFirst();
    const b = await trx.deleteFrom('journal_conflicts').where('recorded_at', '<', now - KEEP_OUTCOMES_S).executeTakeFirst();
    return Number(a.numDeletedRows) + Number(b.numDeletedRows);
  });
}
