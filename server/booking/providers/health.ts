// Each provider's health as this booking process sees it: whether its last
// call was answered, the last failure, and how long the relay's calls took in
// the last 5 minutes (p50, p99). Every signed call to a provider — verify,
// batch verify, codes, revoke, shows… — is timed by its ProviderClient and lands
// here (registry.ts wires the hook).
//
// Memory is bounded whatever the call rate: per provider, a ring of SLOTS time
// slots, each a histogram of call durations over log-spaced bins (each bin
// BIN_RATIO wide, so a percentile is read within about 5 %). At 200 calls/s the
// window holds 60 000 calls in the same SLOTS × BINS counters as at 1 call/s.
// Per process: several booking processes each see their own calls.
import type { CallOutcome, ProviderFailure } from './call-hooks.js';

/** The window p50/p99 are over, in seconds. */
export const HEALTH_WINDOW_S = 300;
const SLOT_S = 10;
const SLOTS = HEALTH_WINDOW_S / SLOT_S;
/** the lower edge of the first bin (ms); shorter calls count in it */
const BIN_MIN_MS = 0.05;
const BIN_RATIO = 1.1;
/** up to about 60 s: anything longer counts in the last bin */
const BINS = Math.ceil(Math.log(60_000 / BIN_MIN_MS) / Math.log(BIN_RATIO));
const LOG_RATIO = Math.log(BIN_RATIO);

export interface ProviderHealthView {
  /** the last call was answered (a refusal is an answer); null: no call yet */
  reachable: boolean | null;
  /** the last call that got no usable answer, whenever it was */
  lastError: { at: number; reason: ProviderFailure['reason']; message: string } | null;
  /** calls in the window, and of them those with no usable answer */
  calls: number;
  failures: number;
  /** null when the window holds no call */
  p50Ms: number | null;
  p99Ms: number | null;
  /** when the last call ended (epoch s); null: no call yet */
  checkedAt: number | null;
}

interface Slot {
  /** which SLOT_S-long stretch of time it counts (epoch s / SLOT_S) */
  epoch: number;
  calls: number;
  failures: number;
  bins: Uint32Array;
}

class ProviderWindow {
  private readonly slots: Slot[] = [];
  reachable: boolean | null = null;
  checkedAt: number | null = null;
  lastError: ProviderHealthView['lastError'] = null;

  record(nowS: number, outcome: CallOutcome, ms: number, failure: ProviderFailure | undefined): void {
    const slot = this.slot(Math.floor(nowS / SLOT_S));
    slot.calls++;
    slot.bins[binOf(ms)]!++;
    this.reachable = outcome !== 'unavailable';
    this.checkedAt = nowS;
    if (outcome === 'unavailable') {
      slot.failures++;
      this.lastError = { at: nowS, reason: failure?.reason ?? 'unreachable', message: failure?.detail ?? 'no answer' };
    }
  }

  view(nowS: number): ProviderHealthView {
    const oldest = Math.floor(nowS / SLOT_S) - SLOTS + 1;
    const live = this.slots.filter((s) => s.epoch >= oldest);
    const calls = live.reduce((n, s) => n + s.calls, 0);
    const failures = live.reduce((n, s) => n + s.failures, 0);
    return {
      reachable: this.reachable,
      lastError: this.lastError,
      calls,
      failures,
      p50Ms: percentile(live, calls, 0.5),
      p99Ms: percentile(live, calls, 0.99),
      checkedAt: this.checkedAt,
    };
  }

  private slot(epoch: number): Slot {
    const index = epoch % SLOTS;
    let slot = this.slots[index];
    if (!slot) this.slots[index] = slot = { epoch, calls: 0, failures: 0, bins: new Uint32Array(BINS) };
    else if (slot.epoch !== epoch) {
      // A stretch that left the window: its counters start over for this one.
      slot.epoch = epoch;
      slot.calls = 0;
      slot.failures = 0;
      slot.bins.fill(0);
    }
    return slot;
  }
}

function binOf(ms: number): number {
  if (!(ms > BIN_MIN_MS)) return 0;
  return Math.min(BINS - 1, Math.floor(Math.log(ms / BIN_MIN_MS) / LOG_RATIO));
}

/** The duration below which a share `q` of the window's calls fall: the middle of its bin, in ms to 0.01. */
function percentile(slots: Slot[], calls: number, q: number): number | null {
  if (calls === 0) return null;
  const rank = Math.ceil(q * calls);
  let seen = 0;
  for (let b = 0; b < BINS; b++) {
    for (const s of slots) seen += s.bins[b]!;
    if (seen >= rank) return Math.round(BIN_MIN_MS * BIN_RATIO ** (b + 0.5) * 100) / 100;
  }
  return null;
}

export class ProviderHealth {
  private readonly windows = new Map<string, ProviderWindow>();

  constructor(private readonly now: () => number) {}

  /** One call to a provider: how it ended and how long it took. */
  record(providerId: string, outcome: CallOutcome, ms: number, failure?: ProviderFailure): void {
    let w = this.windows.get(providerId);
    if (!w) this.windows.set(providerId, (w = new ProviderWindow()));
    w.record(this.now(), outcome, ms, failure);
  }

  view(providerId: string): ProviderHealthView {
    return this.windows.get(providerId)?.view(this.now()) ?? { reachable: null, lastError: null, calls: 0, failures: 0, p50Ms: null, p99Ms: null, checkedAt: null };
  }

  /** Drops what it kept of providers no longer registered. */
  keepOnly(providerIds: readonly string[]): void {
    const keep = new Set(providerIds);
    for (const id of this.windows.keys()) if (!keep.has(id)) this.windows.delete(id);
  }
}
