// Rejected scans per station in a sliding window, against code guessing: a
// station that collects more than `maxRejections` rejections of things that
// are not tickets (unknown code, bad signature, malformed) within
// `windowS` seconds gets `rate_limited` for every scan, without the provider
// being asked, until its oldest rejection leaves the window. Per process: with
// several booking processes a guesser gets the limit once per process.

export interface RateLimitOptions {
  maxRejections: number;
  windowS: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { maxRejections: 20, windowS: 60 };

export class RejectionLimiter {
  private readonly hits = new Map<string, number[]>();
  private calls = 0;

  constructor(
    private readonly opts: RateLimitOptions,
    private readonly now: () => number,
  ) {}

  /** True while this key is over the limit. */
  blocked(key: string): boolean {
    const list = this.prune(key);
    return list !== undefined && list.length > this.opts.maxRejections;
  }

  record(key: string): void {
    const list = this.prune(key) ?? [];
    // Never more than the limit + 1 remembered: enough to know it is over.
    if (list.length <= this.opts.maxRejections) list.push(this.now());
    this.hits.set(key, list);
    if (++this.calls % 1000 === 0) this.sweep();
  }

  private prune(key: string): number[] | undefined {
    const list = this.hits.get(key);
    if (!list) return undefined;
    const cutoff = this.now() - this.opts.windowS;
    while (list.length > 0 && list[0]! <= cutoff) list.shift();
    if (list.length === 0) {
      this.hits.delete(key);
      return undefined;
    }
    return list;
  }

  /** Drops stations whose rejections have all left the window. */
  private sweep(): void {
    for (const key of [...this.hits.keys()]) this.prune(key);
  }
}
