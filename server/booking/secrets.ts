// Random values, token hashing and password hashing, in one place so every
// secret is made and compared the same way: ≥128 random bits from node:crypto,
// stored as sha256, compared in constant time; passwords with scrypt and a
// per-user salt.
import { createHash, hash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ENROLLMENT_ALPHABET, ENROLLMENT_LENGTH } from '../../protocol/booking-api.js';
import { HttpError } from '../common/errors.js';

/** A bearer token: a short prefix naming its kind, then 256 random bits. */
export function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** A public identifier (not a secret): 96 random bits. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Equal strings, without leaking where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** A one-time enrollment code: ENROLLMENT_LENGTH Crockford base32 characters (140 bits). */
export function newEnrollmentCode(): string {
  const bytes = randomBytes(ENROLLMENT_LENGTH);
  let out = '';
  // 256 is a multiple of 32: taking each byte mod 32 keeps the characters uniform.
  for (const b of bytes) out += ENROLLMENT_ALPHABET[b % 32];
  return out;
}

// ---- passwords: scrypt at OWASP's minimum (N=2^17, r=8, p=1: 128 MiB and a few hundred ms per hash)

const SCRYPT = { N: 1 << 17, r: 8, p: 1 };
/** Room for the costliest parameters a stored hash may carry (128·N·r bytes, plus a little). */
const MAXMEM = 256 * 1024 * 1024;
const KEY_LENGTH = 32;

/**
 * At most two hashes at once. Each holds 128 MiB and one of libuv's four
 * threads for a few hundred ms, and those threads also do the file and DNS
 * work (a provider called by name) that gates wait on: a flood of sign-ins
 * must queue here, not there. Past MAX_WAITING queued, a sign-in is refused
 * as busy instead of waiting without end.
 */
const MAX_HASHING = 2;
const MAX_WAITING = 200;
let hashing = 0;
const waiting: (() => void)[] = [];

async function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  if (hashing < MAX_HASHING) hashing++;
  else if (waiting.length >= MAX_WAITING) throw new HttpError(429, 'rate_limited', 'the server is busy signing people in: try again in a few seconds');
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      scryptCb(password.normalize('NFC'), salt, KEY_LENGTH, opts, (err, key) => (err ? reject(err) : resolve(key)));
    });
  } finally {
    // The slot passes straight to the next in line, if any.
    const next = waiting.shift();
    if (next) next();
    else hashing--;
  }
}

/** `scrypt$N$r$p$salt$hash`: the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { ...SCRYPT, maxmem: MAXMEM });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A hash is checked with the parameters it was made with, so older, cheaper hashes keep working. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p), maxmem: MAXMEM });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A stored hash made with less than today's cost: to be replaced at the next successful sign-in. */
export function needsRehash(stored: string): boolean {
  const [alg, n, r, p] = stored.split('$');
  return alg !== 'scrypt' || Number(n) < SCRYPT.N || Number(r) < SCRYPT.r || Number(p) < SCRYPT.p;
}

/** Checked against when the e-mail is unknown, so a login takes as long either way. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  // Made again if refused (busy): a failed first try must not stay cached.
  dummyHash ??= hashPassword(randomBytes(16).toString('hex')).catch((err: unknown) => {
    dummyHash = undefined;
    throw err;
  });
  return dummyHash;
}
