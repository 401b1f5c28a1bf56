// Records written behind the answer: rows gather for a moment and go to the database
// together, so the request that made them never waits on the write. A write the
// database refuses is held and tried again, never dropped silently; only when it has
// refused for so long that MAX_HELD rows wait do the oldest go, and that is logged.
import type { Logger } from 'pino';

export interface WriteBehindOptions<T> {
  /** commits a batch, or throws to have it held and tried again */
  write: (rows: T[]) => Promise<void>;
  log: Logger;
  /** what the rows are, for the logs: "admission records", "scan outcomes" */
  what: string;
  /** how long a row waits for others before the batch goes */
  delayMs?: number;
  /** a batch this large goes at once */
  maxBatch?: number;
  maxHeld?: number;
}

export class WriteBehind<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly delayMs: number;
  private readonly maxBatch: number;
  private readonly maxHeld: number;

  constructor(private readonly opts: WriteBehindOptions<T>) {
    this.delayMs = opts.delayMs ?? 200;
    this.maxBatch = opts.maxBatch ?? 1000;
    this.maxHeld = opts.maxHeld ?? 50_000;
  }

  push(row: T): void {
    this.pending.push(row);
    this.schedule();
  }

  get held(): number {
    return this.pending.length;
  }

  /** Resolves once every row pushed so far is committed (or has failed and is held for the next try). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.pending.splice(0);
    if (rows.length > 0) this.chain = this.chain.then(() => this.run(rows));
    return this.chain;
  }

  private schedule(): void {
    if (this.pending.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  private async run(rows: T[]): Promise<void> {
    try {
      await this.opts.write(rows);
    } catch (err) {
      const { log, what } = this.opts;
      this.pending.unshift(...rows);
      const over = this.pending.length - this.maxHeld;
      if (over > 0) log.error({ dropped: this.pending.splice(0, over).length }, `${what} dropped: the database has refused them for too long`);
      log.error({ err, held: this.pending.length }, `could not record ${what}; retrying`);
      this.timer ??= setTimeout(() => void this.flush(), 1000);
    }
  }
}
