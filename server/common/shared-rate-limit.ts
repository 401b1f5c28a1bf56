// The limiters of rate-limit.ts counted in PostgreSQL, so every booking
// process on the database enforces one limit: failures spread over several
// processes count as they would in one. SQLite has one process per file and
// keeps the in-memory limiters.
//
// Failures in a sliding window (SharedRejectionLimiter) are counts per key and
// second in `rate_limit_counts`: one upsert per failure, which also answers
// the key's live seconds, so the caller learns in the same round trip whether
// the key is now closed. A key's failures leave the window exactly when they
// do in memory. As in memory, a key already over the limit collects no more:
// it holds at most maxRejections + 1 rows, and its wait ends when its oldest
// failures leave.
//
// The doubling wait (SharedBackoffLimiter) is one row per key in
// `rate_limit_backoff`: failures, last failure, closed until — updated in one
// upsert by the same rule as in memory.
//
// Keys are stored as their sha256 (they hold e-mail and client addresses), each
// limiter's under its own name. Rows carry `expires_at`; pruneRateLimits
// deletes the ones past it, from any process.
//
// Per process there is only a cache of what the database last answered: the
// keys it said are closed, and until when. The scan relay asks that cache on
// every scan (blocked()), so an admitted scan costs no round trip; only a
// counted rejection does. A station closed by another process's rejections is
// known here at this process's next counted rejection.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { BackoffOptions, RateLimitOptions } from './rate-limit.js';

/** What the routes use: a limiter in memory (SQLite) or in the database (PostgreSQL). */
export interface FailureLimit {
  /** seconds this key must still wait (0: it may go on) */
  retryAfterS(key: string): number | Promise<number>;
  record(key: string): void | Promise<void>;
  clear(key: string): void | Promise<void>;
}

/** The scan relay's: `blocked` is asked on every scan and must answer from memory. */
export interface GuessLimit {
  blocked(key: string): boolean;
  record(key: string): void | Promise<void>;
}

export interface RateLimitCountsTable {
  key: string;
  bucket: number;
  count: number;
  expires_at: number;
}

export interface RateLimitBackoffTable {
  key: string;
  failures: number;
  last_at: number;
  until_at: number;
  expires_at: number;
}

export interface RateLimitDB {
  rate_limit_counts: RateLimitCountsTable;
  rate_limit_backoff: RateLimitBackoffTable;
}

function storedKey(name: string, key: string): string {
  return createHash('sha256').update(name).update('\u0000').update(key).digest('hex');
}

