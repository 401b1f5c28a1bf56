// Admitted and denied counters and the last 200 scans, kept across restarts so
// a shift's figures survive a reboot. Written in the background (coalesced, so
// a busy gate pays for one write per burst) but durably: a power cut is the
// reboot these figures are kept for.
import { join } from 'node:path';
import type { Counters, RecentScan, VerdictView } from '../bridge/contract.js';
import { CoalescingWriter, readJsonSync } from '../../server-client/durable-file.js';

export const RECENT_KEPT = 200;

export class History {
  private counters: Counters;
  private recent: RecentScan[];
  private readonly writer: CoalescingWriter;

  constructor(dir: string, onError: (err: Error) => void) {
    const file = join(dir, 'history.json');
    this.writer = new CoalescingWriter(file, onError, { delayMs: 250, durable: true });
    const loaded = load(file);
    this.counters = loaded.counters;
    this.recent = loaded.recent;
  }

  get snapshot(): { counters: Counters; recent: RecentScan[] } {
    return { counters: { ...this.counters }, recent: this.recent };
  }

  record(v: VerdictView, at: number): void {
    if (v.result === 'admitted') this.counters.admitted++;
    else this.counters.denied++;
    const entry: RecentScan = { id: v.id, at, result: v.result, offline: v.offline, source: v.source };
    if (v.reason) entry.reason = v.reason;
    if (v.ticket?.seat) entry.seat = v.ticket.seat;
    if (v.ticket?.title) entry.title = v.ticket.title;
    this.recent = [entry, ...this.recent.slice(0, RECENT_KEPT - 1)];
    this.save();
  }

  reset(now: number): void {
    this.counters = { admitted: 0, denied: 0, since: now };
    this.save();
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  private save(): void {
    this.writer.write(() => ({ version: 1, counters: this.counters, recent: this.recent }));
  }
}

function load(file: string): { counters: Counters; recent: RecentScan[] } {
  const fresh = { counters: { admitted: 0, denied: 0, since: Date.now() }, recent: [] };
  let raw: unknown;
  try {
    raw = readJsonSync(file);
  } catch {
    return fresh;
  }
  const r = raw as { counters?: Partial<Counters>; recent?: unknown } | undefined;
  const c = r?.counters;
  if (!c || typeof c.admitted !== 'number' || typeof c.denied !== 'number' || typeof c.since !== 'number' || !Array.isArray(r.recent)) return fresh;
  const recent = r.recent
    .filter((e): e is RecentScan => typeof e === 'object' && e !== null && typeof (e as RecentScan).id === 'string' && typeof (e as RecentScan).at === 'number')
    .slice(0, RECENT_KEPT)
    .map(withResult);
  return { counters: { admitted: c.admitted, denied: c.denied, since: c.since }, recent };
}

/** Files written before the screen took the server's `result` held `kind: 'admit' | 'deny'` instead. */
function withResult(e: RecentScan & { kind?: string }): RecentScan {
  if (e.result === 'admitted' || e.result === 'rejected') return e;
  const { kind, ...rest } = e;
  return { ...rest, result: kind === 'admit' ? 'admitted' : 'rejected' };
}
