// A ticket's QR (SVG) and image (PNG), for its owner or for whoever holds its
// share link; the share link itself, which the owner can take back; and the
// operator's revocation of a ticket.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cancelTicketResponse, errorBody, sharedTicketResponse, shareResponse } from '../../../protocol/booking-api.js';
import { cancelView, type TicketCancellations } from '../ordering/cancellation.js';
import type { AppPlugin } from '../../common/app.js';
import { notFound } from '../../common/errors.js';
import { ticketInfo } from '../../common/ticket-info.js';
import type { Auth } from '../auth.js';
import { providerError } from '../providers/provider-client.js';
import type { BookingContext } from '../context.js';
import { queries } from '../queries.js';
import { canonicalZone, venueZone } from '../providers/venue-zone.js';
import type { AuditLog } from '../staff/audit.js';
import { TICKET_LOCALES, ticketPng, ticketQrSvg, type TicketLocale } from './render.js';
import { shareHash, sharedTicket, shareToken, shareUrl, type TicketLinks, type TicketRow } from './ticket-view.js';

const ticketParams = z.object({ ticketId: z.string().min(1).max(100) });
const revokeResponse = z.object({
  ticketId: z.string(),
  revokedAt: z.number().int(),
  refund: cancelTicketResponse.shape.refund.optional(),
});
const viewerQuery = z.object({
  share: z.string().min(1).max(200).optional(),
  locale: z.enum(TICKET_LOCALES as [TicketLocale, ...TicketLocale[]]).optional(),
  tz: z.string().max(64).optional(),
});

/** Rendered PNGs, newest last, by ticket and signing key (a ticket signed again after a key retirement has a new QR); a small cache saves the ~30 ms render on reloads. */
const PNG_CACHE_SIZE = 64;

export interface TicketRoutesOptions extends Pick<BookingContext, 'db' | 'writes' | 'now' | 'providers'> {
  auth: Auth;
  audit: AuditLog;
  links: TicketLinks;
  cancellations: TicketCancellations;
}

