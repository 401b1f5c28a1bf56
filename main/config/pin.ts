// The settings PIN: stored as a salted scrypt hash, compared in constant time,
// and guarded against guessing (a 4-digit PIN falls to a loop in seconds
// otherwise). The PIN itself is never stored, logged or sent to the screen.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readJsonSync, writeJson } from '../../server-client/durable-file.js';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

export const PIN_RULE = 'a PIN is 4 to 12 digits';

export function validPin(pin: unknown): pin is string {
  return typeof pin === 'string' && /^[0-9]{4,12}$/.test(pin);
}

function scrypt(pin: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(pin, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(pin, salt, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function checkPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((v) => Number.isSafeInteger(v) && v > 0) || n > 2 ** 20) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  try {
    const key = await scrypt(pin, salt, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
    return timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}

const FREE_TRIES = 5;
const FIRST_WAIT_MS = 30_000;
const MAX_WAIT_MS = 15 * 60_000;

/**
 * After 5 wrong PINs in a row, each further try waits: 30 s, then doubling up
 * to 15 minutes. A try is counted before the PIN is checked and the count is on
 * disk before the check starts: tries sent all at once cannot slip past the
 * limit, and killing the station (or pulling its plug) does not reset it.
 */
export class PinGuard {
  private failures = 0;
  private lockedUntil = 0;

  constructor(
    /** where the count lives across restarts; null keeps it in memory (tests) */
    private readonly file: string | null,
    private readonly onError: (err: Error) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    if (file) this.load(file);
  }

  /** ms to wait before the next try; 0 when a try is allowed now */
  retryAfter(): number {
    // Capped: a clock set back must not turn a 30 s wait into days.
    return Math.min(MAX_WAIT_MS, Math.max(0, this.lockedUntil - this.now()));
  }

  /** Takes one try: resolves with the wait when refused, or 0 once the try is counted (as a failure until succeeded()). */
  async begin(): Promise<number> {
    const wait = this.retryAfter();
    if (wait > 0) return wait;
    this.failures++;
    if (this.failures >= FREE_TRIES) this.lockedUntil = this.now() + Math.min(FIRST_WAIT_MS * 2 ** (this.failures - FREE_TRIES), MAX_WAIT_MS);
    await this.save();
    return 0;
  }

  async succeeded(): Promise<void> {
    this.failures = 0;
    this.lockedUntil = 0;
    await this.save();
  }

  private async save(): Promise<void> {
    if (!this.file) return;
    try {
      await writeJson(this.file, { version: 1, failures: this.failures, lockedUntil: this.lockedUntil });
    } catch (err) {
      this.onError(err as Error);
    }
  }

  private load(file: string): void {
    let raw: unknown;
    try {
      raw = readJsonSync(file);
    } catch (err) {
      // Unreadable: start counting afresh (the file is ours; nobody else writes it), but say so.
      this.onError(err as Error);
      return;
    }
    const r = raw as { failures?: unknown; lockedUntil?: unknown } | undefined;
    if (typeof r?.failures === 'number' && Number.isSafeInteger(r.failures) && r.failures >= 0) this.failures = Math.min(r.failures, 64);
    if (typeof r?.lockedUntil === 'number' && Number.isFinite(r.lockedUntil)) this.lockedUntil = r.lockedUntil;
  }
}
