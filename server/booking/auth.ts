// Who is calling: a customer (session token), a gate station (station token)
// or the platform operator (admin token). Every token travels as
// `Authorization: Bearer <token>` and is looked up by its sha256, so the
// database never holds one that could be replayed.
import type { FastifyRequest } from 'fastify';
import type { App } from '../common/app.js';
import { HttpError, unauthorized } from '../common/errors.js';
import type { BookingContext } from './context.js';
import { queries } from './queries.js';
import { safeEqual, sha256 } from './secrets.js';

export const SESSION_TTL_S = 30 * 24 * 3600;

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S{1,500})$/i.exec(h.trim());
  return m?.[1];
}

/** The user ID behind the request's session token, or 401. */
export async function requireUser(ctx: BookingContext, req: FastifyRequest): Promise<string> {
  const token = bearer(req);
  if (!token) throw unauthorized('unauthorized', 'sign in: send Authorization: Bearer <token>');
  const userId = await userForToken(ctx, token);
  if (!userId) throw unauthorized('unauthorized', 'the session token is unknown or expired');
  return userId;
}

export async function userForToken(ctx: BookingContext, token: string): Promise<string | undefined> {
  if (!token.startsWith('us_')) return undefined;
  const { rows } = await queries(ctx.db).userForSession(ctx.db, { hash: sha256(token), now: ctx.now() });
  return rows[0]?.user_id;
}

export function requireAdmin(ctx: BookingContext, req: FastifyRequest): void {
  if (!ctx.adminTokenHash) throw new HttpError(403, 'admin_disabled', 'this server was started without an admin token');
  const token = bearer(req);
  if (!token || !safeEqual(sha256(token), ctx.adminTokenHash)) throw unauthorized('unauthorized', 'the admin token is missing or wrong');
}

export interface StationIdentity {
  stationId: string;
  providerId: string;
  gate: string;
}

/**
 * Station tokens are checked on every scan, so known ones are cached briefly;
 * a revoked station stops working within STATION_CACHE_MS on every process.
 */
const STATION_CACHE_MS = 10_000;
const stationCache = new WeakMap<BookingContext, Map<string, { station: StationIdentity; until: number }>>();

/** The station a request was authenticated as (by the onRequest hook): looked up once per request. */
const stationOfRequest = new WeakMap<FastifyRequest, StationIdentity>();

export async function requireStation(ctx: BookingContext, req: FastifyRequest): Promise<StationIdentity> {
  const known = stationOfRequest.get(req);
  if (known) return known;
  const station = await lookUpStation(ctx, req);
  stationOfRequest.set(req, station);
  return station;
}

async function lookUpStation(ctx: BookingContext, req: FastifyRequest): Promise<StationIdentity> {
  const token = bearer(req);
  if (!token || !token.startsWith('st_')) throw unauthorized('unauthorized', 'send the station token: Authorization: Bearer <token>');
  const hash = sha256(token);
  let cache = stationCache.get(ctx);
  if (!cache) stationCache.set(ctx, (cache = new Map()));
  const hit = cache.get(hash);
  const nowMs = Date.now();
  if (hit && hit.until > nowMs) return hit.station;
  const row = (await queries(ctx.db).stationByToken(ctx.db, { hash })).rows[0];
  if (!row) {
    cache.delete(hash);
    throw unauthorized('unauthorized', 'the station token is unknown or revoked: enroll the station again');
  }
  const station = { stationId: row.station_id, providerId: row.provider_id, gate: row.gate };
  if (cache.size > 10_000) cache.clear();
  cache.set(hash, { station, until: nowMs + STATION_CACHE_MS });
  return station;
}

/** Forgets cached station tokens (after a revocation in this process). */
export function forgetStations(ctx: BookingContext): void {
  stationCache.get(ctx)?.clear();
}

/**
 * The operator's routes (and /metrics, when it is on the main port) and the
 * stations' are checked in onRequest, before the body is read: a caller
 * without the token gets 401 and learns nothing of what the body should be.
 * The routes check again themselves (cheap: the station is remembered per request).
 */
export function authenticateRoutes(app: App, ctx: BookingContext): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions.url ?? '';
    if (route.startsWith('/api/v1/admin/') || route === '/metrics') {
      try {
        requireAdmin(ctx, req);
      } catch (err) {
        return done(err as Error);
      }
      return done();
    }
    if (route.startsWith('/api/v1/station/') && route !== '/api/v1/station/enroll') {
      requireStation(ctx, req).then(() => done(), done);
      return;
    }
    done();
  });
}
