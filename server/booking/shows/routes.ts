// The programme as venue staff manage it from the console: list a provider's
// shows (cancelled ones too, with seats sold), create and change shows, cancel
// one with every ticket refunded. The venue holds the programme; this server
// passes each change on, signed, records it in the audit log, and drops its
// catalogue cache of that provider so customers see the change at once.
import type { FastifyRequest } from 'fastify';
import type { AppPlugin } from '../../common/app.js';
import { HttpError, notFound } from '../../common/errors.js';
import { errorBody } from '../../../protocol/booking-api.js';
import type { ErrorReason } from '../../../protocol/reasons.js';
import type { Auth, Operator } from '../auth.js';
import type { CatalogueCache } from '../catalogue/show-cache.js';
import type { BookingContext } from '../context.js';
import { providerError, ProviderRefusal, type ProviderClient } from '../providers/provider-client.js';
import type { AuditLog } from '../staff/audit.js';
import { managedShowSchema, programmeQuery, programmeResponse, providerParams, showCancelResult, showCreateRequest, showParams, showUpdateRequest } from './schemas.js';
import type { ShowCancellations } from './show-cancellation.js';

export interface ShowAdminRoutesOptions extends Pick<BookingContext, 'providers'> {
  auth: Auth;
  audit: AuditLog;
  cache: CatalogueCache;
  shows: ShowCancellations;
}

/** The venue's refusals staff can act on keep their reason; anything else is the usual provider error. */
const PASSED_ON: readonly ErrorReason[] = ['show_conflict', 'seats_sold', 'show_cancelled', 'show_ended', 'bad_request'];
function venueError(err: unknown): unknown {
  if (err instanceof ProviderRefusal && (PASSED_ON as readonly string[]).includes(err.reason)) {
    return new HttpError(err.status, err.reason as ErrorReason, err.message);
  }
  return providerError(err);
}

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 503: errorBody };

export const showAdminRoutes: AppPlugin<ShowAdminRoutesOptions> = async (app, { providers, auth, audit, cache, shows }) => {
  /**
   * Who asks (refused unless they may see this provider) and the provider's answer
   * to `call`, with the venue's refusals passed on by name.
   */
  const atVenue = async <T>(req: FastifyRequest, providerId: string, call: (client: ProviderClient) => Promise<T>): Promise<{ actor: Operator; result: T }> => {
    const actor = await auth.operator(req);
    auth.requireProvider(actor, providerId);
    const client = await providers.get(providerId);
    if (!client) throw notFound('unknown_provider', `no provider ${providerId}`);
    try {
      return { actor, result: await call(client) };
    } catch (err) {
      throw venueError(err);
    }
  };

  app.get(
    '/api/v1/admin/providers/:providerId/shows',
    { schema: { tags: ['admin'], params: providerParams, querystring: programmeQuery, response: { 200: programmeResponse, ...errors } } },
    async (req) => (await atVenue(req, req.params.providerId, (client) => client.programme(req.query.endsAfter))).result,
  );

  app.post(
    '/api/v1/admin/providers/:providerId/shows',
    { schema: { tags: ['admin'], params: providerParams, body: showCreateRequest, response: { 201: managedShowSchema, ...errors } } },
    async (req, reply) => {
      const { providerId } = req.params;
      const { actor, result: show } = await atVenue(req, providerId, (client) => client.createShow(req.body));
      cache.dropProvider(providerId);
      const { title, hall, startsAt, endsAt, priceCents, currency, rows, seatsPerRow } = req.body;
      await audit.record(actor, { action: 'show.create', providerId, target: show.showId, details: { title, hall, startsAt, endsAt, priceCents, currency, rows, seatsPerRow } });
      req.log.info({ providerId, showId: show.showId }, 'show created');
      return reply.code(201).send(show);
    },
  );

  app.patch(
    '/api/v1/admin/providers/:providerId/shows/:showId',
    { schema: { tags: ['admin'], params: showParams, body: showUpdateRequest, response: { 200: managedShowSchema, ...errors } } },
    async (req) => {
      const { providerId, showId } = req.params;
      const { actor, result: show } = await atVenue(req, providerId, (client) => client.updateShow(showId, req.body));
      cache.dropProvider(providerId);
      await audit.record(actor, { action: 'show.update', providerId, target: showId, details: { ...req.body } });
      req.log.info({ providerId, showId, changed: Object.keys(req.body) }, 'show changed');
      return show;
    },
  );

  app.post(
    '/api/v1/admin/providers/:providerId/shows/:showId/cancel',
    { schema: { tags: ['admin'], params: showParams, response: { 200: showCancelResult, ...errors } } },
    async (req) => {
      const { providerId, showId } = req.params;
      const { actor, result } = await atVenue(req, providerId, (client) => shows.cancel(client, showId));
      const { cancelled, refunded, pending } = result;
      await audit.record(actor, { action: 'show.cancel', providerId, target: showId, details: { cancelled, refunded, pending } });
      return result;
    },
  );
};
