// Who is calling: a customer (session token), a gate station (station token)
// or the platform operator (admin token). Every token travels as
// `Authorization: Bearer <token>` and is looked up by its sha256, so the
// database never holds one that could be replayed.
import type { FastifyRequest } from 'fastify';
import type { App } from '../common/app.js';
import { HttpError, unauthorized } from '../common/errors.js';
import type { Kysely } from 'kysely';
import { queries } from './queries.js';
import type { BookingDB } from './schema.js';
import { safeEqual, sha256 } from './secrets.js';

export const SESSION_TTL_S = 30 * 24 * 3600;

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S{1,500})$/i.exec(h.trim());
  return m?.[1];
}

/** What checking a token needs: the database, the clock and the admin token's hash. */
export interface AuthOptions {
  db: Kysely<BookingDB>;
  /** epoch seconds */
  now: () => number;
  /** sha256 of the admin token; undefined: the admin API is off */
  adminTokenHash?: string;
  /** told of every request a station makes with its token (a scan counts as seen: last-seen.ts) */
  onStationSeen?: (stationId: string) => void;
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

/** The one place a booking server's callers are identified; each route plugin is handed it. */
export class Auth {
  private readonly stationCache = new Map<string, { station: StationIdentity; until: number }>();
  /** The station a request was authenticated as (by the onRequest hook): looked up once per request. */
  private readonly stationOfRequest = new WeakMap<FastifyRequest, StationIdentity>();

  constructor(private readonly opts: AuthOptions) {}

  /** The user ID behind the request's session token, or 401. */
  async user(req: FastifyRequest): Promise<string> {
    const token = bearer(req);
    if (!token) throw unauthorized('unauthorized', 'sign in: send Authorization: Bearer <token>');
    const userId = await this.userForToken(token);
    if (!userId) throw unauthorized('unauthorized', 'the session token is unknown or expired');
    return userId;
  }

  async userForToken(token: string): Promise<string | undefined> {
    if (!token.startsWith('us_')) return undefined;
    const { db, now } = this.opts;
    const { rows } = await queries(db).userForSession(db, { hash: sha256(token), now: now() });
    return rows[0]?.user_id;
  }

  admin(req: FastifyRequest): void {
    const { adminTokenHash } = this.opts;
    if (!adminTokenHash) throw new HttpError(403, 'admin_disabled', 'this server was started without an admin token');
    const token = bearer(req);
    if (!token || !safeEqual(sha256(token), adminTokenHash)) throw unauthorized('unauthorized', 'the admin token is missing or wrong');
  }

  async station(req: FastifyRequest): Promise<StationIdentity> {
    const known = this.stationOfRequest.get(req);
    if (known) return known;
    const station = await this.lookUpStation(req);
    this.stationOfRequest.set(req, station);
    this.opts.onStationSeen?.(station.stationId);
    return station;
  }

  private async lookUpStation(req: FastifyRequest): Promise<StationIdentity> {
    const token = bearer(req);
    if (!token || !token.startsWith('st_')) throw unauthorized('unauthorized', 'send the station token: Authorization: Bearer <token>');
    const hash = sha256(token);
    const cache = this.stationCache;
    const hit = cache.get(hash);
    const nowMs = Date.now();
    if (hit && hit.until > nowMs) return hit.station;
    const { db } = this.opts;
    const row = (await queries(db).stationByToken(db, { hash })).rows[0];
    if (!row) {
      cache.delete(hash);
      throw unauthorized('unauthorized', 'the station token is unknown: enroll the station again');
    }
    // A revoked station keeps its token hash so that it can be told, and show it, rather than guess.
    if (row.revoked_at !== null) {
      cache.delete(hash);
      throw unauthorized('station_revoked', 'this station was revoked: ask venue IT to enroll this gate again');
    }
    const station = { stationId: row.station_id, providerId: row.provider_id, gate: row.gate };
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { station, until: nowMs + STATION_CACHE_MS });
    return station;
  }

  /** Forgets cached station tokens (after a revocation or a rename in this process). */
  forgetStations(): void {
    this.stationCache.clear();
  }
}

/**
 * The operator's routes (and /metrics, when it is on the main port) and the
 * stations' are checked in onRequest, before the body is read: a caller
 * without the token gets 401 and learns nothing of what the body should be.
 * The routes check again themselves (cheap: the station is remembered per request).
 * Added on the root instance before the route plugins are registered, so that
 * every one of them inherits it.
 */
export function authenticateRoutes(app: App, auth: Auth): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions.url ?? '';
    if (route.startsWith('/api/v1/admin/') || route === '/metrics') {
      try {
        auth.admin(req);
      } catch (err) {
        return done(err as Error);
      }
      return done();
    }
    if (route.startsWith('/api/v1/station/') && route !== '/api/v1/station/enroll') {
      auth.station(req).then(() => done(), done);
      return;
    }
    done();
  });
}