export const ticketRoutes: AppPlugin<TicketRoutesOptions> = async (app, { db, writes, now: clock, providers, auth, audit, links, cancellations }) => {
  const pngCache = new Map<string, Buffer>();

  /** The ticket, if the caller may see it: its owner's session, or a live share token for it. */
  async function viewable(req: FastifyRequest, ticketId: string, share: string | undefined): Promise<TicketRow> {
    if (share !== undefined) {
      const row = await db.selectFrom('tickets').selectAll().where('ticket_id', '=', ticketId).where('share_hash', '=', shareHash(share)).executeTakeFirst();
      if (!row) throw notFound('share_not_found', 'this share link is not valid (any more)');
      return row;
    }
    const userId = await auth.user(req);
    return owned(ticketId, userId);
  }

  async function owned(ticketId: string, userId: string): Promise<TicketRow> {
    const row = (await queries(db).ownedTicket(db, { ticketId, userId })).rows[0];
    if (!row) throw notFound('unknown_ticket', `no ticket ${ticketId}`);
    return row;
  }

  app.get(
    '/api/v1/tickets/:ticketId/image.png',
    { schema: { tags: ['tickets'], params: ticketParams, querystring: viewerQuery, response: { 401: errorBody, 404: errorBody } } },
    async (req, reply) => {
      const row = await viewable(req, req.params.ticketId, req.query.share);
      const locale = req.query.locale ?? localeFrom(req.headers['accept-language']);
      // The venue's zone when it has one: what the e-mail and reminders say too. Else the reader's (`tz`), else the server's.
      const venue = (await providers.get(row.provider_id))?.record.timeZone;
      const tz = venue ?? (req.query.tz ? canonicalZone(req.query.tz) : undefined);
      const key = `${row.ticket_id}|${row.key_id}|${locale}|${tz ?? ''}`;
      let png = pngCache.get(key);
      if (!png) {
        png = await ticketPng(
          { payload: row.payload, ticketId: row.ticket_id, ...ticketInfo(row) },
          locale,
          tz,
        );
        pngCache.set(key, png);
        if (pngCache.size > PNG_CACHE_SIZE) pngCache.delete(pngCache.keys().next().value!);
      }
      reply.header('content-type', 'image/png').header('cache-control', 'private, max-age=60').header('vary', 'accept-language, authorization');
      reply.header('content-disposition', `inline; filename="ticket-${row.ticket_id}.png"`);
      // A Buffer is sent as is (no JSON serialisation).
      return reply.send(png as never);
    },
  );

  app.get(
    '/api/v1/tickets/:ticketId/qr.svg',
    { schema: { tags: ['tickets'], params: ticketParams, querystring: viewerQuery, response: { 401: errorBody, 404: errorBody } } },
    async (req, reply) => {
      const row = await viewable(req, req.params.ticketId, req.query.share);
      reply.header('content-type', 'image/svg+xml').header('cache-control', 'private, max-age=60');
      return reply.send(ticketQrSvg(row.payload) as never);
    },
  );

  app.post(
    '/api/v1/tickets/:ticketId/share',
    { schema: { tags: ['tickets'], params: ticketParams, response: { 200: shareResponse, 401: errorBody, 404: errorBody } } },
    async (req) => {
      const userId = await auth.user(req);
      const row = await owned(req.params.ticketId, userId);
      if (!row.share_hash) {
        // Sharing again after a revocation: a link of the new generation, never the revoked one.
        const hash = shareHash(shareToken(links.shareSecret, row.ticket_id, row.share_generation));
        await writes.run((trx) =>
          trx.updateTable('tickets').set({ share_hash: hash }).where('ticket_id', '=', row.ticket_id).where('share_generation', '=', row.share_generation).execute(),
        );
      }
      const fresh = await owned(req.params.ticketId, userId);
      return { shareUrl: shareUrl(links, fresh) };
    },
  );

  app.delete(
    '/api/v1/tickets/:ticketId/share',
    { schema: { tags: ['tickets'], params: ticketParams, response: { 204: z.null(), 401: errorBody, 404: errorBody } } },
    async (req, reply) => {
      const userId = await auth.user(req);
      const row = await owned(req.params.ticketId, userId);
      if (row.share_hash) {
        await writes.run((trx) =>
          trx
            .updateTable('tickets')
            .set({ share_hash: null, share_generation: row.share_generation + 1 })
            .where('ticket_id', '=', row.ticket_id)
            .where('share_generation', '=', row.share_generation)
            .execute(),
        );
        req.log.info({ ticketId: row.ticket_id }, 'share link revoked');
      }
      return reply.code(204).send(null);
    },
  );

  // The operator takes a ticket back (fraud, or with `refund: true` a refund): the provider
  // revokes the code, and stations learn it from their next offline bundle. Venue staff, for
  // their providers' tickets.
  app.post(
    '/api/v1/admin/tickets/:ticketId/revoke',
    {
      schema: {
        tags: ['admin'],
        params: ticketParams,
        body: z.object({ refund: z.boolean().optional() }).strict().nullish(),
        response: { 200: revokeResponse, 202: revokeResponse, 401: errorBody, 403: errorBody, 404: errorBody, 503: errorBody },
      },
    },
    async (req, reply) => {
      const actor = await auth.operator(req);
      const row = await db.selectFrom('tickets').selectAll().where('ticket_id', '=', req.params.ticketId).executeTakeFirst();
      if (!row) throw notFound('unknown_ticket', `no ticket ${req.params.ticketId}`);
      auth.requireProvider(actor, row.provider_id);
      if (req.body?.refund) {
        const outcome = cancelView(await cancellations.revokeWithRefund(row, 'operator_revoked'));
        await audit.record(actor, { action: 'ticket.revoke', providerId: row.provider_id, target: row.ticket_id, details: { refund: outcome.refund, showId: row.show_id, seat: row.seat_label } });
        req.log.info({ ticketId: row.ticket_id, providerId: row.provider_id, refund: outcome.refund.state }, 'ticket revoked with a refund');
        return reply.code(outcome.refund.state === 'refunded' ? 200 : 202).send({ ...outcome, revokedAt: outcome.revokedAt ?? clock() });
      }
      const client = await providers.get(row.provider_id);
      let revokedAt: number;
      try {
        revokedAt = (await client!.revoke(row.provider_ticket_id)).revokedAt;
      } catch (err) {
        throw providerError(err);
      }
      const now = clock();
      await writes.run(async (trx) => {
        await trx.updateTable('tickets').set({ revoked_at: revokedAt }).where('ticket_id', '=', row.ticket_id).where('revoked_at', 'is', null).execute();
        await trx
          .insertInto('station_events')
          .values({ provider_id: row.provider_id, kind: 'revoked', code: row.code, at: revokedAt, gate: null, recorded_at: now, valid_until: row.valid_until })
          .onConflict((oc) => oc.columns(['provider_id', 'kind', 'code']).doNothing())
          .execute();
      });
      await audit.record(actor, { action: 'ticket.revoke', providerId: row.provider_id, target: row.ticket_id, details: { revokedAt, showId: row.show_id, seat: row.seat_label } });
      req.log.info({ ticketId: row.ticket_id, providerId: row.provider_id }, 'ticket revoked');
      return { ticketId: row.ticket_id, revokedAt };
    },
  );

  app.get(
    '/api/v1/shared/:token',
    { schema: { tags: ['tickets'], params: z.object({ token: z.string().min(1).max(200) }), response: { 200: sharedTicketResponse, 404: errorBody } } },
    async (req, reply) => {
      const row = await db.selectFrom('tickets').selectAll().where('share_hash', '=', shareHash(req.params.token)).executeTakeFirst();
      if (!row) throw notFound('share_not_found', 'this share link is not valid (any more)');
      reply.header('cache-control', 'no-store');
      return sharedTicket(links, row, req.params.token, venueZone((await providers.get(row.provider_id))?.record.timeZone));
    },
  );
};

function localeFrom(acceptLanguage: string | undefined): TicketLocale {
  return /^\s*zh/i.test(acceptLanguage ?? '') ? 'zh-CN' : 'en';
}
