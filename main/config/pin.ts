// The settings PIN: stored as a salted scrypt hash, compared in constant time,
// and guarded against guessing (a 4-digit PIN falls to a loop in seconds
// otherwise). The PIN itself is never stored, logged or sent to the screen.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

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

/** After 5 wrong PINs in a row, each further try waits: 30 s, then doubling up to 15 minutes. */
export class PinGuard {
  private failures = 0;
  private lockedUntil = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** ms to wait before the next try; 0 when a try is allowed now */
  retryAfter(): number {
    return Math.max(0, this.lockedUntil - this.now());
  }

  failed(): void {
    this.failures++;
    if (this.failures >= 5) {
      const wait = Math.min(30_000 * 2 ** (this.failures - 5), 15 * 60_000);
      this.lockedUntil = this.now() + wait;
    }
  }

  succeeded(): void {
    this.failures = 0;
    this.lockedUntil = 0;
  }
}
