// The console's Live page: the summary of a show at a provider's gates, the
// same as a Server-Sent Events stream (read with fetch(), which can send the
// bearer header that EventSource cannot), and acknowledging a journal
// conflict. Venue staff see their own providers only (403 otherwise).
import { z } from 'zod';
import { errorBody } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { notFound } from '../../common/errors.js';
import type { Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import type { AuditLog } from '../staff/audit.js';
import type { LiveStreams } from './live-stream.js';
import { liveResponse, type LiveSummary } from '../../../protocol/console-api.js';

export const liveQuery = z.object({ providerId: z.string().min(1).max(100), showId: z.string().min(1).max(100) });

export interface LiveRoutesOptions extends Pick<BookingContext, 'db' | 'writes' | 'now'> {
  auth: Auth;
  audit: AuditLog;
  summary: (providerId: string, showId: string) => Promise<LiveSummary>;
  streams: LiveStreams;
}

export const liveRoutes: AppPlugin<LiveRoutesOptions> = async (app, { db, writes, now, auth, audit, summary, streams }) => {
  // Open streams end when the server closes: it would wait for them otherwise.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get(
    '/api/v1/console/live',
    { schema: { tags: ['console'], querystring: liveQuery, response: { 200: liveResponse, 400: errorBody, 401: errorBody, 403: errorBody } } },
    async (req) => {
      auth.requireProvider(await auth.operator(req), req.query.providerId);
      return summary(req.query.providerId, req.query.showId);
    },
  );

  app.get(
    '/api/v1/console/live/stream',
    { schema: { tags: ['console'], querystring: liveQuery, response: { 400: errorBody, 401: errorBody, 403: errorBody } } },
    async (req, reply) => {
      auth.requireProvider(await auth.operator(req), req.query.providerId);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(': live\n\n');
      const stop = streams.subscribe(req.query.providerId, req.query.showId, (json) => res.write(`event: summary\ndata: ${json}\n\n`));
      // A comment now and then keeps proxies from closing an idle stream.
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      const end = () => res.end();
      open.add(end);
      req.raw.on('close', () => {
        open.delete(end);
        clearInterval(keepAlive);
        stop();
      });
    },
  );

  app.post(
    '/api/v1/console/conflicts/:conflictId/ack',
    {
      schema: {
        tags: ['console'],
        params: z.object({ conflictId: z.string().min(1).max(100) }),
        response: { 200: z.object({ conflictId: z.string(), acknowledgedAt: z.number().int() }), 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const actor = await auth.operator(req);
      const { conflictId } = req.params;
      const row = await db.selectFrom('journal_conflicts').select(['provider_id', 'acknowledged_at']).where('conflict_id', '=', conflictId).executeTakeFirst();
      if (!row) throw notFound('unknown_conflict', `no journal conflict ${conflictId}`);
      auth.requireProvider(actor, row.provider_id);
      if (row.acknowledged_at !== null) return { conflictId, acknowledgedAt: Number(row.acknowledged_at) };
      const at = now();
      await writes.run((trx) =>
        trx
          .updateTable('journal_conflicts')
          .set({ acknowledged_at: at, acknowledged_by: actor.email ?? 'admin token' })
          .where('conflict_id', '=', conflictId)
          .where('acknowledged_at', 'is', null)
          .execute(),
      );
      await audit.record(actor, { action: 'conflict.acknowledge', providerId: row.provider_id, target: conflictId, details: {} });
      streams.changed(new Set([row.provider_id]));
      return { conflictId, acknowledgedAt: at };
    },
  );
};
