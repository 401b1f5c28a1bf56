// Group commit: the writes of all requests that arrive while one commit is in
// flight are applied together in the next transaction, and each caller is
// answered only after that transaction is durable. Full durability costs one
// fsync per batch instead of one per request.
//
// A unit of work returns its outcome as a value (a rejection verdict is not an
// error). If a unit throws, the batch is rolled back and each unit is re-run in
// a transaction of its own, so one bad request never fails its neighbours
// (this also resolves the rare deadlock between two concurrent batches). Not
// when the database itself is out (storage-outage.ts): each unit re-run would
// wait out the same busy timeout or connection failure in turn, freezing a
// SQLite server for a timeout per unit, so the whole batch fails at once. And
// as SQLite waits out its busy timeout inside the call, the server's one thread
// blocked, the batches of the next second after such a failure fail at once too
// (503 with Retry-After: 1) rather than each blocking the server again.
//
// SQLite has one writer, so one batch at a time (`concurrency` 1). PostgreSQL
// pays a network round trip per statement, so several batches run at once on
// separate pool connections.
import type { Kysely, Transaction } from 'kysely';
import { storageOutage } from './storage-outage.js';
import { TurnBatches } from './turn-batches.js';

export type Work<DB, T> = (trx: Transaction<DB>) => Promise<T>;

/** After SQLite failed a batch for being locked or unwritable, later batches fail at once for this long. */
const SQLITE_OUTAGE_COOL_DOWN_MS = 1000;

interface Pending<DB> {
  work: Work<DB, unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class GroupCommit<DB> {
  private readonly batches: TurnBatches<Pending<DB>>;
  /** sizes of recent batches, for metrics */
  onBatch?: (size: number) => void;
  /** a SQLite outage, and until when batches fail with it without trying */
  private outage: { err: unknown; until: number } | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    concurrency = 1,
    maxBatch = 256,
  ) {
    this.batches = new TurnBatches((batch) => this.commit(batch), concurrency, maxBatch);
  }

  run<T>(work: Work<DB, T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.batches.add({ work: work as Work<DB, unknown>, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  private async commit(batch: Pending<DB>[]): Promise<void> {
    this.onBatch?.(batch.length);
    if (this.outage && Date.now() < this.outage.until) {
      for (const item of batch) item.reject(this.outage.err);
      return;
    }
    try {
      const results: unknown[] = [];
      await this.db.transaction().execute(async (trx) => {
        for (const item of batch) results.push(await item.work(trx));
      });
      batch.forEach((item, i) => item.resolve(results[i]));
    } catch (err) {
      const outage = storageOutage(err);
      if (outage) {
        if (outage.startsWith('SQLITE_')) this.outage = { err, until: Date.now() + SQLITE_OUTAGE_COOL_DOWN_MS };
        for (const item of batch) item.reject(err);
        return;
      }
      // Somebody's unit failed (or the commit did): isolate it.
      for (const item of batch) {
        try {
          item.resolve(await this.db.transaction().execute((trx) => item.work(trx)));
        } catch (err) {
          item.reject(err);
        }
      }
    }
  }
}