export class SharedRejectionLimiter implements FailureLimit, GuessLimit {
  /** the database's last answer for keys it said are closed: closed until (epoch s) */
  private readonly closedUntil = new Map<string, number>();
  private calls = 0;

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly name: string,
    private readonly opts: RateLimitOptions,
    private readonly now: () => number,
  ) {}

  /** From this process's cache of the database's answers: no round trip. */
  blocked(key: string): boolean {
    const until = this.closedUntil.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.closedUntil.delete(key);
    return false;
  }

  async retryAfterS(key: string): Promise<number> {
    const now = this.now();
    const { rows } = await sql<{ bucket: number; count: number }>`
      select bucket, count from rate_limit_counts where key = ${storedKey(this.name, key)} and bucket >= ${this.firstLive(now)}`.execute(this.db);
    return this.remember(key, this.wait(rows, now), now);
  }

  /** Counts a failure (unless the key is already over the limit) and learns whether the key is now closed. */
  async record(key: string): Promise<void> {
    const now = this.now();
    const k = storedKey(this.name, key);
    const first = this.firstLive(now);
    const bucket = now;
    const expires = bucket + this.opts.windowS;
    // The CTEs see the table as it was before the upsert: the answer is the
    // other live seconds, plus this second as the upsert left it (or as it was, when not counted).
    const { rows } = await sql<{ bucket: number; count: number }>`
      with live as (
        select coalesce(sum(count), 0) as total from rate_limit_counts where key = ${k} and bucket >= ${first}
      ), up as (
        insert into rate_limit_counts as r (key, bucket, count, expires_at)
        select ${k}::text, ${bucket}::bigint, 1, ${expires}::bigint from live where total <= ${this.opts.maxRejections}
        on conflict (key, bucket) do update set count = r.count + 1
        returning bucket, count
      )
      select bucket, count from rate_limit_counts where key = ${k} and bucket >= ${first} and bucket <> ${bucket}
      union all select bucket, count from up
      union all select bucket, count from rate_limit_counts where key = ${k} and bucket = ${bucket} and not exists (select 1 from up)`.execute(this.db);
    this.remember(key, this.wait(rows, now), now);
    if (++this.calls % 1000 === 0) for (const key of [...this.closedUntil.keys()]) this.blocked(key);
  }

  async clear(key: string): Promise<void> {
    this.closedUntil.delete(key);
    await sql`delete from rate_limit_counts where key = ${storedKey(this.name, key)}`.execute(this.db);
  }

  /** The first second whose failures are still inside the window (as in memory: a failure at s leaves at s + windowS). */
  private firstLive(now: number): number {
    return now - this.opts.windowS + 1;
  }

  /** Seconds until enough of the oldest failures leave for the key to be within the limit (the in-memory answer). */
  private wait(rows: { bucket: number; count: number }[], now: number): number {
    const live = rows.map((r) => ({ bucket: Number(r.bucket), count: Number(r.count) })).sort((a, b) => a.bucket - b.bucket);
    let total = live.reduce((sum, r) => sum + r.count, 0);
    for (const r of live) {
      if (total <= this.opts.maxRejections) break;
      total -= r.count;
      if (total <= this.opts.maxRejections) return Math.max(1, r.bucket + this.opts.windowS - now);
    }
    return 0;
  }

  private remember(key: string, wait: number, now: number): number {
    if (wait > 0) this.closedUntil.set(key, now + wait);
    else this.closedUntil.delete(key);
    return wait;
  }
}

export class SharedBackoffLimiter implements FailureLimit {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly name: string,
    private readonly opts: BackoffOptions,
    private readonly now: () => number,
  ) {}

  async retryAfterS(key: string): Promise<number> {
    const now = this.now();
    const row = (
      await sql<{ until_at: number }>`select until_at from rate_limit_backoff where key = ${storedKey(this.name, key)}`.execute(this.db)
    ).rows[0];
    return row ? Math.max(0, Number(row.until_at) - now) : 0;
  }

  /** The in-memory rule in one upsert: a forgotten key starts again at one failure; from `free` on each failure doubles the wait. */
  async record(key: string): Promise<void> {
    const now = this.now();
    const { free, baseS, maxS, forgetS } = this.opts;
    const failures = sql`(case when r.until_at <= ${now} and ${now} - r.last_at >= ${forgetS} then 1 else r.failures + 1 end)`;
    // 2^30 waits of baseS are past any sensible maxS: the exponent stops there, so the number stays finite.
    const until = sql`(case when ${failures} >= ${free} then ${now} + least(${maxS}::bigint, (${baseS} * power(2, least(${failures} - ${free}, 30)))::bigint) else r.until_at end)`;
    const firstUntil = free <= 1 ? now + Math.min(maxS, baseS) : 0;
    await sql`
      insert into rate_limit_backoff as r (key, failures, last_at, until_at, expires_at)
      values (${storedKey(this.name, key)}, 1, ${now}, ${firstUntil}, ${Math.max(firstUntil, now + forgetS)})
      on conflict (key) do update set
        failures = ${failures},
        last_at = ${now},
        until_at = ${until},
        expires_at = greatest(${until}, ${now + forgetS})`.execute(this.db);
  }

  async clear(key: string): Promise<void> {
    await sql`delete from rate_limit_backoff where key = ${storedKey(this.name, key)}`.execute(this.db);
  }
}

/** Deletes the counts and waits no limiter needs any more; the rows deleted. */
export async function pruneRateLimits(db: Kysely<unknown>, now: number): Promise<number> {
  const counts = await sql`delete from rate_limit_counts where expires_at <= ${now}`.execute(db);
  const waits = await sql`delete from rate_limit_backoff where expires_at <= ${now}`.execute(db);
  return Number(counts.numAffectedRows ?? 0) + Number(waits.numAffectedRows ?? 0);
}
