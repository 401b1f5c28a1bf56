// Staff sign-in: e-mail and password for a bearer token (`ss_`, 256 random
// bits, stored as its sha256) that lasts STAFF_SESSION_TTL_S from sign-in.
// Limited exactly as customers' sign-ins are, counted together with them per
// client address. Every attempt is logged, with its outcome; never the
// password or the token.
import { z } from 'zod';
import { errorBody } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { HttpError } from '../../common/errors.js';
import { bearer, STAFF_SESSION_TTL_S, type Auth, type Operator } from '../auth.js';
import type { BookingContext } from '../context.js';
import { checkSignIn, normalizeEmail, type SignInLimiters } from '../accounts/sign-in.js';
import { newToken, sha256 } from '../secrets.js';
import type { AuditLog } from './audit.js';
import { staffMe, staffSessionRequest, staffSessionResponse } from './schemas.js';

export interface StaffSessionRoutesOptions extends Pick<BookingContext, 'db' | 'writes' | 'now'> {
  auth: Auth;
  audit: AuditLog;
  /** the customers' limiters: failures from one address count together */
  limits: SignInLimiters;
}

export const staffSessionRoutes: AppPlugin<StaffSessionRoutesOptions> = async (app, { db, writes, now: clock, auth, audit, limits }) => {
  app.post(
    '/api/v1/staff/sessions',
    { schema: { tags: ['staff'], body: staffSessionRequest, response: { 200: staffSessionResponse, 401: errorBody, 429: errorBody } } },
    async (req, reply) => {
      const email = normalizeEmail(req.body.email);
      let row;
      try {
        row = await checkSignIn(
          limits,
          reply,
          req.ip,
          // Its own per-account key: a customer with the same e-mail is another account.
          { account: `staff\u0000${email}`, password: req.body.password },
          () => db.selectFrom('staff').selectAll().where('email', '=', email).executeTakeFirst(),
          (found, upgraded) =>
            writes.run((trx) =>
              trx.updateTable('staff').set({ password_hash: upgraded }).where('staff_id', '=', found.staff_id).where('password_hash', '=', found.password_hash).execute(),
            ),
        );
      } catch (err) {
        req.log.warn({ email, ip: req.ip, outcome: err instanceof HttpError ? err.reason : 'error' }, 'staff sign-in refused');
        throw err;
      }
      const token = newToken('ss');
      const now = clock();
      const expiresAt = now + STAFF_SESSION_TTL_S;
      await writes.run((trx) => trx.insertInto('staff_sessions').values({ token_hash: sha256(token), staff_id: row.staff_id, created_at: now, expires_at: expiresAt }).execute());
      const staff: Operator = {
        staffId: row.staff_id,
        email: row.email,
        role: row.role,
        providerIds: row.role === 'admin' ? [] : (JSON.parse(row.provider_ids) as string[]),
      };
      await audit.record(staff, { action: 'staff.sign_in', target: row.staff_id, details: { ip: req.ip } });
      req.log.info({ staffId: row.staff_id, email, ip: req.ip, outcome: 'signed_in' }, 'staff signed in');
      return { token, expiresAt, staff };
    },
  );

  // Signing out ends this session only; with the admin token there is nothing to end.
  app.delete('/api/v1/staff/sessions', { schema: { tags: ['staff'], response: { 204: z.null(), 401: errorBody } } }, async (req, reply) => {
    const operator = await auth.operator(req);
    if (operator.staffId !== null) {
      await writes.run((trx) => trx.deleteFrom('staff_sessions').where('token_hash', '=', sha256(bearer(req)!)).execute());
      req.log.info({ staffId: operator.staffId }, 'staff signed out');
    }
    return reply.code(204).send(null);
  });

  app.get('/api/v1/staff/me', { schema: { tags: ['staff'], response: { 200: staffMe, 401: errorBody, 403: errorBody } } }, async (req) => {
    const { staffId, email, role, providerIds } = await auth.operator(req);
    return { staffId, email, role, providerIds };
  });
};
