// What an enrolled gate station calls with its token: scan, the offline
// bundle (keys, revoked and redeemed codes since a cursor) and the upload of
// its offline journal. Every call is scoped to the station's own provider.
import {
  errorBody,
  journalRequest,
  journalResponse,
  offlineBundleQuery,
  offlineBundleResponse,
  scanRequest,
} from '../../../protocol/booking-api.js';
import { scanVerdictSchema } from '../../../protocol/verdict.js';
import type { AppPlugin } from '../../common/app.js';
import { sendCompressible } from '../../common/compressed-reply.js';
import { HttpError } from '../../common/errors.js';
import type { Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import type { ScanService } from './relay.js';
import { bundlePage } from './station-events.js';

export interface StationRoutesOptions extends Pick<BookingContext, 'db' | 'now' | 'keys'> {
  auth: Auth;
  scans: ScanService;
}

export const stationRoutes: AppPlugin<StationRoutesOptions> = async (app, { db, now, keys, auth, scans }) => {
  app.post(
    '/api/v1/station/scan',
    { schema: { tags: ['station'], body: scanRequest, response: { 200: scanVerdictSchema, 401: errorBody, 403: errorBody, 409: errorBody } } },
    async (req) => {
      const station = await auth.station(req);
      if (req.body.providerId !== station.providerId) {
        throw new HttpError(403, 'forbidden', `this station is enrolled for provider ${station.providerId}, not ${req.body.providerId}`);
      }
      return scans.scan(station, req.body);
    },
  );

  app.get(
    '/api/v1/station/offline-bundle',
    { schema: { tags: ['station'], querystring: offlineBundleQuery, response: { 200: offlineBundleResponse, 401: errorBody } } },
    async (req, reply) => {
      const station = await auth.station(req);
      const since = Number(req.query.since ?? 0);
      await scans.flushAdmissions();
      const events = await bundlePage(db, station.providerId, since, now());
      await keys.reload();
      // A first sync is tens of thousands of codes: compressed, it fits a slow gate link.
      return sendCompressible(req, reply, { providerId: station.providerId, keys: keys.list(), ...events });
    },
  );

  app.post(
    '/api/v1/station/journal',
    { schema: { tags: ['station'], body: journalRequest, response: { 200: journalResponse, 401: errorBody, 503: errorBody } } },
    async (req) => {
      const station = await auth.station(req);
      const results = await scans.journal(station, req.body.redemptions);
      req.log.info(
        { stationId: station.stationId, uploaded: results.length, conflicts: results.filter((r) => r.result === 'rejected').length },
        'offline journal uploaded',
      );
      return { results };
    },
  );
};
