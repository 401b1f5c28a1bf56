// The scan relay's memory of the payloads it issued (issued-payloads.ts): it
// knows exactly the texts it signed, forgets the oldest first when full, and a
// restarted server knows again the tickets that are still valid, so the gate's
// fast path survives a restart. On SQLite and on the local PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import { BACKENDS, testStorage, type TestStorage } from '../../common/testing/storage.js';
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
    expect(payloads.map((p) => booking!.ctx.issued.has(p))).toEqual([true, true]);
    expect(booking.ctx.issued.size).toBe(2);

    // Past their validity: not worth memory (a scan of one is still checked, the slow way).
    await booking.close();
    booking = await start(FAKE_SHOW.endsAt + 1);
    expect(booking.ctx.issued.size).toBe(0);
  });
});
