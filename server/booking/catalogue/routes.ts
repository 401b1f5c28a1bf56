// The catalogue: every provider's shows in one list, and a show's seat map,
// both answered from a short cache (show-cache.ts: its policy). Providers are
// asked concurrently with a short timeout each; one that is down, or slow with
// no recent list to show, does not fail the list: its shows are left out and
// it is named in `unavailable`.
import { z } from 'zod';
import { catalogueResponse, errorBody, seatsResponse, type CatalogueShow } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { sendCompressible } from '../../common/compressed-reply.js';
import { notFound } from '../../common/errors.js';
import type { BookingContext } from '../context.js';
import { providerError } from '../providers/provider-client.js';
import type { CatalogueCache } from './show-cache.js';
import { venueZone } from '../providers/venue-zone.js';

export interface CatalogueRoutesOptions extends Pick<BookingContext, 'providers'> {
  cache: CatalogueCache;
}

export const catalogueRoutes: AppPlugin<CatalogueRoutesOptions> = async (app, { providers, cache }) => {
  app.get('/api/v1/shows', { schema: { tags: ['catalogue'], response: { 200: catalogueResponse } } }, async (req, reply) => {
    const clients = await providers.all();
    cache.keepOnly(clients.map((c) => c.providerId));
    const results = await Promise.allSettled(clients.map((c) => cache.shows(c)));
    const shows: CatalogueShow[] = [];
    const unavailable: string[] = [];
    results.forEach((r, i) => {
      const providerId = clients[i]!.providerId;
      if (r.status === 'rejected') unavailable.push(providerId);
      else for (const s of r.value) shows.push({ ...s, providerId, timeZone: venueZone(clients[i]!.record.timeZone) });
    });
    shows.sort((a, b) => a.startsAt - b.startsAt || a.providerId.localeCompare(b.providerId) || a.showId.localeCompare(b.showId));
    // A multiplex's months ahead are hundreds of kilobytes of repeating keys and titles: sent gzipped to a browser that takes it.
    return sendCompressible(req, reply, { shows, unavailable });
  });

  app.get(
    '/api/v1/providers/:providerId/shows/:showId/seats',
    {
      schema: {
        tags: ['catalogue'],
        params: z.object({ providerId: z.string().min(1).max(100), showId: z.string().min(1).max(100) }),
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
