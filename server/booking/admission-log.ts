// Admissions the relay passed on, recorded for the stations' offline bundles
// (a station offline must not admit a code already redeemed elsewhere).
//
// The provider's own record is the truth and is durable before any verdict is
// answered; this copy is a cache for offline stations. It is written behind
// the answer: rows gather for a few milliseconds and go in one group-commit
// batch, so a gate does not wait for a second fsync here, and a busy relay
// pays one commit per batch rather than one per scan. A crash loses at most
// the last moments' rows; an offline station that then admits such a code is
// told of the conflict when it uploads its journal. The offline bundle flushes
// first, so a bundle never misses an admission this process has answered.
import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import type { GroupCommit } from '../common/group-commit.js';
import { queries } from './queries.js';
import type { BookingDB } from './schema.js';

export interface Admission {
  providerId: string;
  code: string;
  gate: string;
  /** when the holder went through */
  at: number;
}

/** Rows kept while the database refuses them; beyond that the oldest go (and are logged). */
const MAX_HELD = 50_000;

export class AdmissionLog {
  private pending: (Admission & { recordedAt: number })[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<BookingDB>,
    private readonly writes: GroupCommit<BookingDB>,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly delayMs = 10,
    private readonly maxBatch = 256,
  ) {}

  add(items: Admission[]): void {
    if (items.length === 0) return;
    const recordedAt = this.now();
    for (const item of items) this.pending.push({ ...item, recordedAt });
    if (this.pending.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Resolves once every admission added so far is committed (or has failed and is held for the next try). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.pending.splice(0);
    if (rows.length > 0) this.chain = this.chain.then(() => this.write(rows));
    return this.chain;
  }

  private async write(rows: (Admission & { recordedAt: number })[]): Promise<void> {
    try {
      // One prepared statement run per row, in one transaction: no SQL built per batch.
      const record = queries(this.db).recordRedeemed;
      await this.writes.run(async (trx) => {
        for (const r of rows) await record(trx, r);
      });
    } catch (err) {
      // Held for the next flush, never dropped silently.
      this.pending.unshift(...rows);
      const over = this.pending.length - MAX_HELD;
      if (over > 0) this.log.error({ dropped: this.pending.splice(0, over).length }, 'admission records dropped: the database has refused them for too long');
      this.log.error({ err, held: this.pending.length }, 'could not record admissions for offline bundles; retrying');
      this.timer ??= setTimeout(() => void this.flush(), 1000);
    }
  }
}
