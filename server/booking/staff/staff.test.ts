// Staff accounts against a real booking server on loopback, with two fake
// verification servers (providers A and B), on SQLite and on PostgreSQL: what
// an admin may do, what venue staff of A may do (A's stations, tickets and
// log, nothing of B's), sign-in limits, sign-out and deleted accounts, the
// audit log, and that no password, hash, token or provider secret comes out
// of a response or the log.
import { randomBytes, scryptSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, testStorage, type TestStorage } from '../../common/testing/storage.js';
import { loggerOptions } from '../../common/logger.js';
import { SIGN_IN_LIMITS } from '../accounts/sign-in.js';
import { FAKE_SHOW, startFakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { bookingClient, type BookingClient, type CallOptions, type Reply } from '../testing/http.js';
import { registerProvider, signUp, startTestBooking } from '../testing/setup.js';
import type { RunningBooking } from '../server.js';

const ADMIN = 'staff-test-admin-token-0123456789';
const SECRET_A = 'provider-a-secret-0123456789';
const SECRET_B = 'provider-b-secret-0123456789';
const PASSWORD = 'a staff password 42';

interface Me {
  staffId: string | null;
  email: string | null;
  role: string;
  providerIds: string[];
}
interface AuditEntry {
  auditId: number;
  actor: string;
  action: string;
  providerId: string | null;
  target: string | null;
  details: Record<string, unknown>;
}

// Every staff account and sign-in costs a real scrypt at full cost (a second or more on a busy machine).
describe.each(BACKENDS)('staff on $backend', { timeout: 240_000 }, ({ backend, run }) => {
  let store: TestStorage | undefined;
  let providerA: FakeProvider;
  let providerB: FakeProvider;
  let booking: RunningBooking;
  let http: BookingClient;
  let idA: string;
  let idB: string;
  const log: string[] = [];
  /** every answer but a sign-in's (which shows its token once) */
  const answers: string[] = [];
  const secrets: string[] = [ADMIN, SECRET_A, SECRET_B, PASSWORD];
  /** enrollment codes: in the answer that creates them, never in the log */
  const shownOnce: string[] = [];
  let seq = 0;

  const call = async <T>(method: string, path: string, opts: CallOptions = {}): Promise<Reply<T>> => {
    const res = await http.call<T>(method, path, opts);
    answers.push(res.text);
    return res;
  };
  const signIn = async (email: string, password = PASSWORD) => {
    const res = await http.post<{ token: string; staff: Me; error?: string }>('/api/v1/staff/sessions', { email, password });
    if (res.status === 200) {
      secrets.push(res.body.token);
      answers.push(JSON.stringify(res.body.staff));
    } else answers.push(res.text);
    return res;
  };
  const createStaff = async (token: string, body: object) => call<{ staffId: string; error?: string }>('POST', '/api/v1/admin/staff', { token, body });
  const newEmail = (who: string) => `${who}${++seq}@venue.example`;
  const createStation = (token: string, providerId: string, gate: string) =>
    call<{ stationId: string; enrollment: string; error?: string }>('POST', '/api/v1/admin/stations', { token, body: { providerId, gate } });
  const audit = (token: string, query = '') => call<{ entries: AuditEntry[]; error?: string }>('GET', `/api/v1/admin/audit${query}`, { token });

  /** An admin staff session and a venue staff session for provider A, each on a fresh account. */
  const sessions = async () => {
    const adminEmail = newEmail('admin');
    expect((await createStaff(ADMIN, { email: adminEmail, password: PASSWORD, role: 'admin', providerIds: [idB] })).status).toBe(201);
    const admin = await signIn(adminEmail);
    expect(admin.status, admin.text).toBe(200);
    const venueEmail = newEmail('venue-a');
    const created = await createStaff(admin.body.token, { email: venueEmail, password: PASSWORD, role: 'venue', providerIds: [idA] });
    expect(created.status, created.text).toBe(201);
    const venue = await signIn(venueEmail.toUpperCase());
    expect(venue.status, venue.text).toBe(200);
    return { admin: { email: adminEmail, token: admin.body.token }, venue: { email: venueEmail, token: venue.body.token, staffId: created.body.staffId } };
  };

  beforeAll(async () => {
    if (!run) return;
    store = await testStorage(backend, 'staff');
    providerA = await startFakeProvider(SECRET_A);
    providerB = await startFakeProvider(SECRET_B);
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        log.push(chunk.toString('utf8'));
        done();
      },
    });
    booking = await startTestBooking({
      dataDir: store.dir,
      databaseUrl: store.databaseUrl,
      adminToken: ADMIN,
      demo: true,
      logger: { ...loggerOptions('gatepost-booking'), level: 'info', stream },
    });
    http = bookingClient(booking.url);
    idA = await registerProvider(http, ADMIN, { verifyUrl: providerA.url, secret: SECRET_A, name: 'Cinema A' });
    idB = await registerProvider(http, ADMIN, { verifyUrl: providerB.url, secret: SECRET_B, name: 'Cinema B' });
  });
  afterAll(async () => {
    await booking?.close();
    await providerA?.close();
    await providerB?.close();
    await store?.remove();
  });

  it.runIf(run)('lets an admin session create staff and a venue session not; the console learns who is signed in', async () => {
    const { admin, venue } = await sessions();
    // /me for a staff session, for venue staff, and for the admin token (a console signed in with it).
    expect((await call<Me>('GET', '/api/v1/staff/me', { token: admin.token })).body).toEqual({ staffId: expect.stringMatching(/^sf_/), email: admin.email, role: 'admin', providerIds: [] });
    expect((await call<Me>('GET', '/api/v1/staff/me', { token: venue.token })).body).toEqual({ staffId: venue.staffId, email: venue.email, role: 'venue', providerIds: [idA] });
    expect((await call<Me>('GET', '/api/v1/staff/me', { token: ADMIN })).body).toEqual({ staffId: null, email: null, role: 'admin', providerIds: [] });
    expect((await call('GET', '/api/v1/staff/me')).status).toBe(401);
    // Metrics take the admin token, never a staff session.
    expect((await call('GET', '/metrics', { token: admin.token })).status).toBe(401);
    expect((await call('GET', '/metrics', { token: ADMIN })).status).toBe(200);
    // /docs lists the staff API under its own tag.
    const docs = await call<{ paths: Record<string, Record<string, { tags?: string[] }>> }>('GET', '/docs/json');
    for (const path of ['/api/v1/admin/staff', '/api/v1/admin/staff/{staffId}', '/api/v1/staff/sessions', '/api/v1/staff/me', '/api/v1/admin/audit']) {
      expect(Object.values(docs.body.paths[path] ?? {}).map((op) => op.tags)).toContainEqual(['staff']);
    }

    const refused = await createStaff(venue.token, { email: newEmail('x'), password: PASSWORD, role: 'venue', providerIds: [idA] });
    expect(refused).toMatchObject({ status: 403, body: { error: 'admin_only' } });
    expect((await call('GET', '/api/v1/admin/staff', { token: venue.token })).body).toMatchObject({ error: 'admin_only' });
    expect((await call('DELETE', `/api/v1/admin/staff/${venue.staffId}`, { token: venue.token })).status).toBe(403);

    // Without a valid credential the body is never looked at: 401, not 400.
    for (const token of [undefined, 'ss_forged', 'wrong-admin-token-0123456789']) {
      expect((await call('POST', '/api/v1/admin/staff', { token, raw: '{not json' })).body).toMatchObject({ error: 'unauthorized' });
    }
    expect((await createStaff(admin.token, { email: venue.email, password: PASSWORD, role: 'admin' })).body).toMatchObject({ error: 'email_taken' });
    expect((await createStaff(admin.token, { email: newEmail('x'), password: PASSWORD, role: 'venue' })).status).toBe(400);
    expect((await createStaff(admin.token, { email: newEmail('x'), password: PASSWORD, role: 'venue', providerIds: ['p_none'] })).body).toMatchObject({ error: 'unknown_provider' });

    const listed = await call<{ staff: { email: string; role: string; providerIds: string[] }[] }>('GET', '/api/v1/admin/staff', { token: admin.token });
    // An admin keeps no providers, whatever was asked.
    expect(listed.body.staff).toEqual(
      expect.arrayContaining([
        { staffId: expect.any(String), email: admin.email, role: 'admin', providerIds: [], createdAt: expect.any(Number) },
        { staffId: venue.staffId, email: venue.email, role: 'venue', providerIds: [idA], createdAt: expect.any(Number) },
      ]),
    );
  });

  it.runIf(run)('keeps venue staff of A to A: its stations, tickets, providers and log', async () => {
    const { venue } = await sessions();
    // B's station and ticket, made by the admin; one of A's too.
    const stationB = await createStation(ADMIN, idB, 'B door');
    expect(stationB.status).toBe(201);
    shownOnce.push(stationB.body.enrollment);
    const customer = await signUp(http, newEmail('customer'), PASSWORD);
    secrets.push(customer);
    const buy = async (providerId: string, seat: string) => {
      const res = await call<{ tickets: { ticketId: string }[] }>('POST', '/api/v1/orders', { token: customer, body: { providerId, showId: FAKE_SHOW.showId, seats: [seat], payment: { method: 'demo' } } });
      expect(res.status, res.text).toBe(201);
      return res.body.tickets[0]!.ticketId;
    };
    const ticketA = await buy(idA, `A${seq}`);
    const ticketB = await buy(idB, `A${seq}`);

    const providers = await call<{ providers: { providerId: string }[] }>('GET', '/api/v1/admin/providers', { token: venue.token });
    expect(providers.body.providers.map((p) => p.providerId)).toEqual([idA]);
    expect((await call<{ providers: unknown[] }>('GET', '/api/v1/admin/providers', { token: ADMIN })).body.providers).toHaveLength(2);

    const own = await createStation(venue.token, idA, 'A door');
    expect(own.status, own.text).toBe(201);
    shownOnce.push(own.body.enrollment);
    expect((await createStation(venue.token, idB, 'sneaky')).body).toMatchObject({ error: 'forbidden_provider' });
    const stations = await call<{ stations: { stationId: string; providerId: string }[] }>('GET', '/api/v1/admin/stations', { token: venue.token });
    expect(stations.body.stations.map((s) => s.providerId)).toEqual(expect.arrayContaining([idA]));
    expect(stations.body.stations.some((s) => s.providerId !== idA)).toBe(false);
    expect((await call('POST', `/api/v1/admin/stations/${stationB.body.stationId}/enrollment`, { token: venue.token })).body).toMatchObject({ error: 'forbidden_provider' });
    expect((await call('DELETE', `/api/v1/admin/stations/${stationB.body.stationId}`, { token: venue.token })).status).toBe(403);
    const renewed = await call<{ enrollment: string }>('POST', `/api/v1/admin/stations/${own.body.stationId}/enrollment`, { token: venue.token });
    expect(renewed.status).toBe(201);
    shownOnce.push(renewed.body.enrollment);

    expect((await call('POST', `/api/v1/admin/tickets/${ticketB}/revoke`, { token: venue.token })).body).toMatchObject({ error: 'forbidden_provider' });
    expect((await call('POST', `/api/v1/admin/tickets/${ticketA}/revoke`, { token: venue.token })).status).toBe(200);

    // Admin-only routes: registering and changing providers, keys.
    expect((await call('POST', '/api/v1/admin/providers', { token: venue.token, body: { name: 'Mine', verifyUrl: providerA.url, secret: SECRET_A } })).body).toMatchObject({ error: 'admin_only' });
    expect((await call('PATCH', `/api/v1/admin/providers/${idA}`, { token: venue.token, body: { name: 'Renamed' } })).body).toMatchObject({ error: 'admin_only' });
    expect((await call('POST', '/api/v1/admin/keys', { token: venue.token })).body).toMatchObject({ error: 'admin_only' });
    // Refused before the body is read: venue staff learn nothing of what an admin route takes.
    const adminOnly = [['POST', '/api/v1/admin/providers'], ['PATCH', `/api/v1/admin/providers/${idA}`], ['POST', '/api/v1/admin/staff'], ['PATCH', `/api/v1/admin/staff/${venue.staffId}`], ['POST', '/api/v1/admin/keys/1/retire']] as const;
    for (const [method, path] of adminOnly) {
      for (const body of [{ raw: '{not json' }, { body: { name: 7, verifyUrl: 'ftp://x', role: 'root' } }]) {
        expect((await call(method, path, { token: venue.token, ...body })).body, `${method} ${path}`).toMatchObject({ error: 'admin_only' });
      }
    }
    // Metrics take the admin token only.
    expect((await call('GET', '/metrics', { token: venue.token })).status).toBe(401);

    expect((await audit(venue.token, `?providerId=${idB}`)).body).toMatchObject({ error: 'forbidden_provider' });
    const mine = await audit(venue.token);
    expect(mine.body.entries.length).toBeGreaterThan(0);
    expect(mine.body.entries.every((e) => e.providerId === idA)).toBe(true);
    expect(mine.body.entries.slice(0, 3).map((e) => [e.action, e.actor, e.target])).toEqual([
      ['ticket.revoke', venue.email, ticketA],
      ['station.enrollment', venue.email, own.body.stationId],
      ['station.create', venue.email, own.body.stationId],
    ]);
  });

  it.runIf(run)('shows in the audit log who did what, newest first, page by page', async () => {
    const { admin, venue } = await sessions();
    const station = await createStation(venue.token, idA, 'Side door');
    shownOnce.push(station.body.enrollment);
    expect((await call('PATCH', `/api/v1/admin/providers/${idB}`, { token: admin.token, body: { name: 'Cinema B', secret: SECRET_B } })).status).toBe(200);

    const page = await audit(admin.token, '?limit=5');
    expect(page.body.entries.map((e) => [e.action, e.actor, e.providerId])).toEqual([
      ['provider.update', admin.email, idB],
      ['station.create', venue.email, idA],
      ['staff.sign_in', venue.email, null],
      ['staff.create', admin.email, null],
      ['staff.sign_in', admin.email, null],
    ]);
    expect(page.body.entries[0]!.details).toEqual({ changed: ['name', 'secret'], name: 'Cinema B' });
    expect(page.body.entries[3]!.details).toEqual({ email: venue.email, role: 'venue', providerIds: [idA] });
    const next = await audit(admin.token, `?limit=2&before=${page.body.entries[4]!.auditId}`);
    expect(next.body.entries.map((e) => [e.action, e.actor])).toEqual([['staff.create', 'admin token'], expect.any(Array)]);
    const all = await audit(ADMIN, '?limit=500');
    expect(all.body.entries.filter((e) => e.action === 'provider.register').map((e) => [e.actor, e.providerId])).toEqual([
      ['admin token', idB],
      ['admin token', idA],
    ]);
    expect((await audit(ADMIN, `?providerId=${idB}`)).body.entries.every((e) => e.providerId === idB)).toBe(true);
    expect((await audit(ADMIN, '?limit=0')).status).toBe(400);
  });

  it.runIf(run)('refuses a wrong password, then every try once over the limit; ends the sessions of a deleted account', async () => {
    const { admin, venue } = await sessions();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccountAddress.free; i++) {
      expect((await signIn(venue.email, `guess ${i}`)).body).toMatchObject({ error: 'bad_credentials' });
    }
    const limited = await signIn(venue.email, PASSWORD);
    expect(limited).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Every attempt is logged, with its outcome.
    const attempts = log.filter((l) => l.includes('staff sign-in refused') && l.includes(venue.email));
    expect(attempts.filter((l) => l.includes('"outcome":"bad_credentials"'))).toHaveLength(SIGN_IN_LIMITS.perAccountAddress.free);
    expect(attempts.filter((l) => l.includes('"outcome":"rate_limited"'))).toHaveLength(1);

    // The session already open still works, until the account is deleted.
    expect((await call('GET', '/api/v1/admin/stations', { token: venue.token })).status).toBe(200);
    expect((await call('DELETE', `/api/v1/admin/staff/${venue.staffId}`, { token: admin.token })).status).toBe(204);
    expect((await call('GET', '/api/v1/admin/stations', { token: venue.token })).body).toMatchObject({ error: 'unauthorized' });
    expect((await call('GET', '/api/v1/staff/me', { token: venue.token })).status).toBe(401);
    expect((await call('DELETE', `/api/v1/admin/staff/${venue.staffId}`, { token: admin.token })).body).toMatchObject({ error: 'unknown_staff' });

    // Signing out ends that session; a new password ends every other.
    const other = await signIn(admin.email);
    expect((await call('DELETE', '/api/v1/staff/sessions', { token: admin.token })).status).toBe(204);
    expect((await call('GET', '/api/v1/staff/me', { token: admin.token })).status).toBe(401);
    const adminId = (await call<Me>('GET', '/api/v1/staff/me', { token: other.body.token })).body.staffId!;
    const changed = await call('PATCH', `/api/v1/admin/staff/${adminId}`, { token: ADMIN, body: { password: 'a new staff password' } });
    expect(changed.status, changed.text).toBe(200);
    secrets.push('a new staff password');
    expect((await call('GET', '/api/v1/staff/me', { token: other.body.token })).status).toBe(401);
    expect((await signIn(admin.email, 'a new staff password')).status).toBe(200);
  });

  it.runIf(run)('signs staff in with a hash made at an older cost, and stores it again at today’s', async () => {
    const email = newEmail('older');
    const created = await createStaff(ADMIN, { email, password: PASSWORD, role: 'admin' });
    const salt = randomBytes(16);
    const older = ['scrypt', 1 << 14, 8, 1, salt.toString('base64url'), scryptSync(PASSWORD, salt, 32, { N: 1 << 14, r: 8, p: 1 }).toString('base64url')].join('$');
    const { db } = booking.ctx;
    await db.updateTable('staff').set({ password_hash: older }).where('staff_id', '=', created.body.staffId).execute();
    expect((await signIn(email)).status).toBe(200);
    const stored = await db.selectFrom('staff').select('password_hash').where('staff_id', '=', created.body.staffId).executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await signIn(email)).status).toBe(200);
  });

  it.runIf(run)('never shows a password, its hash, a token or a provider secret in an answer or the log', () => {
    expect(answers.length).toBeGreaterThan(50);
    const everything = [...answers, ...log].join('\n');
    expect(everything).not.toMatch(/scrypt\$/);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    for (const code of shownOnce) expect(log.join('\n')).not.toContain(code);
    expect(log.join('\n')).toContain('staff signed in');
  });
});
