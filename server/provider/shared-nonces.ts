// The nonce window shared by every provider process on one PostgreSQL
// database: a nonce is accepted by exactly one of them, however a captured
// request is sent around. The in-memory window (replay-window.ts) stays in
// front as the first filter: a replay to the same process never reaches the
// database, and a fresh nonce is then claimed in the `nonces` table, whose
// primary key decides.
//
// One round trip per request would cost the verify path as much as its own
// group commit. So the nonces of every request that arrived within one turn
// of the event loop go in one statement,
//   INSERT … SELECT FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING RETURNING nonce
// and a nonce not returned was already there: its request is a replay. (A
// replay carries the same signed t, so it lands in the same bucket.) A few
// such statements may be in flight at once (on separate pool connections), so
// one waiting on the database does not hold the next tick's nonces back.
//
// Rows are kept by the time bucket of their request's t, like the in-memory
// window, keyed by (bucket, nonce), and deleted by bucket (`DELETE … WHERE
// bucket < $1`, on the key) once at start and then every bucket's length, by any process: two
// deleting the same rows is harmless. One bucket more is kept than the window
// needs, for processes whose clocks differ by a few seconds.
//
// SQLite has one process per file: there the in-memory window is the whole
// truth, and this is not used.
import { sql, type Kysely } from 'kysely';
import { SIGNATURE_TOLERANCE_S } from '../../protocol/signature.js';
import { TurnBatches } from '../common/turn-batches.js';

export const NONCE_BUCKET_S = 10;

interface Waiter {
  nonce: string;
  bucket: number;
  resolve(fresh: boolean): void;
  reject(err: unknown): void;
}

export interface SharedNoncesOptions {
  /** statements in flight at once, each on its own pool connection (default 2: with the group commit's 8, the pool's 10) */
  concurrency?: number;
  /** nonces in one statement at most */
  maxBatch?: number;
  toleranceS?: number;
  bucketS?: number;
}

export class SharedNonces {
  private readonly batches: TurnBatches<Waiter>;
  /** nonces queued and not yet sent: the same one twice in a batch is refused here, since the statement would return it once for both */
  private readonly queued = new Set<string>();
  private readonly toleranceS: number;
  private readonly bucketS: number;
  /** sizes of the batches sent, for metrics */
  onBatch?: (size: number) => void;

  constructor(
    private readonly db: Kysely<unknown>,
    opts: SharedNoncesOptions = {},
  ) {
    this.batches = new TurnBatches((batch) => this.insert(batch), opts.concurrency ?? 2, opts.maxBatch ?? 1000);
    this.toleranceS = opts.toleranceS ?? SIGNATURE_TOLERANCE_S;
    this.bucketS = opts.bucketS ?? NONCE_BUCKET_S;
  }

  /** The time bucket a request stamped `t` is kept in: its row's `bucket`. */
  bucketOf(t: number): number {
    return Math.floor(t / this.bucketS);
  }

  /** Records `nonce` (32 lowercase hex digits) of a request stamped `t`: true if no process had it yet. */
  claim(nonce: string, t: number): Promise<boolean> {
    if (this.queued.has(nonce)) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      this.queued.add(nonce);
      this.batches.add({ nonce, bucket: this.bucketOf(t), resolve, reject });
    });
  }

  private async insert(batch: Waiter[]): Promise<void> {
    for (const w of batch) this.queued.delete(w.nonce);
    this.onBatch?.(batch.length);
    try {
      // Every statement inserts in key order: two batches holding the same
      // nonces (one replay sent to two processes at once) then wait on each
      // other in one order only, never in a deadlock.
      const { rows } = await sql<{ nonce: string }>`
        insert into nonces (bucket, nonce)
        select b, decode(n, 'hex') from unnest(${batch.map((w) => w.nonce)}::text[], ${batch.map((w) => w.bucket)}::bigint[]) as u(n, b)
        order by b, n
        on conflict do nothing
        returning encode(nonce, 'hex') as nonce`.execute(this.db);
      const fresh = new Set(rows.map((r) => r.nonce));
      for (const w of batch) w.resolve(fresh.has(w.nonce));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }

  /** Deletes the buckets every process is done with; the rows deleted. */
  async prune(nowS: number): Promise<number> {
    const firstLive = Math.floor((nowS - this.toleranceS) / this.bucketS) - 1;
    const result = await sql`delete from nonces where bucket < ${firstLive}`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }
}
