// The platform's public keys, for anyone checking GP1 signatures (stations
// offline, auditors), and the admin's key rotation and retirement.
import { z } from 'zod';
import { errorBody, keysResponse } from '../../../protocol/booking-api.js';
import type { App } from '../../common/app.js';
import { notFound } from '../../common/errors.js';
import { requireAdmin } from '../auth.js';
import type { BookingContext } from '../context.js';
import { retireKey } from './key-retirement.js';

export async function keyRoutes(app: App, ctx: BookingContext): Promise<void> {
  app.get('/api/v1/keys', { schema: { tags: ['keys'], response: { 200: keysResponse } } }, async (_req, reply) => {
    // Keys change rarely; a short cache still lets a rotation reach stations within a minute.
    reply.header('cache-control', 'public, max-age=60');
    await ctx.keys.reload();
    return { keys: ctx.keys.list() };
  });

  app.post(
    '/api/v1/admin/keys',
    { schema: { tags: ['admin'], response: { 201: z.object({ keyId: z.number().int() }), 401: errorBody } } },
    async (req, reply) => {
      requireAdmin(ctx, req);
      const keyId = await ctx.keys.rotate();
      req.log.info({ keyId }, 'platform signing key rotated');
      return reply.code(201).send({ keyId });
    },
  );

  // A leaked key: trusted nowhere from now on, its tickets signed again with the active key.
  app.post(
    '/api/v1/admin/keys/:keyId/retire',
    {
      schema: {
        tags: ['admin'],
        params: z.object({ keyId: z.coerce.number().int().min(1).max(2 ** 31 - 1) }),
        response: { 200: z.object({ keyId: z.number().int(), activeKeyId: z.number().int(), reissued: z.number().int() }), 401: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      requireAdmin(ctx, req);
      const retired = await retireKey(ctx, req.params.keyId);
      if (!retired) throw notFound('unknown_key', `no signing key ${req.params.keyId}`);
      req.log.warn(retired, 'platform signing key retired');
      return retired;
    },
  );
}
