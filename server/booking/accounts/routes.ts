// Accounts: sign up and sign in with e-mail and password; both answer a
// bearer session token (shown once, stored as its sha256).
import { z } from 'zod';
import { errorBody, meResponse, sessionRequest, sessionResponse, signupRequest, signupResponse } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { conflict, HttpError, unauthorized } from '../../common/errors.js';
import { bearer, SESSION_TTL_S, type Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import type { Kysely } from 'kysely';
import { addressKey, BackoffLimiter, RejectionLimiter } from '../../common/rate-limit.js';
import { SharedBackoffLimiter, SharedRejectionLimiter, type FailureLimit } from '../../common/shared-rate-limit.js';
import { dummyPasswordHash, hashPassword, needsRehash, newId, newToken, sha256, verifyPassword } from '../secrets.js';

const normalizeEmail = (email: string) => email.trim().toLowerCase();

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

const emailTaken = () => conflict('email_taken', 'an account with this e-mail address exists: sign in instead');

function rateLimited(reply: { header(name: string, value: string): unknown }, waitS: number, what: string): HttpError {
  reply.header('retry-after', String(waitS));
  return new HttpError(429, 'rate_limited', `${what}: try again in ${waitS < 120 ? `${waitS} second(s)` : `${Math.ceil(waitS / 60)} minute(s)`}`);
}

export interface AccountRoutesOptions extends Pick<BookingContext, 'db' | 'writes' | 'now'> {
  auth: Auth;
  /** default: in this process's memory */
  limits?: SignInLimiters;
}

export const accountRoutes: AppPlugin<AccountRoutesOptions> = async (app, { db, writes, now: clock, auth, limits }) => {
  const { failedByPair, failedByAddress, signUpsByAddress } = limits ?? signInLimiters(clock);

  app.post(
    '/api/v1/users',
    { schema: { tags: ['accounts'], body: signupRequest, response: { 201: signupResponse, 409: errorBody, 429: errorBody } } },
    async (req, reply) => {
      const address = addressKey(req.ip);
      await signUpsByAddress.record(address);
      const wait = await signUpsByAddress.retryAfterS(address);
      if (wait > 0) throw rateLimited(reply, wait, 'too many sign-ups from this address');
      const email = normalizeEmail(req.body.email);
      // The answer tells a taken address anyway: no scrypt spent on it (the insert below still decides races).
      if (await db.selectFrom('users').select('user_id').where('email', '=', email).executeTakeFirst()) throw emailTaken();
      const passwordHash = await hashPassword(req.body.password);
      const userId = newId('u');
      const token = newToken('us');
      const now = clock();
      const created = await writes.run(async (trx) => {
        // ON CONFLICT rather than read-then-insert: two sign-ups racing for one
        // address (even in two processes) cannot both win, and neither throws.
        const row = await trx
          .insertInto('users')
          .values({ user_id: userId, email, password_hash: passwordHash, phone: req.body.phone ?? null, created_at: now })
          .onConflict((oc) => oc.column('email').doNothing())
          .returning('user_id')
          .executeTakeFirst();
        if (!row) return false;
        await trx.insertInto('sessions').values({ token_hash: sha256(token), user_id: userId, created_at: now, expires_at: now + SESSION_TTL_S }).execute();
        return true;
      });
      if (!created) throw emailTaken();
      req.log.info({ userId }, 'user signed up');
      return reply.code(201).send({ userId, token });
    },
  );

  app.post(
    '/api/v1/sessions',
    { schema: { tags: ['accounts'], body: sessionRequest, response: { 200: sessionResponse, 401: errorBody, 429: errorBody } } },
    async (req, reply) => {
      const email = normalizeEmail(req.body.email);
      const address = addressKey(req.ip);
      const pair = `${email}\u0000${address}`;
      const wait = Math.max(...(await Promise.all([failedByPair.retryAfterS(pair), failedByAddress.retryAfterS(address)])));
      if (wait > 0) throw rateLimited(reply, wait, 'too many failed sign-ins');
      const user = await db.selectFrom('users').select(['user_id', 'password_hash']).where('email', '=', email).executeTakeFirst();
      // An unknown address costs the same scrypt as a wrong password: no timing oracle for who has an account.
      const ok = await verifyPassword(req.body.password, user?.password_hash ?? (await dummyPasswordHash()));
      if (!user || !ok) {
        await Promise.all([failedByPair.record(pair), failedByAddress.record(address)]);
        throw unauthorized('bad_credentials', 'the e-mail address or the password is wrong');
      }
      await failedByPair.clear(pair);
      if (needsRehash(user.password_hash)) {
        // Only if unchanged meanwhile: a password changed elsewhere is not overwritten with this one.
        const upgraded = await hashPassword(req.body.password);
        await writes.run((trx) =>
          trx.updateTable('users').set({ password_hash: upgraded }).where('user_id', '=', user.user_id).where('password_hash', '=', user.password_hash).execute(),
        );
      }
      const token = newToken('us');
      const now = clock();
      await writes.run((trx) =>
        trx.insertInto('sessions').values({ token_hash: sha256(token), user_id: user.user_id, created_at: now, expires_at: now + SESSION_TTL_S }).execute(),
      );
      return { token, userId: user.user_id };
    },
  );

  app.get(
    '/api/v1/me',
    { schema: { tags: ['accounts'], response: { 200: meResponse, 401: errorBody } } },
    async (req) => {
      const userId = await auth.user(req);
      const user = await db.selectFrom('users').select(['user_id', 'email', 'phone']).where('user_id', '=', userId).executeTakeFirstOrThrow();
      return { userId: user.user_id, email: user.email, ...(user.phone ? { phone: user.phone } : {}) };
    },
  );

  // Signing out ends this session only; other devices stay signed in.
  app.delete('/api/v1/sessions', { schema: { tags: ['accounts'], response: { 204: z.null(), 401: errorBody } } }, async (req, reply) => {
    await auth.user(req);
    const token = bearer(req)!;
    await writes.run((trx) => trx.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute());
    return reply.code(204).send(null);
  });
};
