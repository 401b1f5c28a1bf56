// The platform's public keys, for anyone checking GP1 signatures (stations
// offline, auditors), and the admin's key rotation.
import { z } from 'zod';
import { errorBody, keysResponse } from '../../../protocol/booking-api.js';
import type { App } from '../../common/app.js';
import { requireAdmin } from '../auth.js';
import type { BookingContext } from '../context.js';

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
}
