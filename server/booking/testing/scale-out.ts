// Test support: Gatepost scaled out the way the README's "Several processes"
// describes it — two real `gatepost booking` processes on one PostgreSQL
// database, two real `gatepost provider` instances on another, one booking
// secret, the provider registered once with both instances (`verifyUrls`).
// Every booking process trusts 127.0.0.1 as its proxy, so a test names the
// client's address in X-Forwarded-For, as a load balancer would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseScanText } from '../../../protocol/gp1.js';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { createTestDatabase, type TestDatabase } from '../../common/testing/postgres.js';
import { SESSION_TTL_S } from '../auth.js';
import { newId, newToken, sha256 } from '../secrets.js';
import { bookingClient, type BookingClient } from './http.js';

export const SCALE_OUT_ADMIN = 'scale-out-admin-token-0123456789';
export const SCALE_OUT_SECRET = 'scale-out-provider-secret-0123456789';

export interface ScaleOut {
  /** the two booking processes, and a client of each */
  bookings: [RunningCommand, RunningCommand];
  apis: [BookingClient, BookingClient];
  /** the provider's two instances */
  providers: [RunningCommand, RunningCommand];
  /** connections to the booking and the provider databases, to check what was stored */
  bookingDb: pg.Client;
  providerDb: pg.Client;
  /** the provider's ID, registered once with both instances */
  providerId: string;
  stop(): Promise<void>;
}

/** Starts everything and registers the provider through the first booking process. */
export async function startScaleOut(): Promise<ScaleOut> {
  const dirs: string[] = [];
  const running: RunningCommand[] = [];
  const databases: TestDatabase[] = [];
  const clients: pg.Client[] = [];
  const stop = async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await Promise.all(running.map((r) => r.stop()));
    await Promise.all(databases.map((d) => d.drop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    const [bookingPg, providerPg] = await Promise.all([createTestDatabase('gp_scale_booking'), createTestDatabase('gp_scale_provider')]);
    databases.push(bookingPg, providerPg);
    // Secrets by environment, as the README advises (a command line is readable by any local user).
    const start = async (args: string[], env: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), `gp-scale-${args[0]}-`));
      dirs.push(dir);
      const started = await startGatepost([...args, '--port', '0', '--data', dir], env, 90_000);
      running.push(started);
      return started;
    };
    const provider = (demo: boolean) => start(['provider', ...(demo ? ['--demo'] : [])], { DATABASE_URL: providerPg.url, GATEPOST_BOOKING_SECRET: SCALE_OUT_SECRET });
    const booking = () => start(['booking', '--demo', '--trust-proxy', '127.0.0.1'], { DATABASE_URL: bookingPg.url, GATEPOST_ADMIN_TOKEN: SCALE_OUT_ADMIN });
    // Within each database one after the other: the first process makes the tables (and the provider's programme).
    const [providers, bookings] = await Promise.all([
      (async () => [await provider(true), await provider(false)] as [RunningCommand, RunningCommand])(),
      (async () => [await booking(), await booking()] as [RunningCommand, RunningCommand])(),
    ]);
    const bookingDb = new pg.Client({ connectionString: bookingPg.url });
    const providerDb = new pg.Client({ connectionString: providerPg.url });
    clients.push(bookingDb, providerDb);
    await Promise.all([bookingDb.connect(), providerDb.connect()]);

    const apis: [BookingClient, BookingClient] = [bookingClient(bookings[0].url), bookingClient(bookings[1].url)];
    const registered = await apis[0].post<{ providerId: string }>(
      '/api/v1/admin/providers',
      { name: 'Scaled Cinema', verifyUrls: providers.map((p) => p.url), secret: SCALE_OUT_SECRET },
      { token: SCALE_OUT_ADMIN },
    );
    if (registered.status !== 201) throw new Error(`registering the provider: ${registered.status} ${registered.text}`);
    return { bookings, apis, providers, bookingDb, providerDb, providerId: registered.body.providerId, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A new customer signing up from `address` (the sign-up limit is per address); their session token. */
export async function signUpFrom(api: BookingClient, email: string, address: string): Promise<string> {
  const res = await api.post<{ token: string }>('/api/v1/users', { email, password: 'a long enough password' }, { headers: { 'x-forwarded-for': address } });
  if (res.status !== 201) throw new Error(`sign-up of ${email}: ${res.status} ${res.text}`);
  return res.body.token;
}

/**
 * `count` customers with a session each, written straight into the booking
 * database beside `like`, an account signed up through the API, whose password
 * hash they share. Each sign-up through the API costs a full scrypt (128 MiB,
 * seconds on a busy two-core machine, two at a time per process); what a test
 * of many customers needs is many sessions, and a session is a row.
 */
export async function customersInDatabase(bookingDb: pg.Client, like: string, count: number): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const userId = newId('u');
    const token = newToken('us');
    await bookingDb.query(
      `insert into users (user_id, email, password_hash, created_at) select $1, $2, password_hash, $3 from users where email = $4`,
      [userId, `customer-${i}-${userId}@example.com`, now, like],
    );
    await bookingDb.query(`insert into sessions (token_hash, user_id, created_at, expires_at) values ($1, $2, $3, $4)`, [sha256(token), userId, now, now + SESSION_TTL_S]);
    tokens.push(token);
  }
  return tokens;
}

/** A station created and enrolled through `api`; its gate and token. */
export async function enrollAt(api: BookingClient, providerId: string, gate: string): Promise<{ gate: string; token: string }> {
  const created = await api.post<{ enrollment: string }>('/api/v1/admin/stations', { providerId, gate }, { token: SCALE_OUT_ADMIN });
  if (created.status !== 201) throw new Error(`creating a station at ${gate}: ${created.status} ${created.text}`);
  const enrolled = await api.post<{ token: string }>('/api/v1/station/enroll', { enrollment: created.body.enrollment });
  if (enrolled.status !== 200) throw new Error(`enrolling the station at ${gate}: ${enrolled.status} ${enrolled.text}`);
  return { gate, token: enrolled.body.token };
}

/** The provider's code (32 hex digits) in a ticket's GP1 payload. */
export function codeOf(payload: string): string {
  const parsed = parseScanText(payload);
  if (parsed.kind !== 'gp1') throw new Error('a sold ticket whose payload is not a GP1');
  return parsed.decoded.body.code;
}
