// Accounts: sign up and sign in with e-mail and password; both answer a
// bearer session token (shown once, stored as its sha256).
import { z } from 'zod';
import { errorBody, meResponse, sessionRequest, sessionResponse, signupRequest, signupResponse } from '../../../protocol/booking-api.js';
import type { App } from '../../common/app.js';
import { conflict, HttpError, unauthorized } from '../../common/errors.js';
import { bearer, requireUser, SESSION_TTL_S } from '../auth.js';
import type { BookingContext } from '../context.js';
import { RejectionLimiter } from '../rate-limit.js';
import { dummyPasswordHash, hashPassword, newId, newToken, sha256, verifyPassword } from '../secrets.js';

const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * Failed sign-ins, against password guessing: per account (more than 10 in 15
 * minutes), and per client address (more than 100) for guessing across accounts.
 * While over, every attempt is refused before the password is checked, the
 * right one too, or the answer would still tell a guess that is right.
 */
export const SIGN_IN_LIMITS = { perAccount: { maxRejections: 10, windowS: 900 }, perAddress: { maxRejections: 100, windowS: 900 } };

export async function accountRoutes(app: App, ctx: BookingContext): Promise<void> {
  const failedByAccount = new RejectionLimiter(SIGN_IN_LIMITS.perAccount, ctx.now);
  const failedByAddress = new RejectionLimiter(SIGN_IN_LIMITS.perAddress, ctx.now);

  app.post(
    '/api/v1/users',
    { schema: { tags: ['accounts'], body: signupRequest, response: { 201: signupResponse, 409: errorBody } } },
    async (req, reply) => {
      const email = normalizeEmail(req.body.email);
      const passwordHash = await hashPassword(req.body.password);
      const userId = newId('u');
      const token = newToken('us');
      const now = ctx.now();
      const created = await ctx.writes.run(async (trx) => {
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
      if (!created) throw conflict('email_taken', 'an account with this e-mail address exists: sign in instead');
      req.log.info({ userId }, 'user signed up');
      return reply.code(201).send({ userId, token });
    },
  );

  app.post(
    '/api/v1/sessions',
    { schema: { tags: ['accounts'], body: sessionRequest, response: { 200: sessionResponse, 401: errorBody, 429: errorBody } } },
    async (req, reply) => {
      const email = normalizeEmail(req.body.email);
      const wait = Math.max(failedByAccount.retryAfterS(email), failedByAddress.retryAfterS(req.ip));
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new HttpError(429, 'rate_limited', `too many failed sign-ins: try again in ${Math.ceil(wait / 60)} minute(s)`);
      }
      const user = await ctx.db.selectFrom('users').select(['user_id', 'password_hash']).where('email', '=', email).executeTakeFirst();
      // An unknown address costs the same scrypt as a wrong password: no timing oracle for who has an account.
      const ok = await verifyPassword(req.body.password, user?.password_hash ?? (await dummyPasswordHash()));
      if (!user || !ok) {
        failedByAccount.record(email);
        failedByAddress.record(req.ip);
        throw unauthorized('bad_credentials', 'the e-mail address or the password is wrong');
      }
      failedByAccount.clear(email);
      const token = newToken('us');
      const now = ctx.now();
      await ctx.writes.run((trx) =>
        trx.insertInto('sessions').values({ token_hash: sha256(token), user_id: user.user_id, created_at: now, expires_at: now + SESSION_TTL_S }).execute(),
      );
      return { token, userId: user.user_id };
    },
  );

  app.get(
    '/api/v1/me',
    { schema: { tags: ['accounts'], response: { 200: meResponse, 401: errorBody } } },
    async (req) => {
      const userId = await requireUser(ctx, req);
      const user = await ctx.db.selectFrom('users').select(['user_id', 'email', 'phone']).where('user_id', '=', userId).executeTakeFirstOrThrow();
      return { userId: user.user_id, email: user.email, ...(user.phone ? { phone: user.phone } : {}) };
    },
  );

  // Signing out ends this session only; other devices stay signed in.
  app.delete('/api/v1/sessions', { schema: { tags: ['accounts'], response: { 204: z.null(), 401: errorBody } } }, async (req, reply) => {
    await requireUser(ctx, req);
    const token = bearer(req)!;
    await ctx.writes.run((trx) => trx.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute());
    return reply.code(204).send(null);
  });
}
