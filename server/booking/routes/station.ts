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
  scanVerdictSchema,
} from '../../../protocol/booking-api.js';
import type { App } from '../../common/app.js';
import { HttpError } from '../../common/errors.js';
import { requireStation } from '../auth.js';
import type { BookingContext } from '../context.js';
import type { ScanService } from '../scanning.js';

/** Events younger than this may still have a lower-numbered neighbour committing (PostgreSQL): the cursor stops before them. */
export const CURSOR_HORIZON_S = 5;
const BUNDLE_PAGE = 5000;

export async function stationRoutes(app: App, ctx: BookingContext, scans: ScanService): Promise<void> {
  app.post(
    '/api/v1/station/scan',
    { schema: { tags: ['station'], body: scanRequest, response: { 200: scanVerdictSchema, 401: errorBody, 403: errorBody, 409: errorBody } } },
    async (req) => {
      const station = await requireStation(ctx, req);
      if (req.body.providerId !== station.providerId) {
        throw new HttpError(403, 'forbidden', `this station is enrolled for provider ${station.providerId}, not ${req.body.providerId}`);
      }
      return scans.scan(station, req.body);
    },
  );

  app.get(
    '/api/v1/station/offline-bundle',
    { schema: { tags: ['station'], querystring: offlineBundleQuery, response: { 200: offlineBundleResponse, 401: errorBody } } },
    async (req) => {
      const station = await requireStation(ctx, req);
      const since = Number(req.query.since ?? 0);
      await scans.flushAdmissions();
      const rows = await ctx.db
        .selectFrom('station_events')
        .select(['seq', 'kind', 'code', 'at', 'gate', 'recorded_at'])
        .where('provider_id', '=', station.providerId)
        .where('seq', '>', since)
        .orderBy('seq')
        .limit(BUNDLE_PAGE)
        .execute();
      // The cursor moves over settled events only; newer ones are sent now and again next time.
      const horizon = ctx.now() - CURSOR_HORIZON_S;
      let cursor = since;
      for (const r of rows) {
        if (Number(r.recorded_at) > horizon) break;
        cursor = Number(r.seq);
      }
      await ctx.keys.reload();
      return {
        providerId: station.providerId,
        keys: ctx.keys.list(),
        revoked: rows.filter((r) => r.kind === 'revoked').map((r) => r.code),
        redeemed: rows.filter((r) => r.kind === 'redeemed').map((r) => ({ code: r.code, at: Number(r.at), gate: r.gate ?? '' })),
        cursor: String(cursor),
        more: rows.length === BUNDLE_PAGE && cursor > since,
      };
    },
  );

  app.post(
    '/api/v1/station/journal',
    { schema: { tags: ['station'], body: journalRequest, response: { 200: journalResponse, 401: errorBody, 503: errorBody } } },
    async (req) => {
      const station = await requireStation(ctx, req);
      const results = await scans.journal(station, req.body.redemptions);
      req.log.info(
        { stationId: station.stationId, uploaded: results.length, conflicts: results.filter((r) => r.result === 'rejected').length },
        'offline journal uploaded',
      );
      return { results };
    },
  );
}
