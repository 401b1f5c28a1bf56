// Admissions the relay passed on, recorded for the stations' offline bundles
// (a station offline must not admit a code already redeemed elsewhere).
//
// The provider's own record is the truth and is durable before any verdict is
// answered; this copy is a cache for offline stations. It is written behind
// the answer: rows gather for a fifth of a second and go in one transaction
// that commits without waiting for the disk (db.ts relaxedTransaction). An
// fsync here would stall the relay's one thread for every batch: it was a
// tenth of the booking server's time under a gate load. Larger batches dirty
// fewer index pages per row (codes are random), and cost no freshness: the
// offline bundle flushes first, so a bundle never misses an admission this
// process has answered. A power cut loses at most the last moments' rows; an
// offline station that then admits such a code is told of the conflict when
// it uploads its journal.
import type { Logger } from 'pino';
import type { Kysely, Transaction } from 'kysely';
import { inTransaction, type SqliteExecutor } from '../../common/prepared.js';
import { queries } from '../queries.js';
import type { BookingDB } from '../schema.js';

export interface Admission {
  providerId: string;
  code: string;
  gate: string;
  /** when the holder went through */
  at: number;
  /** the ticket's validity end, as the provider answered it: the record is pruned after it (station-events.ts) */
  validUntil: number | null;
  /** the scan that admitted it, as its station named it, and that station: an annulment finds it by them */
  scanId: string;
  stationId: string;
}

/** Rows kept while the database refuses them; beyond that the oldest go (and are logged). */
const MAX_HELD = 50_000;

export class AdmissionLog {
  private pending: (Admission & { recordedAt: number })[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<BookingDB>,
    private readonly commit: (work: (trx: Transaction<BookingDB>) => Promise<void>) => Promise<void>,
    private readonly now: () => number,
    private readonly log: Logger,
    /** SQLite: the connection the transaction is open on, to run the inserts on directly (prepared.ts) */
    private readonly sync?: SqliteExecutor,
    private readonly delayMs = 200,
    private readonly maxBatch = 1000,
  ) {}

  /** One admission: the relay's, on every first scan (one object made for it, no array or copy). */
  add(providerId: string, gate: string, code: string, at: number, validUntil: number | null, stationId: string, scanId: string): void {
    this.pending.push({ providerId, gate, code, at, validUntil, stationId, scanId, recordedAt: this.now() });
    this.scheduleFlush();
  }

  addAll(items: Admission[]): void {
    if (items.length === 0) return;
    const recordedAt = this.now();
    for (const item of items) this.pending.push({ ...item, recordedAt });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
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
      await this.commit(async (trx) => {
        const on = inTransaction(this.sync, trx);
        for (const r of rows) await record(on, r);
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
