// The scan relay's memory of the payloads it issued (issued-payloads.ts): it
// knows exactly the texts it signed, forgets the oldest first when full, and a
// restarted server knows again the tickets that are still valid, so the gate's
// fast path survives a restart. On SQLite and on the local PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import { BACKENDS, testStorage, type TestStorage } from '../../common/testing/storage.js';
import { openDatabase } from '../../common/db.js';
import { bookingMigrations, type BookingDB } from '../schema.js';
import { IssuedPayloads } from './issued-payloads.js';
import type { RunningBooking } from '../server.js';
import { FAKE_SHOW, startFakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { bookingClient } from '../testing/http.js';
import { registerProvider, signUp, startTestBooking } from '../testing/setup.js';

const ADMIN = 'admin-token-for-issued-tests-0123';
const SECRET = 'fake-provider-secret-0123456789';

describe('IssuedPayloads', () => {
  it('knows exactly the texts it was given', () => {
    const issued = new IssuedPayloads(100);
    issued.remember('GP1:ABC$DEF');
    expect(issued.has('GP1:ABC$DEF')).toBe(true);
    expect(issued.has('GP1:ABC$DEG')).toBe(false);
    expect(issued.has('GP1:ABC$DE')).toBe(false);
  });

  it('drops the oldest half when full, and keeps the newer', () => {
    const issued = new IssuedPayloads(4);
    for (const t of ['a', 'b', 'c', 'd', 'e']) issued.remember(t);
    // a, b: the generation dropped when e arrived; c, d: the older kept; e: the newest.
    expect(['a', 'b', 'c', 'd', 'e'].map((t) => issued.has(t))).toEqual([false, false, true, true, true]);
    expect(issued.size).toBe(3);
  });
});

describe.each(BACKENDS)('issued payloads across a restart on $backend', ({ backend, run }) => {
  let store: TestStorage | undefined;
  let fake: FakeProvider;
  let booking: RunningBooking | undefined;
  const start = (clock: number) =>
    startTestBooking({ dataDir: store!.dir, databaseUrl: store!.databaseUrl, adminToken: ADMIN, demo: true, now: () => clock });

  beforeAll(async () => {
    if (!run) return;
    store = await testStorage(backend, 'issued');
    fake = await startFakeProvider(SECRET);
  });
  afterAll(async () => {
    await booking?.close();
    await fake?.close();
    await store?.remove();
  });

  it.runIf(run)('remembers what it issues; after a restart, the tickets still valid and not the expired', async () => {
    const before = FAKE_SHOW.startsAt - 7200;
    booking = await start(before);
    const api = bookingClient(booking.url);
    const token = await signUp(api, 'issued@example.com');
    const providerId = await registerProvider(api, ADMIN, { verifyUrl: fake.url, secret: SECRET });
    const res = await api.post<Order>('/api/v1/orders', { providerId, showId: FAKE_SHOW.showId, seats: ['A1', 'A2'], payment: { method: 'demo' } }, { token });
    expect(res.status).toBe(201);
    const payloads = res.body.tickets.map((t) => t.payload);
    expect(payloads.map((p) => booking!.ctx.issued.has(p))).toEqual([true, true]);

    await booking.close();
    booking = await start(before);
    await booking.ctx.issued.loaded;
    expect(payloads.map((p) => booking!.ctx.issued.has(p))).toEqual([true, true]);
    expect(booking.ctx.issued.size).toBe(2);

    // Past their validity: not worth memory (a scan of one is still checked, the slow way).
    await booking.close();
    booking = await start(FAKE_SHOW.endsAt + 1);
    await booking.ctx.issued.loaded;
    expect(booking.ctx.issued.size).toBe(0);
  });
});

describe.each(BACKENDS)('the start-up load, a page at a time, on $backend', ({ backend, run }) => {
  it.runIf(run)('keeps every still-valid ticket across pages that split a show, soonest-ending first, up to half the capacity', async () => {
    const store = await testStorage(backend, 'issued-pages');
    const database = await openDatabase<BookingDB>({ dataDir: store.dir, file: 'booking.sqlite', databaseUrl: store.databaseUrl, migrations: bookingMigrations(store.databaseUrl ? 'postgres' : 'sqlite') });
    try {
      const { db } = database;
      await db.insertInto('users').values({ user_id: 'u1', email: 'u1@example.com', password_hash: 'x', phone: null, created_at: 0 }).execute();
      await db.insertInto('providers').values({ provider_id: 'p1', name: 'P', verify_url: 'http://127.0.0.1:1', verify_urls: null, secret: 's', created_at: 0 }).execute();
      await db.insertInto('orders').values({ order_id: 'o1', user_id: 'u1', provider_id: 'p1', show_id: 's', seats: '[]', amount_cents: 0, currency: 'EUR', state: 'issued', payment_method: 'demo', payment_reference: null, idempotency_key: null, failure_reason: null, attempts: 1, next_attempt_at: null, created_at: 0, updated_at: 0 }).execute();
      // Three shows of seven seats: ending at 200 (the soonest), 300 and 400; and one show over at 50.
      const ends = [50, 200, 300, 400];
      const ticket = (end: number, n: number) => ({
        ticket_id: `t-${end}-${n}`, order_id: 'o1', user_id: 'u1', provider_id: 'p1', provider_ticket_id: `pt-${end}-${n}`, show_id: `s${end}`, seat_id: `A${n}`,
        seat_label: `A${n}`, title: 'T', venue: 'V', hall: 'H', starts_at: end - 10, valid_from: 0, valid_until: end, code: `c-${end}-${n}`, key_id: 1,
        payload: `GP1:payload-${end}-${n}`, share_generation: 0, share_hash: null, revoked_at: null, created_at: 0, remind_at: null,
      });
      await db.insertInto('tickets').values(ends.flatMap((end) => Array.from({ length: 7 }, (_, n) => ticket(end, n)))).execute();

      // Room for 16 (capacity 32), read 5 at a time: pages end inside a show's tickets.
      const issued = new IssuedPayloads(32);
      await issued.load(db, 100, 5);
      const held = (end: number) => Array.from({ length: 7 }, (_, n) => issued.has(`GP1:payload-${end}-${n}`)).filter(Boolean).length;
      expect(ends.map(held)).toEqual([0, 7, 7, 2]);
      expect(issued.size).toBe(16);
    } finally {
      await database.close();
      await store.remove();
    }
  });
});
