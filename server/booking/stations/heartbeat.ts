// POST /api/v1/station/heartbeat: every 30 s a gate station says what it is
// running and how its parts are (sources, relay, offline policy, bundle age,
// journal backlog). Kept on its row for the operator's list; the answer is the
// gate the server has for it, so a rename reaches the station.
import { errorBody, heartbeatRequest, heartbeatResponse } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { unauthorized } from '../../common/errors.js';
import type { Auth } from '../auth.js';
import type { BookingContext } from '../context.js';

export interface HeartbeatRoutesOptions extends Pick<BookingContext, 'relaxedTransaction' | 'now'> {
  auth: Auth;
}

export const heartbeatRoutes: AppPlugin<HeartbeatRoutesOptions> = async (app, { relaxedTransaction, now: clock, auth }) => {
  app.post(
    '/api/v1/station/heartbeat',
    { schema: { tags: ['station'], body: heartbeatRequest, response: { 200: heartbeatResponse, 400: errorBody, 401: errorBody } } },
    async (req) => {
      const station = await auth.station(req);
      const now = clock();
      // A status report, not a state anyone was promised: it need not wait for the disk.
      const row = await relaxedTransaction(async (trx) => {
        await trx.updateTable('stations').set({ status: JSON.stringify(req.body), last_seen_at: now }).where('station_id', '=', station.stationId).execute();
        return trx.selectFrom('stations').select(['gate', 'revoked_at']).where('station_id', '=', station.stationId).executeTakeFirst();
      });
      // Revoked on another process while this one still trusted its cached token.
      if (!row || row.revoked_at !== null) throw unauthorized('station_revoked', 'this station was revoked: ask venue IT to enroll this gate again');
      return { gate: row.gate };
    },
  );
};
