// Failures per key in a sliding window, against guessing. A key (a station's
// scans of things that are not tickets; an account's or an address's failed
// sign-ins) that collects more than `maxRejections` failures within `windowS`
// seconds is refused with `rate_limited`, without the expensive check behind
// it, until its oldest failure leaves the window. Per process: with several
// booking processes a guesser gets the limit once per process.

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

  /** Seconds until this key is no longer over the limit (0 when it is not). */
  retryAfterS(key: string): number {
    const list = this.prune(key);
    if (list === undefined || list.length <= this.opts.maxRejections) return 0;
    return Math.max(1, list[0]! + this.opts.windowS - this.now());
  }

  /** Forgets a key's failures (a successful sign-in). */
  clear(key: string): void {
    this.hits.delete(key);
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

  /** Drops keys whose failures have all left the window. */
  private sweep(): void {
    for (const key of [...this.hits.keys()]) this.prune(key);
  }
}
