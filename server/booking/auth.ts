// Who is calling: a customer (session token), a gate station (station token)
// or an operator (the admin token, or a staff session: an admin, or venue
// staff limited to their providers). Every token travels as
// `Authorization: Bearer <token>` and is looked up by its sha256, so the
// database never holds one that could be replayed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../common/app.js';
import { HttpError, unauthorized } from '../common/errors.js';
import type { Kysely } from 'kysely';
import { queries } from './queries.js';
import type { BookingDB } from './schema.js';
import { safeEqual, sha256 } from './secrets.js';
import type { StaffRole } from './staff/schema.js';

export const SESSION_TTL_S = 30 * 24 * 3600;
/** A staff session lasts one working day from sign-in, fixed: a console left open overnight asks again. */
export const STAFF_SESSION_TTL_S = 12 * 3600;

/** Who is operating: the admin token, or a signed-in staff member. */
export interface Operator {
  /** null: the admin token */
  staffId: string | null;
  email: string | null;
  role: StaffRole;
  /** the providers a venue account may act on; [] for an admin, who may act on any */
  providerIds: string[];
}

export const ADMIN_TOKEN: Operator = Object.freeze({ staffId: null, email: null, role: 'admin' as const, providerIds: [] });

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
  /** The operator a request was authenticated as (by the onRequest hook on /api/v1/admin/*). */
  private readonly operatorOfRequest = new WeakMap<FastifyRequest, Operator>();

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

  /** The admin token and nothing else (/metrics). */
  adminToken(req: FastifyRequest): void {
    const { adminTokenHash } = this.opts;
    if (!adminTokenHash) throw new HttpError(403, 'admin_disabled', 'this server was started without an admin token');
    const token = bearer(req);
    if (!token || !safeEqual(sha256(token), adminTokenHash)) throw unauthorized('unauthorized', 'the admin token is missing or wrong');
  }

  /** The operator behind the request: the admin token, or a live staff session (`ss_`); 401 otherwise. Looked up once per request. */
  async operator(req: FastifyRequest): Promise<Operator> {
    const known = this.operatorOfRequest.get(req);
    if (known) return known;
    const token = bearer(req);
    let operator: Operator | undefined = ADMIN_TOKEN;
    if (token?.startsWith('ss_')) {
      operator = await this.staffForToken(token);
      if (!operator) throw unauthorized('unauthorized', 'the staff session is unknown or expired: sign in again');
    } else {
      this.adminToken(req);
    }
    this.operatorOfRequest.set(req, operator);
    return operator;
  }

  async staffForToken(token: string): Promise<Operator | undefined> {
    const { db, now } = this.opts;
    const row = await db
      .selectFrom('staff_sessions')
      .innerJoin('staff', 'staff.staff_id', 'staff_sessions.staff_id')
      .select(['staff.staff_id', 'staff.email', 'staff.role', 'staff.provider_ids'])
      .where('staff_sessions.token_hash', '=', sha256(token))
      .where('staff_sessions.expires_at', '>', now())
      .executeTakeFirst();
    if (!row) return undefined;
    return { staffId: row.staff_id, email: row.email, role: row.role, providerIds: row.role === 'admin' ? [] : (JSON.parse(row.provider_ids) as string[]) };
  }

  /**
   * An admin, or 401/403: the admin token or an admin's staff session.
   * Synchronous: on /api/v1/admin/* the onRequest hook has looked the
   * session up already; elsewhere only the admin token is known here.
   */
  admin(req: FastifyRequest): Operator {
    const operator = this.operatorOfRequest.get(req);
    if (operator) {
      this.requireAdmin(operator);
      return operator;
    }
    this.adminToken(req);
    return ADMIN_TOKEN;
  }

  /**
   * An admin-only route's onRequest hook: venue staff are refused 403 before
   * the body is read, so they learn nothing of what the route takes. Runs
   * after authenticateRoutes' hook, which has looked the operator up.
   */
  readonly adminOnly = (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void => {
    try {
      this.admin(req);
    } catch (err) {
      return done(err as Error);
    }
    done();
  };

  requireAdmin(operator: Operator): void {
    if (operator.role !== 'admin') throw new HttpError(403, 'admin_only', 'only an admin may do this; venue staff act on their own providers');
  }

  /** An admin may act on any provider; venue staff on theirs only. */
  requireProvider(operator: Operator, providerId: string): void {
    if (operator.role === 'admin' || operator.providerIds.includes(providerId)) return;
    throw new HttpError(403, 'forbidden_provider', `this account may not act on provider ${providerId}`);
  }

  /** Whether a listing shows this provider's rows to this operator. */
  sees(operator: Operator, providerId: string | null): boolean {
    return operator.role === 'admin' || (providerId !== null && operator.providerIds.includes(providerId));
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
 * without a valid credential gets 401 and learns nothing of what the body
 * should be. /metrics takes the admin token only; /api/v1/admin/* the admin
 * token or a staff session, whose role and providers each route checks (a
 * provider named in the path is checked here as well).
 * The routes check again themselves (cheap: the operator and the station are
 * remembered per request). Added on the root instance before the route
 * plugins are registered, so that every one of them inherits it.
 */
export function authenticateRoutes(app: App, auth: Auth): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions.url ?? '';
    if (route.startsWith('/api/v1/admin/')) {
      auth
        .operator(req)
        .then((operator) => {
          // A route of one provider, by its path: venue staff of another are refused before the body is read too.
          const { providerId } = req.params as { providerId?: unknown };
          if (typeof providerId === 'string') auth.requireProvider(operator, providerId);
        })
        .then(() => done(), done);
      return;
    }
    if (route === '/metrics') {
      try {
        auth.adminToken(req);
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
