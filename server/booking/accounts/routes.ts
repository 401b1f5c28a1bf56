// Accounts: sign up and sign in with e-mail and password; both answer a
// bearer session token (shown once, stored as its sha256).
import { z } from 'zod';
import { errorBody, meResponse, sessionRequest, sessionResponse, signupRequest, signupResponse } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { conflict } from '../../common/errors.js';
import { bearer, SESSION_TTL_S, type Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import { addressKey } from '../../common/rate-limit.js';
import { hashPassword, newId, newToken, sha256 } from '../secrets.js';
import { checkSignIn, normalizeEmail, rateLimited, signInLimiters, type SignInLimiters } from './sign-in.js';

export { SIGN_IN_LIMITS, signInLimiters, type SignInLimiters } from './sign-in.js';

const emailTaken = () => conflict('email_taken', 'an account with this e-mail address exists: sign in instead');

export interface AccountRoutesOptions extends Pick<BookingContext, 'db' | 'writes' | 'now'> {
  auth: Auth;
  /** default: in this process's memory */
  limits?: SignInLimiters;
}

export const accountRoutes: AppPlugin<AccountRoutesOptions> = async (app, { db, writes, now: clock, auth, limits }) => {
  const defaults = limits ?? signInLimiters(clock);
  const { signUpsByAddress } = defaults;

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
      const user = await checkSignIn(
        defaults,
        reply,
        req.ip,
        { account: email, password: req.body.password },
        () => db.selectFrom('users').select(['user_id', 'password_hash']).where('email', '=', email).executeTakeFirst(),
        (found, upgraded) =>
          writes.run((trx) =>
            trx.updateTable('users').set({ password_hash: upgraded }).where('user_id', '=', found.user_id).where('password_hash', '=', found.password_hash).execute(),
          ),
      );
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
