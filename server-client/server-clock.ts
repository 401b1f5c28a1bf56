// The booking server's time, as this station last heard it. A gate PC's own
// clock can be far off (a flat CMOS battery resets it at boot; a closed venue
// network has no time server), and offline the station judges a ticket's
// validity window and its bundle's age by the clock: a PC a day behind would
// deny every ticket as not yet valid, a day ahead as expired, and journal its
// offline admissions at the wrong time. Every answer of the server carries a
// Date header; the offset to it is kept, and the offline check, the bundle's
// age and the journal use the corrected time. Within the header's one-second
// resolution and a request's latency the PC's clock is taken as right.

/** An offset smaller than this is the Date header's resolution and latency, not a wrong clock. */
const TOLERANCE_MS = 2000;
/** A clock off by this much is worth a line in the log (once, not at every answer). */
const NOTABLE_MS = 60_000;

export class ServerClock {
  private offsetMs = 0;

  /**
   * `localNow`: the PC's clock, in ms (injectable for tests of a wrong clock);
   * `onSkew`: the PC's clock was found a minute or more off (or back within a minute), in seconds, for the log.
   */
  constructor(
    private readonly localNow: () => number = Date.now,
    private readonly onSkew?: (skewS: number, off: boolean) => void,
  ) {}

  /**
   * Learns the offset from a server answer's Date header, received at `receivedAtMs` on the
   * PC's clock. Only answers the server itself gave (2xx): a proxy's error page carries
   * its own clock. A header that is not a date changes nothing.
   */
  observe(dateHeader: unknown, receivedAtMs: number): void {
    if (typeof dateHeader !== 'string') return;
    const serverMs = Date.parse(dateHeader);
    if (!Number.isFinite(serverMs)) return;
    // The header is truncated to the second: the server's time was within the second after it.
    const offset = serverMs + 500 - receivedAtMs;
    const before = this.offsetMs;
    this.offsetMs = Math.abs(offset) < TOLERANCE_MS ? 0 : offset;
    const wasOff = Math.abs(before) >= NOTABLE_MS;
    const isOff = Math.abs(this.offsetMs) >= NOTABLE_MS;
    if (wasOff !== isOff || (isOff && Math.abs(this.offsetMs - before) >= NOTABLE_MS)) this.onSkew?.(this.skewS, isOff);
  }

  /** The PC's clock, for what it times itself (timeouts, the gap between two reads). */
  local(): number {
    return this.localNow();
  }

  /** The server's time now, in ms, as well as this station knows it. */
  nowMs(): number {
    return this.localNow() + this.offsetMs;
  }

  nowS(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** How far the PC's clock is off the server's, in seconds (positive: ahead); 0 within the tolerance. */
  get skewS(): number {
    return Math.round(-this.offsetMs / 1000) || 0;
  }
}
