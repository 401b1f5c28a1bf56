// Items that arrive within one turn of the event loop, handled together: the
// group commit's units of work, the shared nonce window's claims. The first
// item schedules a flush with setImmediate, which lets every request already
// read from the sockets join the batch; at most `concurrency` batches are
// handled at once, and what arrives meanwhile waits for the next one.
export class TurnBatches<T> {
  private queue: T[] = [];
  private inFlight = 0;
  private scheduled = false;

  /** `handle` answers every item of its batch itself and never rejects. */
  constructor(
    private readonly handle: (batch: T[]) => Promise<void>,
    private readonly concurrency: number,
    private readonly maxBatch: number,
  ) {}

  add(item: T): void {
    this.queue.push(item);
    this.schedule();
  }

  private schedule(): void {
    if (this.inFlight >= this.concurrency || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= this.concurrency || this.queue.length === 0) return;
    this.inFlight++;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      await this.handle(batch);
    } finally {
      this.inFlight--;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
