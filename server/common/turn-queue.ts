// Heavy pieces of work on the event loop's thread, one per turn: each waits for
// a turn of its own, after the loop has polled the sockets since the last one.
// A burst of them (a platform's hundred venues' programmes coming in together)
// then delays a gate's scan by one piece, not by all of them in a row, which a
// promise chain or a run of setImmediate callbacks would do.
export class TurnQueue {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves in a turn of its own; the work after the await runs before the next one starts. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.release);
  }

  private readonly release = (): void => {
    this.scheduled = false;
    this.waiting.shift()?.();
    // Scheduled from the check phase: the next piece waits for the next turn, after the I/O.
    if (this.waiting.length > 0) this.schedule();
  };
}

/** The process's queue of heavy work: one event loop, one queue. */
export const heavyWork = new TurnQueue();
