// Staff accounts, managed by an admin (the admin token or an admin's staff
// session): create, list, change, delete. A `venue` account acts only on its
// providers; an `admin` on everything. Passwords are hashed as customers' are
// (secrets.ts); they and the hashes never come out. Also the audit log, which
// venue staff read for their own providers only.
import { z } from 'zod';
import { errorBody } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { badRequest, conflict, notFound } from '../../common/errors.js';
import type { Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import { normalizeEmail } from '../accounts/sign-in.js';
import { hashPassword, newId } from '../secrets.js';
import type { AuditLog } from './audit.js';
import type { StaffRole } from './schema.js';
import { auditQuery, auditResponse, createStaffRequest, createStaffResponse, staffList, staffParams, updateStaffRequest } from './schemas.js';

export interface StaffRoutesOptions extends Pick<BookingContext, 'db' | 'writes' | 'now'> {
  auth: Auth;
  audit: AuditLog;
}

const emailTaken = () => conflict('email_taken', 'a staff account with this e-mail address exists');

export const staffRoutes: AppPlugin<StaffRoutesOptions> = async (app, { db, writes, now: clock, auth, audit }) => {
  /** The providers an account of this role keeps: none for an admin; for venue staff at least one, each registered. */
  async function providersFor(role: StaffRole, given: string[] | undefined): Promise<string[]> {
    if (role === 'admin') return [];
    const ids = [...new Set(given ?? [])];
    if (ids.length === 0) throw badRequest('a venue account needs providerIds: at least one provider it acts for');
    const known = await db.selectFrom('providers').select('provider_id').where('provider_id', 'in', ids).execute();
    const unknown = ids.filter((id) => !known.some((k) => k.provider_id === id));
    if (unknown.length > 0) throw notFound('unknown_provider', `no provider ${unknown.join(', ')}`);
    return ids;
  }

  app.post(
    '/api/v1/admin/staff',
    { onRequest: auth.adminOnly, schema: { tags: ['staff'], body: createStaffRequest, response: { 201: createStaffResponse, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } } },
    async (req, reply) => {
      const actor = auth.admin(req);
      const { role } = req.body;
      const email = normalizeEmail(req.body.email);
      const providerIds = await providersFor(role, req.body.providerIds);
      // The answer tells a taken address anyway: no scrypt spent on it (the insert below still decides races).
      if (await db.selectFrom('staff').select('staff_id').where('email', '=', email).executeTakeFirst()) throw emailTaken();
      const passwordHash = await hashPassword(req.body.password);
      const staffId = newId('sf');
      const now = clock();
      const created = await writes.run((trx) =>
        trx
          .insertInto('staff')
          .values({ staff_id: staffId, email, password_hash: passwordHash, role, provider_ids: JSON.stringify(providerIds), created_at: now, updated_at: now })
          .onConflict((oc) => oc.column('email').doNothing())
          .returning('staff_id')
          .executeTakeFirst(),
      );
      if (!created) throw emailTaken();
      await audit.record(actor, { action: 'staff.create', target: staffId, details: { email, role, providerIds } });
      req.log.info({ staffId, role, providerIds }, 'staff account created');
      return reply.code(201).send({ staffId });
    },
  );

  app.get('/api/v1/admin/staff', { onRequest: auth.adminOnly, schema: { tags: ['staff'], response: { 200: staffList, 401: errorBody, 403: errorBody } } }, async (req) => {
    auth.admin(req);
    const rows = await db.selectFrom('staff').select(['staff_id', 'email', 'role', 'provider_ids', 'created_at']).orderBy('email').execute();
    return {
      staff: rows.map((r) => ({
        staffId: r.staff_id,
        email: r.email,
        role: r.role,
        providerIds: JSON.parse(r.provider_ids) as string[],
        createdAt: Number(r.created_at),
      })),
    };
  });

  // A new password ends the account's sessions; a new role or providers apply from its next request.
  app.patch(
    '/api/v1/admin/staff/:staffId',
    { onRequest: auth.adminOnly, schema: { tags: ['staff'], params: staffParams, body: updateStaffRequest, response: { 200: staffList.shape.staff.element, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody } } },
    async (req) => {
      const actor = auth.admin(req);
      const row = await db.selectFrom('staff').selectAll().where('staff_id', '=', req.params.staffId).executeTakeFirst();
      if (!row) throw notFound('unknown_staff', `no staff account ${req.params.staffId}`);
      const role = req.body.role ?? row.role;
      const providerIds = await providersFor(role, req.body.providerIds ?? (JSON.parse(row.provider_ids) as string[]));
      const passwordHash = req.body.password !== undefined ? await hashPassword(req.body.password) : row.password_hash;
      await writes.run(async (trx) => {
        await trx
          .updateTable('staff')
          .set({ role, provider_ids: JSON.stringify(providerIds), password_hash: passwordHash, updated_at: clock() })
          .where('staff_id', '=', row.staff_id)
          .execute();
        if (req.body.password !== undefined) await trx.deleteFrom('staff_sessions').where('staff_id', '=', row.staff_id).execute();
      });
      const changed = Object.keys(req.body);
      await audit.record(actor, { action: 'staff.update', target: row.staff_id, details: { email: row.email, changed, role, providerIds } });
      req.log.info({ staffId: row.staff_id, changed, role, providerIds }, 'staff account changed');
      return { staffId: row.staff_id, email: row.email, role, providerIds, createdAt: Number(row.created_at) };
    },
  );

  app.delete(
    '/api/v1/admin/staff/:staffId',
    { onRequest: auth.adminOnly, schema: { tags: ['staff'], params: staffParams, response: { 204: z.null(), 401: errorBody, 403: errorBody, 404: errorBody } } },
    async (req, reply) => {
      const actor = auth.admin(req);
      const email = await writes.run(async (trx) => {
        const row = await trx.selectFrom('staff').select('email').where('staff_id', '=', req.params.staffId).executeTakeFirst();
        if (!row) return undefined;
        await trx.deleteFrom('staff_sessions').where('staff_id', '=', req.params.staffId).execute();
        await trx.deleteFrom('staff').where('staff_id', '=', req.params.staffId).execute();
        return row.email;
      });
      if (email === undefined) throw notFound('unknown_staff', `no staff account ${req.params.staffId}`);
      await audit.record(actor, { action: 'staff.delete', target: req.params.staffId, details: { email } });
      req.log.info({ staffId: req.params.staffId }, 'staff account deleted');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/admin/audit',
    { schema: { tags: ['staff'], querystring: auditQuery, response: { 200: auditResponse, 401: errorBody, 403: errorBody } } },
    async (req) => {
      const actor = await auth.operator(req);
      const { providerId, limit, before } = req.query;
      if (providerId !== undefined) auth.requireProvider(actor, providerId);
      return { entries: await audit.list({ scope: actor.role === 'admin' ? undefined : actor.providerIds, providerId, limit, before }) };
    },
  );
};
