// Failures per key in a sliding window, against guessing. A key (a station's
// scans of things that are not tickets; an account's or an address's failed
// sign-ins) that collects more than `maxRejections` failures within `windowS`
// seconds is refused with `rate_limited`, without the expensive check behind
// it, until its oldest failure leaves the window. Per process, in memory: the
// SQLite case, one process per database. On PostgreSQL the same limits are
// counted in the database, once for all processes (shared-rate-limit.ts).

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

export interface BackoffOptions {
  /** failures a key may have before it has to wait */
  free: number;
  /** the first wait (s); each further failure doubles it */
  baseS: number;
  /** the longest wait (s) */
  maxS: number;
  /** a key is forgotten this long after its last failure once its wait is over (s) */
  forgetS: number;
  /** keys remembered at most; past it the oldest are dropped (memory stays bounded under a flood) */
  maxKeys: number;
}

/**
 * Failures per key with a growing wait: after `free` failures each further
 * one closes the key for twice as long as the last, up to `maxS`. Nothing
 * else is closed: keyed by (account, address), a guesser slows down only
 * their own tries at that account, never its owner's from elsewhere.
 */
export class BackoffLimiter {
  private readonly keys = new Map<string, { failures: number; last: number; until: number }>();
  private calls = 0;

  constructor(
    private readonly opts: BackoffOptions,
    private readonly now: () => number,
  ) {}

  /** Seconds this key must still wait (0: it may try). */
  retryAfterS(key: string): number {
    const entry = this.live(key);
    return entry ? Math.max(0, entry.until - this.now()) : 0;
  }

  record(key: string): void {
    const now = this.now();
    let entry = this.live(key);
    if (!entry) {
      if (this.keys.size >= this.opts.maxKeys) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(key, (entry = { failures: 0, last: now, until: 0 }));
    }
    entry.failures++;
    entry.last = now;
    if (entry.failures >= this.opts.free) entry.until = now + Math.min(this.opts.maxS, this.opts.baseS * 2 ** (entry.failures - this.opts.free));
    if (++this.calls % 1000 === 0) for (const k of [...this.keys.keys()]) this.live(k);
  }

  clear(key: string): void {
    this.keys.delete(key);
  }

  private live(key: string) {
    const entry = this.keys.get(key);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.until <= now && now - entry.last >= this.opts.forgetS) {
      this.keys.delete(key);
      return undefined;
    }
    return entry;
  }
}

/**
 * The client an address limit counts: an IPv4 address, or an IPv6 /64 (one
 * subscriber's prefix: a single host may use any address in it).
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('%')[0]!.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
