// What offline stations are sent, and for how long it is kept (station-events.ts):
// a redeemed or revoked code is in the offline bundle while its ticket can still
// be shown at a gate, and is pruned a day after its validity ended, so a new
// station's first sync and the database stay the size of what is current.
// Events recorded before validities were kept learn them on migration.
// The booking server in-process (its clock set by the test), a fake provider
// over real HTTP, on a real SQLite file and on the local PostgreSQL.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Migrator, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineBundle, Order } from '../../../protocol/booking-api.js';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { decodeGp1 } from '../../../protocol/gp1.js';
import { BACKENDS, testStorage, type TestStorage } from '../../common/testing/storage.js';
import { bookingMigrations } from '../schema.js';
import type { RunningBooking } from '../server.js';
import { LEGACY_KEEP_S, pruneStationEvents, STALE_AFTER_S } from './station-events.js';
import { FAKE_SHOW, startFakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { bookingClient, type BookingClient } from '../testing/http.js';
import { enrollStation, registerProvider, signUp, startTestBooking } from '../testing/setup.js';

const ADMIN = 'admin-token-for-event-tests-0123';
const SECRET = 'fake-provider-secret-0123456789';

describe.each(BACKENDS)('offline-bundle events on $backend', ({ backend, run }) => {
  let store: TestStorage | undefined;
  let fake: FakeProvider;
  let booking: RunningBooking | undefined;
  let api: BookingClient;
  let stationToken: string;
  let codes: { admitted: string[]; revoked: string };
  let clock = FAKE_SHOW.startsAt - 600;
  const start = async () => {
    booking = await startTestBooking({ dataDir: store!.dir, databaseUrl: store!.databaseUrl, adminToken: ADMIN, demo: true, now: () => clock });
    api = bookingClient(booking.url);
  };
  const bundle = async () => {
    const res = await api.get<OfflineBundle>('/api/v1/station/offline-bundle', { token: stationToken });
    expect(res.status, res.text).toBe(200);
    return { redeemed: res.body.redeemed.map((r) => r.code).sort(), revoked: res.body.revoked.sort() };
  };
  const validities = async () =>
    Object.fromEntries((await booking!.ctx.db.selectFrom('station_events').select(['code', 'valid_until']).execute()).map((r) => [r.code, r.valid_until]));
  /** A table's columns, read while no server has the database open. */
  const columnsOf = async (table: string): Promise<string[]> => {
    if (store!.databaseUrl) {
      const client = new pg.Client({ connectionString: store!.databaseUrl });
      await client.connect();
      const { rows } = await client.query<{ column_name: string }>('select column_name from information_schema.columns where table_name = $1', [table]);
      await client.end();
      return rows.map((r) => r.column_name);
    }
    const db = new Database(join(store!.dir, 'booking.sqlite'));
    const rows = db.prepare(`pragma table_info(${table})`).all() as { name: string }[];
    db.close();
    return rows.map((r) => r.name);
  };

  beforeAll(async () => {
    if (!run) return;
    store = await testStorage(backend, 'events');
    fake = await startFakeProvider(SECRET);
    await start();
    const token = await signUp(api, 'events@example.com');
    const providerId = await registerProvider(api, ADMIN, { verifyUrl: fake.url, secret: SECRET });
    stationToken = await enrollStation(api, ADMIN, providerId, 'North Door');

    const ordered = await api.post<Order>('/api/v1/orders', { providerId, showId: FAKE_SHOW.showId, seats: ['A1', 'A2', 'A3'], payment: { method: 'demo' } }, { token });
    expect(ordered.status, ordered.text).toBe(201);
    const [t1, t2, t3] = ordered.body.tickets;
    const codeOf = (payload: string) => (decodeGp1(payload) as { body: { code: string } }).body.code;
    for (const [i, t] of [t1!, t2!].entries()) {
      const v = await api.post<ScanVerdict>('/api/v1/station/scan', { payload: t.payload, providerId, scanId: `s-${i}`, source: 'test' }, { token: stationToken });
      expect(v.body.result).toBe('admitted');
    }
    expect((await api.post(`/api/v1/admin/tickets/${t3!.ticketId}/revoke`, undefined, { token: ADMIN })).status).toBe(200);
    codes = { admitted: [codeOf(t1!.payload), codeOf(t2!.payload)].sort(), revoked: codeOf(t3!.payload) };
  });
  afterAll(async () => {
    await booking?.close();
    await fake?.close();
    await store?.remove();
  });

  it.runIf(run)('keeps each event with its ticket’s validity end, also those recorded before it was kept', async () => {
    await bundle(); // flushes the admissions to the table
    const expected = { [codes.admitted[0]!]: FAKE_SHOW.endsAt, [codes.admitted[1]!]: FAKE_SHOW.endsAt, [codes.revoked]: FAKE_SHOW.endsAt };
    expect(await validities()).toEqual(expected);

    // The database as the version before it left it: migrated back to 003, then started again.
    const migrator = new Migrator({ db: booking!.ctx.db as Kysely<unknown>, provider: { getMigrations: async () => bookingMigrations(backend) } });
    const { error } = await migrator.migrateTo('003_reminder_lead');
    expect(error).toBeUndefined();
    await booking!.close();
    expect(await columnsOf('station_events')).not.toContain('valid_until');
    await start();
    expect(await validities()).toEqual(expected);
  });

  it.runIf(run)('sends events while their tickets can be shown, and prunes them a day after', async () => {
    const all = { redeemed: codes.admitted, revoked: [codes.revoked] };
    expect(await bundle()).toEqual(all);
    // The show is over, but a station whose clock lags may still take the ticket for valid.
    clock = FAKE_SHOW.endsAt + STALE_AFTER_S - 60;
    expect(await bundle()).toEqual(all);
    expect(await pruneStationEvents(booking!.ctx, clock)).toBe(0);

    // Beside them: an event of a ticket valid for a while yet, and two recorded before
    // validities were kept, of a ticket not issued here: one recent, one long past.
    const db = booking!.ctx.db;
    clock = FAKE_SHOW.endsAt + STALE_AFTER_S + 60;
    const row = (code: string, at: number, validUntil: number | null) => ({
      provider_id: 'p_other',
      kind: 'redeemed' as const,
      code,
      at,
      gate: 'East',
      recorded_at: at,
      valid_until: validUntil,
    });
    await db
      .insertInto('station_events')
      .values([row('c'.repeat(32), clock - 60, clock + 3600), row('d'.repeat(32), clock - 3600, null), row('e'.repeat(32), clock - LEGACY_KEEP_S - 60, null)])
      .execute();

    // A day after the validity ended: no longer sent, and gone from the table.
    expect(await bundle()).toEqual({ redeemed: [], revoked: [] });
    expect(await pruneStationEvents(booking!.ctx, clock)).toBe(4);
    expect(Object.keys(await validities()).sort()).toEqual(['c'.repeat(32), 'd'.repeat(32)]);
  });
});
