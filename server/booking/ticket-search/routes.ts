// The console's Tickets page: search, and one ticket's story (search.ts).
// Revoking with a refund is the existing POST /api/v1/admin/tickets/:ticketId/revoke.
import { z } from 'zod';
import { errorBody } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { notFound } from '../../common/errors.js';
import type { Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import { MAX_RESULTS, searchTickets, ticketStory } from './search.js';

const ticketState = z.enum(['valid', 'used', 'revoked', 'refunded']);
const ticketHit = z.object({
  ticketId: z.string(),
  orderId: z.string(),
  providerId: z.string(),
  showId: z.string(),
  title: z.string(),
  seat: z.string(),
  startsAt: z.number().int(),
  email: z.string(),
  state: ticketState,
});

export const ticketSearchQuery = z.object({
  q: z.string().trim().min(1).max(200),
  providerId: z.string().min(1).max(100).optional(),
  showId: z.string().min(1).max(200).optional(),
});
export const ticketSearchResponse = z.object({ tickets: z.array(ticketHit).max(MAX_RESULTS) });

const storyEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('issued'), at: z.number().int(), orderId: z.string() }),
  z.object({
    kind: z.literal('admitted'),
    /** null: an annulled admission recorded before its time was kept */
    at: z.number().int().nullable(),
    gate: z.string(),
    stationId: z.string().nullable(),
    scanId: z.string().nullable(),
    annulled: z.boolean(),
  }),
  z.object({ kind: z.literal('annulled'), at: z.number().int(), gate: z.string(), by: z.string() }),
  z.object({ kind: z.literal('revoked'), at: z.number().int() }),
  z.object({
    kind: z.literal('refund'),
    at: z.number().int(),
    amountCents: z.number().int(),
    currency: z.string(),
    state: z.enum(['requested', 'revoked', 'refunded']),
    reference: z.string().nullable(),
  }),
]);
export const ticketStoryResponse = z.object({
  ticket: ticketHit.extend({ venue: z.string(), hall: z.string(), validFrom: z.number().int(), validUntil: z.number().int() }),
  /** the share link as it is now: no history of it is kept */
  share: z.object({ active: z.boolean(), linksTakenBack: z.number().int() }),
  events: z.array(storyEvent),
});

export type TicketSearchRoutesOptions = Pick<BookingContext, 'db'> & {
  auth: Auth;
  /** commits the admissions this process has answered (written behind the answer, admission-log.ts), so a ticket just scanned reads as used */
  flushAdmissions: () => Promise<void>;
};

export const ticketSearchRoutes: AppPlugin<TicketSearchRoutesOptions> = async (app, { db, auth, flushAdmissions }) => {
  app.get(
    '/api/v1/admin/tickets',
    { schema: { tags: ['admin'], querystring: ticketSearchQuery, response: { 200: ticketSearchResponse, 400: errorBody, 401: errorBody, 403: errorBody } } },
    async (req) => {
      const actor = await auth.operator(req);
      if (req.query.providerId) auth.requireProvider(actor, req.query.providerId);
      const visible = actor.role === 'admin' ? null : actor.providerIds;
      await flushAdmissions();
      return { tickets: await searchTickets(db, { ...req.query, visible }) };
    },
  );

  app.get(
    '/api/v1/admin/tickets/:ticketId/story',
    {
      schema: {
        tags: ['admin'],
        params: z.object({ ticketId: z.string().min(1).max(100) }),
        response: { 200: ticketStoryResponse, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const actor = await auth.operator(req);
      await flushAdmissions();
      const story = await ticketStory(db, req.params.ticketId);
      if (!story) throw notFound('unknown_ticket', `no ticket ${req.params.ticketId}`);
      auth.requireProvider(actor, story.ticket.providerId);
      return story;
    },
  );
};
