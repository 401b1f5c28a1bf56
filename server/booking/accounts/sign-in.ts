// Signing in with an e-mail and a password, limited against guessing: the
// customers' sign-in and the staff's go through the same checks and count
// against the same limits per client address.
import type { Kysely } from 'kysely';
import { HttpError, unauthorized } from '../../common/errors.js';
import { addressKey, BackoffLimiter, RejectionLimiter } from '../../common/rate-limit.js';
import { SharedBackoffLimiter, SharedRejectionLimiter, type FailureLimit } from '../../common/shared-rate-limit.js';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../secrets.js';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * Against password guessing. Failed sign-ins are counted per account and
 * client address: after 5, each further try from that address at that account
 * waits twice as long as the last (2 s, 4 s, … 15 min), so a guesser elsewhere
 * never locks the owner out. Per address, more than 100 failures in 15 minutes
 * (guessing across accounts) close that address. While closed, every attempt
 * is refused before the password is checked, the right one too, or the answer
 * would still tell a guess that is right. Sign-ups cost the same scrypt: 20
 * from one address in 15 minutes, and no more. The address is the
 * client's as the trusted proxies (--trust-proxy) report it, an IPv6 /64 as one.
 */
export const SIGN_IN_LIMITS = {
  perAccountAddress: { free: 5, baseS: 2, maxS: 900, forgetS: 3600, maxKeys: 100_000 },
  perAddress: { maxRejections: 100, windowS: 900 },
  signUpsPerAddress: { maxRejections: 20, windowS: 900 },
};

export interface SignInLimiters {
  failedByPair: FailureLimit;
  failedByAddress: FailureLimit;
  signUpsByAddress: FailureLimit;
}

/**
 * In this process's memory (SQLite: one process per database), or counted in
 * `shared`, the PostgreSQL database every booking process uses, so several
 * processes enforce one limit between them (shared-rate-limit.ts).
 */
export function signInLimiters(clock: () => number, shared?: Kysely<unknown>): SignInLimiters {
  if (shared) {
    return {
      failedByPair: new SharedBackoffLimiter(shared, 'sign_in_pair', SIGN_IN_LIMITS.perAccountAddress, clock),
      failedByAddress: new SharedRejectionLimiter(shared, 'sign_in_address', SIGN_IN_LIMITS.perAddress, clock),
      signUpsByAddress: new SharedRejectionLimiter(shared, 'sign_up_address', SIGN_IN_LIMITS.signUpsPerAddress, clock),
    };
  }
  return {
    failedByPair: new BackoffLimiter(SIGN_IN_LIMITS.perAccountAddress, clock),
    failedByAddress: new RejectionLimiter(SIGN_IN_LIMITS.perAddress, clock),
    signUpsByAddress: new RejectionLimiter(SIGN_IN_LIMITS.signUpsPerAddress, clock),
  };
}

export function rateLimited(reply: { header(name: string, value: string): unknown }, waitS: number, what: string): HttpError {
  reply.header('retry-after', String(waitS));
  return new HttpError(429, 'rate_limited', `${what}: try again in ${waitS < 120 ? `${waitS} second(s)` : `${Math.ceil(waitS / 60)} minute(s)`}`);
}

/**
 * The account whose password this is, or 401 `bad_credentials` / 429
 * `rate_limited`. `account` names it among every kind of account that signs
 * in here (the per-account limit's key); `find` reads it; `upgrade` stores a
 * hash made at today's cost when the stored one is older, only if the stored
 * one is unchanged meanwhile (a password changed elsewhere is not overwritten).
 */
export async function checkSignIn<A extends { password_hash: string }>(
  limits: SignInLimiters,
  reply: { header(name: string, value: string): unknown },
  ip: string,
  attempt: { account: string; password: string },
  find: () => Promise<A | undefined>,
  upgrade: (found: A, newHash: string) => Promise<unknown>,
): Promise<A> {
  const address = addressKey(ip);
  const pair = `${attempt.account}\u0000${address}`;
  const wait = Math.max(...(await Promise.all([limits.failedByPair.retryAfterS(pair), limits.failedByAddress.retryAfterS(address)])));
  if (wait > 0) throw rateLimited(reply, wait, 'too many failed sign-ins');
  const found = await find();
  // An unknown address costs the same scrypt as a wrong password: no timing oracle for who has an account.
  const ok = await verifyPassword(attempt.password, found?.password_hash ?? (await dummyPasswordHash()));
  if (!found || !ok) {
    await Promise.all([limits.failedByPair.record(pair), limits.failedByAddress.record(address)]);
    throw unauthorized('bad_credentials', 'the e-mail address or the password is wrong');
  }
  await limits.failedByPair.clear(pair);
  if (needsRehash(found.password_hash)) await upgrade(found, await hashPassword(attempt.password));
  return found;
}
