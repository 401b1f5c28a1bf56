// The platform's public keys, for anyone checking GP1 signatures (stations
// offline, auditors), and the admin's key rotation and retirement (admins
// only, venue staff never).
import { z } from 'zod';
import { errorBody, keysResponse } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { notFound } from '../../common/errors.js';
import type { Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import type { Retirement } from './key-retirement.js';
import type { AuditLog } from '../staff/audit.js';

export interface KeyRoutesOptions extends Pick<BookingContext, 'keys'> {
  auth: Auth;
  audit: AuditLog;
  /** retires a signing key and signs its tickets again (key-retirement.ts); undefined: no such key */
  retireKey(keyId: number): Promise<Retirement | undefined>;
}

export const keyRoutes: AppPlugin<KeyRoutesOptions> = async (app, { keys, auth, audit, retireKey }) => {
  app.get('/api/v1/keys', { schema: { tags: ['keys'], response: { 200: keysResponse } } }, async (_req, reply) => {
    // Keys change rarely; a short cache still lets a rotation reach stations within a minute.
    reply.header('cache-control', 'public, max-age=60');
    await keys.reload();
    return { keys: keys.list() };
  });

  app.post(
    '/api/v1/admin/keys',
    { onRequest: auth.adminOnly, schema: { tags: ['admin'], response: { 201: z.object({ keyId: z.number().int() }), 401: errorBody, 403: errorBody } } },
    async (req, reply) => {
      const actor = auth.admin(req);
      const keyId = await keys.rotate();
      await audit.record(actor, { action: 'key.rotate', target: String(keyId) });
      req.log.info({ keyId }, 'platform signing key rotated');
      return reply.code(201).send({ keyId });
    },
  );

  // A leaked key: trusted nowhere from now on, its tickets signed again with the active key.
  app.post(
    '/api/v1/admin/keys/:keyId/retire',
    {
      onRequest: auth.adminOnly,
      schema: {
        tags: ['admin'],
        params: z.object({ keyId: z.coerce.number().int().min(1).max(2 ** 31 - 1) }),
        response: { 200: z.object({ keyId: z.number().int(), activeKeyId: z.number().int(), reissued: z.number().int() }), 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const actor = auth.admin(req);
      const retired = await retireKey(req.params.keyId);
      if (!retired) throw notFound('unknown_key', `no signing key ${req.params.keyId}`);
      await audit.record(actor, { action: 'key.retire', target: String(retired.keyId), details: { activeKeyId: retired.activeKeyId, reissued: retired.reissued } });
      req.log.warn(retired, 'platform signing key retired');
      return retired;
    },
  );
};
