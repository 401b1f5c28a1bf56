// The instances of one provider's verification server (several on one
// database): calls go round-robin over the healthy ones; one that does not
// answer is left out for a while, doubling while it keeps failing, and when
// its time is up a single call probes it while the others keep away.
import type { Pool } from 'undici';

/** How long an instance that failed is left out, doubling while it keeps failing, up to OUT_MAX_MS. */
export const OUT_MIN_MS = 5_000;
export const OUT_MAX_MS = 60_000;

/** One instance: its connection pool and its health. */
export interface Instance {
  url: string;
  prefix: string;
  pool: Pool;
  /** consecutive failures; 0: healthy */
  failures: number;
  /** until when it is out (performance.now() ms) */
  outUntil: number;
  /** one call is probing it after its time out: the others keep away until it answers */
  probing: boolean;
}

/** Told when one of several instances goes out or comes back (a lone instance has nowhere else to go). */
export interface RotationEvents {
  changed(url: string, up: boolean): void;
  takenOut(url: string, outMs: number, detail: string): void;
}

export class InstanceRotation {
  /** round-robin position */
  private next = 0;

  constructor(
    readonly instances: Instance[],
    private readonly events: RotationEvents,
  ) {}

  get size(): number {
    return this.instances.length;
  }

  /**
   * The instance for the next attempt, not one of `tried`: round-robin over the
   * healthy ones (an instance whose time out is over is probed by one call);
   * when every one left is out, the one closest to coming back rather than none.
   */
  pick(tried: Instance[] | undefined, now: number): Instance | undefined {
    const n = this.instances.length;
    if (n === 1) return tried ? undefined : this.instances[0];
    let fallback: Instance | undefined;
    for (let k = 0; k < n; k++) {
      const i = this.instances[(this.next + k) % n]!;
      if (tried?.includes(i)) continue;
      if (i.failures === 0 || (i.outUntil <= now && !i.probing)) {
        this.next = (this.next + k + 1) % n;
        if (i.failures > 0) i.probing = true;
        return i;
      }
      if (!fallback || i.outUntil < fallback.outUntil) fallback = i;
    }
    return fallback;
  }

  failed(i: Instance, now: number, detail: string): void {
    // A call sent before the instance was taken out: the same outage, not another failure.
    if (i.failures > 0 && i.outUntil > now) return;
    i.probing = false;
    i.failures++;
    const out = Math.min(OUT_MAX_MS, OUT_MIN_MS * 2 ** Math.min(i.failures - 1, 10));
    i.outUntil = now + out;
    if (this.instances.length > 1) {
      if (i.failures === 1) this.events.changed(i.url, false);
      this.events.takenOut(i.url, out, detail);
    }
  }

  answered(i: Instance): void {
    if (i.failures === 0) return;
    i.failures = 0;
    i.outUntil = 0;
    i.probing = false;
    if (this.instances.length > 1) this.events.changed(i.url, true);
  }

  /** Each instance's URL and whether it is taken out now. */
  health(now: number): { url: string; out: boolean; failures: number }[] {
    return this.instances.map((i) => ({ url: i.url, out: i.outUntil > now, failures: i.failures }));
  }
}
