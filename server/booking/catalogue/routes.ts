// The catalogue: every provider's shows in one list, and a show's seat map,
// both answered from a short cache (show-cache.ts: its policy). Providers are
// asked concurrently with a short timeout each; one that is down, or slow with
// no recent list to show, does not fail the list: its shows are left out and
// it is named in `unavailable`.
import { z } from 'zod';
import { catalogueResponse, errorBody, seatsResponse, type CatalogueShow } from '../../../protocol/booking-api.js';
import type { Show } from '../../../protocol/provider-api.js';
import type { AppPlugin } from '../../common/app.js';
import { PreparedJson, sendPrepared } from '../../common/compressed-reply.js';
import { notFound } from '../../common/errors.js';
import type { BookingContext } from '../context.js';
import { providerError } from '../providers/provider-client.js';
import type { CatalogueCache } from './show-cache.js';
import { venueZone } from '../providers/venue-zone.js';

export interface CatalogueRoutesOptions extends Pick<BookingContext, 'providers'> {
  cache: CatalogueCache;
}

export const catalogueRoutes: AppPlugin<CatalogueRoutesOptions> = async (app, { providers, cache }) => {
  // The answer last built, and what it was built from: each provider's list as the cache holds
  // it (the same array until a refresh replaces it) or null for one that failed, with its zone.
  // A rush of customers is answered from one serialization and one gzip per change, not one per
  // request: a multiplex's months ahead are thousands of shows, and this thread also relays scans.
  let last: { parts: CataloguePart[]; answer: PreparedJson } | undefined;

  app.get('/api/v1/shows', { schema: { tags: ['catalogue'], response: { 200: catalogueResponse } } }, async (req, reply) => {
    const clients = await providers.all();
    cache.keepOnly(clients.map((c) => c.providerId));
    const results = await Promise.allSettled(clients.map((c) => cache.shows(c)));
    const parts: CataloguePart[] = results.map((r, i) => ({
      providerId: clients[i]!.providerId,
      timeZone: venueZone(clients[i]!.record.timeZone),
      shows: r.status === 'fulfilled' ? r.value : null,
    }));
    if (!last || !sameParts(last.parts, parts)) last = { parts, answer: new PreparedJson(reply.serialize(catalogueOf(parts))) };
    return sendPrepared(req, reply, last.answer);
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

/** One provider's part of the catalogue: its shows as cached, or null when it did not answer. */
interface CataloguePart {
  providerId: string;
  timeZone: string;
  shows: readonly Show[] | null;
}

const sameParts = (a: CataloguePart[], b: CataloguePart[]) =>
  a.length === b.length && a.every((p, i) => p.providerId === b[i]!.providerId && p.timeZone === b[i]!.timeZone && p.shows === b[i]!.shows);

/** Every provider's shows in one list, soonest first; the providers that did not answer named. */
function catalogueOf(parts: CataloguePart[]): { shows: CatalogueShow[]; unavailable: string[] } {
  const shows: CatalogueShow[] = [];
  const unavailable: string[] = [];
  for (const { providerId, timeZone, shows: own } of parts) {
    if (own === null) unavailable.push(providerId);
    else for (const s of own) shows.push({ ...s, providerId, timeZone });
  }
  shows.sort((a, b) => a.startsAt - b.startsAt || a.providerId.localeCompare(b.providerId) || a.showId.localeCompare(b.showId));
  return { shows, unavailable };
}
