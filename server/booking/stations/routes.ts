// Gate stations: the admin creates one for a provider and a gate and gets a
// one-time enrollment code (15 minutes), also as the `GPS1:` setup QR text;
// the station exchanges the code for its bearer token, bound to that provider
// and gate. Only sha256 of the code and of the token are stored. Venue staff
// manage their own providers' stations, and list only those.
import { z } from 'zod';
import {
  createStationRequest,
  createStationResponse,
  encodeSetupPayload,
  enrollRequest,
  enrollResponse,
  errorBody,
  formatEnrollment,
  normalizeEnrollment,
  renameStationRequest,
  stationDetails as stationDetailsSchema,
  stationsQuery,
  stationsResponse,
} from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { HttpError, notFound, unauthorized } from '../../common/errors.js';
import type { Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import type { TicketLinks } from '../tickets/ticket-view.js';
import type { AuditLog } from '../staff/audit.js';
import { newEnrollmentCode, newId, newToken, sha256 } from '../secrets.js';
import { stationDetails } from './status.js';

export const ENROLLMENT_TTL_S = 15 * 60;

export interface StationAdminRoutesOptions extends Pick<BookingContext, 'db' | 'writes' | 'now' | 'providers'> {
  auth: Auth;
  audit: AuditLog;
  /** where stations reach this server (known once it listens): the setup QR carries it */
  links: Pick<TicketLinks, 'publicUrl'>;
};

export const stationAdminRoutes: AppPlugin<StationAdminRoutesOptions> = async (app, { db, writes, now: clock, providers, auth, audit, links }) => {
  /** A fresh enrollment code for a station: its hash stored, the code itself answered once. */
  async function enrollmentFor(stationId: string, providerId: string, gate: string, expiresAt: number) {
    const code = newEnrollmentCode();
    return {
      hash: sha256(code),
      answer: {
        stationId,
        providerId,
        gate,
        enrollment: formatEnrollment(code),
        enrollmentExpiresAt: expiresAt,
        setupPayload: encodeSetupPayload(links.publicUrl, code),
      },
    };
  }

  app.post(
    '/api/v1/admin/stations',
    { schema: { tags: ['admin'], body: createStationRequest, response: { 201: createStationResponse, 401: errorBody, 403: errorBody, 404: errorBody } } },
    async (req, reply) => {
      const actor = await auth.operator(req);
      const { providerId, gate } = req.body;
      auth.requireProvider(actor, providerId);
      if (!(await providers.get(providerId))) throw notFound('unknown_provider', `no provider ${providerId}`);
      const now = clock();
      const stationId = newId('s');
      const { hash, answer } = await enrollmentFor(stationId, providerId, gate, now + ENROLLMENT_TTL_S);
      await writes.run((trx) =>
        trx
          .insertInto('stations')
          .values({ station_id: stationId, provider_id: providerId, gate, enrollment_hash: hash, enrollment_expires_at: now + ENROLLMENT_TTL_S, enrolled_at: null, token_hash: null, created_at: now, revoked_at: null })
          .execute(),
      );
      await audit.record(actor, { action: 'station.create', providerId, target: stationId, details: { gate } });
      req.log.info({ stationId, providerId, gate }, 'station created');
      return reply.code(201).send(answer);
    },
  );

  // Each station as the operator's console shows it; `providerId` narrows the list to one provider's gates.
  app.get(
    '/api/v1/admin/stations',
    { schema: { tags: ['admin'], querystring: stationsQuery, response: { 200: stationsResponse, 400: errorBody, 401: errorBody } } },
    async (req) => {
      const actor = await auth.operator(req);
      if (req.query.providerId !== undefined) auth.requireProvider(actor, req.query.providerId);
      let query = db.selectFrom('stations').selectAll();
      if (req.query.providerId !== undefined) query = query.where('provider_id', '=', req.query.providerId);
      const rows = await query.orderBy('created_at').orderBy('station_id').execute();
      const now = clock();
      return { stations: rows.filter((r) => auth.sees(actor, r.provider_id)).map((r) => stationDetails(r, now)) };
    },
  );

  const stationParams = z.object({ stationId: z.string().min(1).max(100) });

  // A replaced or wiped station: a new code; enrolling with it replaces the old token.
  app.post(
    '/api/v1/admin/stations/:stationId/enrollment',
    { schema: { tags: ['admin'], params: stationParams, response: { 201: createStationResponse, 401: errorBody, 403: errorBody, 404: errorBody } } },
    async (req, reply) => {
      const actor = await auth.operator(req);
      const row = await db.selectFrom('stations').selectAll().where('station_id', '=', req.params.stationId).where('revoked_at', 'is', null).executeTakeFirst();
      if (!row) throw notFound('unknown_station', `no station ${req.params.stationId}`);
      auth.requireProvider(actor, row.provider_id);
      const expiresAt = clock() + ENROLLMENT_TTL_S;
      const { hash, answer } = await enrollmentFor(row.station_id, row.provider_id, row.gate, expiresAt);
      await writes.run((trx) =>
        trx.updateTable('stations').set({ enrollment_hash: hash, enrollment_expires_at: expiresAt, enrolled_at: null }).where('station_id', '=', row.station_id).execute(),
      );
      await audit.record(actor, { action: 'station.enrollment', providerId: row.provider_id, target: row.station_id, details: { gate: row.gate } });
      req.log.info({ stationId: row.station_id }, 'station enrollment renewed');
      return reply.code(201).send(answer);
    },
  );

  // A rename: the station learns its new gate name from its next heartbeat's answer.
  app.patch(
    '/api/v1/admin/stations/:stationId',
    { schema: { tags: ['admin'], params: stationParams, body: renameStationRequest, response: { 200: stationDetailsSchema, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody } } },
    async (req) => {
      const actor = await auth.operator(req);
      const { stationId } = req.params;
      const station = await db.selectFrom('stations').select(['provider_id', 'gate']).where('station_id', '=', stationId).executeTakeFirst();
      if (station) auth.requireProvider(actor, station.provider_id);
      const row = await writes.run(async (trx) => {
        const res = await trx.updateTable('stations').set({ gate: req.body.gate }).where('station_id', '=', stationId).where('revoked_at', 'is', null).executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return undefined;
        return trx.selectFrom('stations').selectAll().where('station_id', '=', stationId).executeTakeFirstOrThrow();
      });
      if (!row) throw notFound('unknown_station', `no station ${stationId} (or it was revoked)`);
      // Scans record the gate they came through: this process's cache must not keep the old name.
      auth.forgetStations();
      await audit.record(actor, { action: 'station.rename', providerId: row.provider_id, target: stationId, details: { from: station?.gate, gate: row.gate } });
      req.log.info({ stationId, gate: row.gate }, 'station renamed');
      return stationDetails(row, clock());
    },
  );

  // Revoking keeps the row and the token's hash: the station's next call is told it was
  // revoked (401 station_revoked), and the console still lists it.
  app.delete(
    '/api/v1/admin/stations/:stationId',
    { schema: { tags: ['admin'], params: stationParams, response: { 204: z.null(), 401: errorBody, 403: errorBody, 404: errorBody } } },
    async (req, reply) => {
      const actor = await auth.operator(req);
      const station = await db.selectFrom('stations').select(['provider_id', 'gate']).where('station_id', '=', req.params.stationId).executeTakeFirst();
      if (!station) throw notFound('unknown_station', `no station ${req.params.stationId}`);
      auth.requireProvider(actor, station.provider_id);
      const now = clock();
      const res = await writes.run((trx) =>
        trx.updateTable('stations').set({ revoked_at: now }).where('station_id', '=', req.params.stationId).where('revoked_at', 'is', null).executeTakeFirst(),
      );
      if (Number(res.numUpdatedRows) !== 1) throw notFound('unknown_station', `no station ${req.params.stationId}`);
      auth.forgetStations();
      await audit.record(actor, { action: 'station.revoke', providerId: station.provider_id, target: req.params.stationId, details: { gate: station.gate } });
      req.log.info({ stationId: req.params.stationId }, 'station revoked');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/station/enroll',
    { schema: { tags: ['station'], body: enrollRequest, response: { 200: enrollResponse, 401: errorBody, 410: errorBody } } },
    async (req) => {
      const code = normalizeEnrollment(req.body.enrollment);
      if (!code) throw unauthorized('enrollment_invalid', 'not an enrollment code: 28 letters and digits, as shown to the admin');
      const hash = sha256(code);
      const token = newToken('st');
      const now = clock();
      const outcome = await writes.run(async (trx) => {
        const row = await trx.selectFrom('stations').selectAll().where('enrollment_hash', '=', hash).executeTakeFirst();
        if (!row || row.revoked_at !== null) return 'invalid' as const;
        if (row.enrolled_at !== null) return 'used' as const;
        if (row.enrollment_expires_at < now) return 'expired' as const;
        // Conditional: of two stations racing with one code, exactly one gets a token.
        const won = await trx
          .updateTable('stations')
          .set({ enrolled_at: now, token_hash: sha256(token) })
          .where('station_id', '=', row.station_id)
          .where('enrolled_at', 'is', null)
          .executeTakeFirst();
        if (Number(won.numUpdatedRows) !== 1) return 'used' as const;
        return { stationId: row.station_id, providerId: row.provider_id, gate: row.gate };
      });
      if (outcome === 'invalid') throw unauthorized('enrollment_invalid', 'this enrollment code is not known: check it, or ask for a new one');
      if (outcome === 'used') throw new HttpError(410, 'enrollment_used', 'this enrollment code was already used: ask the admin for a new one');
      if (outcome === 'expired') throw new HttpError(410, 'enrollment_expired', 'this enrollment code has expired (15 minutes): ask the admin for a new one');
      auth.forgetStations();
      req.log.info({ stationId: outcome.stationId, providerId: outcome.providerId, gate: outcome.gate }, 'station enrolled');
      return { token, ...outcome };
    },
  );
}
