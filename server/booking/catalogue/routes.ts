// The catalogue: every provider's shows, the whole list or one day at a time
// (catalogue-days.ts), and a show's seat map, both answered from a short cache
// (show-cache.ts: its policy). Providers are asked concurrently with a short
// timeout each; one that is down, or slow with no recent list to show, does not
// fail the list: its shows are left out and it is named in `unavailable`.
import { z } from 'zod';
import { errorBody } from '../../../protocol/booking-api.js';
import { catalogueQuery, catalogueResponse, catalogueShowSchema, seatsResponse } from '../../../protocol/catalogue-api.js';
import type { AppPlugin } from '../../common/app.js';
import { sendPrepared } from '../../common/compressed-reply.js';
import { notFound } from '../../common/errors.js';
import type { BookingContext } from '../context.js';
import { providerError } from '../providers/provider-client.js';
import { CatalogueAnswers, type CataloguePart } from './catalogue-days.js';
import type { CatalogueCache } from './show-cache.js';
import { venueZone } from '../providers/venue-zone.js';

export interface CatalogueRoutesOptions extends Pick<BookingContext, 'providers'> {
  cache: CatalogueCache;
}

const showParams = z.object({ providerId: z.string().min(1).max(100), showId: z.string().min(1).max(100) });

export const catalogueRoutes: AppPlugin<CatalogueRoutesOptions> = async (app, { providers, cache }) => {
  // The answers, from each provider's list as the cache holds it (the same array while its
  // answer does not change) or null for one that failed, with its zone. A rush of customers
  // is answered from one serialization and one gzip per change, not one per request: a
  // platform's venues sell thousands of shows months ahead, and this thread also relays scans.
  const answers = new CatalogueAnswers({ rebuildMs: cache.options.answerRebuildMs, nowMs: cache.options.nowMs });
  cache.onShows((client, shows) => answers.prepare(client.providerId, venueZone(client.record.timeZone), shows));

  app.get('/api/v1/shows', { schema: { tags: ['catalogue'], querystring: catalogueQuery, response: { 200: catalogueResponse } } }, async (req, reply) => {
    const clients = await providers.all();
    cache.keepOnly(clients.map((c) => c.providerId));
    const results = await Promise.allSettled(clients.map((c) => cache.shows(c)));
    const parts: CataloguePart[] = results.map((r, i) => ({
      providerId: clients[i]!.providerId,
      timeZone: venueZone(clients[i]!.record.timeZone),
      shows: r.status === 'fulfilled' ? r.value : null,
    }));
    await answers.update(parts);
    return sendPrepared(req, reply, answers.answer(req.query.day, (body) => reply.serialize(body)));
  });

  // One show as the catalogue lists it, for a page that opens on it (a shared link to its seats):
  // from the same cached list, without the whole catalogue. Not on sale (ended, cancelled, unknown): 404.
  app.get(
    '/api/v1/providers/:providerId/shows/:showId',
    { schema: { tags: ['catalogue'], params: showParams, response: { 200: catalogueShowSchema, 404: errorBody, 503: errorBody } } },
    async (req) => {
      const client = await providers.get(req.params.providerId);
      if (!client) throw notFound('unknown_provider', `no provider ${req.params.providerId}`);
      let shows;
      try {
        shows = await cache.shows(client);
      } catch (err) {
        throw providerError(err);
      }
      const show = shows.find((s) => s.showId === req.params.showId);
      if (!show) throw notFound('unknown_show', `no show ${req.params.showId} on sale`);
      return { ...show, providerId: client.providerId, timeZone: venueZone(client.record.timeZone) };
    },
  );

  app.get(
    '/api/v1/providers/:providerId/shows/:showId/seats',
    {
      schema: {
        tags: ['catalogue'],
        params: showParams,
        response: { 200: seatsResponse, 404: errorBody, 503: errorBody },
      },
    },
    async (req) => {
      const client = await providers.get(req.params.providerId);
      if (!client) throw notFound('unknown_provider', `no provider ${req.params.providerId}`);
      try {
        return { seats: await cache.seats(client, req.params.showId), timeZone: venueZone(client.record.timeZone) };
      } catch (err) {
        throw providerError(err);
      }
    },
  );
};
