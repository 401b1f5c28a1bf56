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
import { WriteBehind } from '../../common/write-behind.js';
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

type Row = Admission & { recordedAt: number };

export class AdmissionLog {
  private readonly rows: WriteBehind<Row>;

  constructor(
    db: Kysely<BookingDB>,
    commit: (work: (trx: Transaction<BookingDB>) => Promise<void>) => Promise<void>,
    private readonly now: () => number,
    log: Logger,
    /** SQLite: the connection the transaction is open on, to run the inserts on directly (prepared.ts) */
    sync?: SqliteExecutor,
  ) {
    this.rows = new WriteBehind<Row>({
      what: 'admission records for offline bundles',
      log,
      // One prepared statement run per row, in one transaction: no SQL built per batch.
      write: (rows) =>
        commit(async (trx) => {
          const record = queries(db).recordRedeemed;
          const on = inTransaction(sync, trx);
          for (const r of rows) await record(on, r);
        }),
    });
  }

  /** One admission: the relay's, on every first scan (one object made for it, no array or copy). */
  add(providerId: string, gate: string, code: string, at: number, validUntil: number | null, stationId: string, scanId: string): void {
    this.rows.push({ providerId, gate, code, at, validUntil, stationId, scanId, recordedAt: this.now() });
  }

  addAll(items: Admission[]): void {
    const recordedAt = this.now();
    for (const item of items) this.rows.push({ ...item, recordedAt });
  }

  /** Resolves once every admission added so far is committed (or has failed and is held for the next try). */
  flush(): Promise<void> {
    return this.rows.flush();
  }
}
