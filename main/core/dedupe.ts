// The same ticket read twice within the hold window counts once: a camera still
// seeing it, a gun that double-fires, or the serial gun and the camera both
// reading it. Keyed by the ticket's code when the text is a ticket, so a GP1
// text and its bare code are one ticket too.
import type { ScanText } from '../../protocol/gp1.js';

export function dedupeKey(scan: ScanText): string {
  if (scan.kind === 'code') return scan.code;
  if (scan.kind === 'gp1') return scan.decoded.body.code;
  return scan.text;
}

export class Deduper {
  private readonly seen = new Map<string, number>();

  /** True when this key should be handled; false when it was accepted less than `windowMs` ago. */
  accept(key: string, now: number, windowMs: number): boolean {
    const last = this.seen.get(key);
    if (last !== undefined && now - last < windowMs) return false;
    this.seen.set(key, now);
    if (this.seen.size > 256) this.prune(now, windowMs);
    return true;
  }

  /** The key may be handled again at once (its admission was annulled). */
  forget(key: string): void {
    this.seen.delete(key);
  }

  clear(): void {
    this.seen.clear();
  }

  private prune(now: number, windowMs: number): void {
    for (const [k, t] of this.seen) if (now - t >= windowMs) this.seen.delete(k);
  }
}
