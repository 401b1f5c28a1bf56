// Venue IT changes a registered provider under the same provider ID — every
// ticket sold carries that ID, so re-registering is no way to move a server or
// change its secret. Real booking and provider processes over HTTP, a second
// booking server on the same database (in this process, with a set clock),
// on SQLite and on the local PostgreSQL.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, ProviderDetails } from '../../../protocol/booking-api.js';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { BACKENDS, testStorage, type TestStorage } from '../../common/testing/storage.js';
import { providerRequestsServed } from '../../common/testing/requests-served.js';
import { signedClient } from '../../common/testing/signed-client.js';
import { REFRESH_S } from './registry.js';
import type { RunningBooking } from '../server.js';
import { bookingClient, type BookingClient } from '../testing/http.js';
import { enrollStation, registerProvider, signUp, startTestBooking } from '../testing/setup.js';

const ADMIN = 'updates-admin-token-0123456789';
const OLD_SECRET = 'the-first-shared-secret-0123456789';
const NEW_SECRET = 'the-second-shared-secret-9876543210';

describe.each(BACKENDS)('changing a provider on $backend', ({ backend, run }) => {
  let store: TestStorage | undefined;
  let providerData: string;
  let provider: RunningCommand;
  let booking: RunningCommand;
  /** a second booking server on the same database, with its own clock */
  let other: RunningBooking;
  let clock = Math.floor(Date.now() / 1000);
  let api: BookingClient;
  let otherApi: BookingClient;
  let providerId: string;
  let station: string;
  let tickets: Order['tickets'];
  let next = 0;

  const startProvider = async (...secrets: string[]) => {
    const args = ['provider', '--port', '0', '--data', providerData, '--booking-secret', secrets[0]!, '--demo'];
    if (secrets[1]) args.push('--previous-booking-secret', secrets[1]);
    provider = await startGatepost(args, { DATABASE_URL: '' });
  };
  /** Scans the next unused ticket through one of the booking servers. */
  const scanNext = async (through: BookingClient = api) => {
    const ticket = tickets[next++]!;
    const res = await through.post<ScanVerdict>('/api/v1/station/scan', { payload: ticket.payload, providerId, scanId: `s-${next}`, source: 'test' }, { token: station });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  const patch = (body: unknown, id = providerId, token: string | null = ADMIN) =>
    api.call<ProviderDetails & { error?: string }>('PATCH', `/api/v1/admin/providers/${id}`, { body, token: token ?? undefined });

  beforeAll(async () => {
    if (!run) return;
    store = await testStorage(backend, 'updates');
    providerData = join(store.dir, 'provider');
    const bookingData = join(store.dir, 'booking');
    await startProvider(OLD_SECRET);
    booking = await startGatepost(['booking', '--port', '0', '--data', bookingData, '--admin-token', ADMIN, '--demo'], { DATABASE_URL: store.databaseUrl ?? '' });
    api = bookingClient(booking.url);
    providerId = await registerProvider(api, ADMIN, { name: 'Riverside Cinema', verifyUrl: provider.url, secret: OLD_SECRET });
    const token = await signUp(api, 'it@example.com', 'a long enough password');
    tickets = [];
    for (const row of ['J', 'I']) {
      const seats = Array.from({ length: 12 }, (_, i) => `${row}${i + 1}`);
      const ordered = await api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats, payment: { method: 'demo' } }, { token });
      expect(ordered.status, ordered.text).toBe(201);
      tickets.push(...ordered.body.tickets);
    }
    station = await enrollStation(api, ADMIN, providerId, 'Main Door');

    other = await startTestBooking({ dataDir: bookingData, databaseUrl: store.databaseUrl, adminToken: ADMIN, now: () => clock });
    otherApi = bookingClient(other.url);
    // Both booking servers know the provider at its first address.
    expect((await scanNext()).result).toBe('admitted');
    expect((await scanNext(otherApi)).result).toBe('admitted');
  }, 90_000);

  afterAll(async () => {
    await other?.close();
    await Promise.all([booking?.stop(), provider?.stop()]);
    await store?.remove();
  });

  it.runIf(run)('lists providers for venue IT with their address and batching, never their secret', async () => {
    expect((await api.get('/api/v1/admin/providers')).status).toBe(401);
    const res = await api.get<{ providers: ProviderDetails[] }>('/api/v1/admin/providers', { token: ADMIN });
    expect(res.status, res.text).toBe(200);
    expect(res.body.providers).toEqual([{ providerId, name: 'Riverside Cinema', verifyUrl: provider.url, verifyUrls: [provider.url], batchScans: true, cancelCutoffMinutes: 120, timeZone: null, timeZoneInUse: expect.any(String), createdAt: expect.any(Number) }]);
    expect(res.text).not.toContain(OLD_SECRET);
  });

  it.runIf(run)('refuses changes it cannot make, with a reason, and changes nothing', async () => {
    expect((await patch({ name: 'X' }, providerId, null)).status).toBe(401);
    const unknown = await patch({ name: 'X' }, 'p_nosuchprovider');
    expect([unknown.status, unknown.body.error]).toEqual([404, 'unknown_provider']);
    for (const body of [{}, { colour: 'red' }, { verifyUrl: 'http://user:pw@10.0.0.9:7701' }, { verifyUrl: 'ftp://10.0.0.9' }, { secret: 'short' }, { batchScans: 'no' }]) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toEqual(expect.any(String));
    }
    const listed = await api.get<{ providers: ProviderDetails[] }>('/api/v1/admin/providers', { token: ADMIN });
    expect(listed.body.providers[0]).toMatchObject({ name: 'Riverside Cinema', verifyUrl: provider.url, batchScans: true });
  });

  it.runIf(run)('moves a provider to a new address: tickets already sold are admitted there, by both booking servers', async () => {
    // The venue moves its verification server: same data, a new address.
    await provider.stop();
    await startProvider(OLD_SECRET);
    expect(await scanNext()).toEqual({ result: 'rejected', reason: 'provider_unavailable' });

    const res = await patch({ verifyUrl: `${provider.url}/` });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ providerId, name: 'Riverside Cinema', verifyUrl: provider.url, batchScans: true });
    expect((await scanNext()).result).toBe('admitted');
    // The other booking server checks its record at most every REFRESH_S.
    clock += REFRESH_S;
    expect((await scanNext(otherApi)).result).toBe('admitted');
    // The provider ID is unchanged, and so is the name the customer sees.
    expect((await api.get<{ providers: { providerId: string; name: string }[] }>('/api/v1/providers')).body.providers).toEqual([{ providerId, name: 'Riverside Cinema' }]);
  });

  it.runIf(run)('changes the shared secret without a refused scan, the old one accepted meanwhile', async () => {
    // 1. The verification server learns the new secret and still takes the old one.
    await provider.stop();
    await startProvider(NEW_SECRET, OLD_SECRET);
    const moved = await patch({ verifyUrl: provider.url });
    expect(moved.status, moved.text).toBe(200);
    clock += REFRESH_S;
    expect((await scanNext()).result).toBe('admitted');
    expect((await scanNext(otherApi)).result).toBe('admitted');
    // 2. The booking servers switch to the new secret.
    const res = await patch({ secret: NEW_SECRET });
    expect(res.status, res.text).toBe(200);
    expect(res.text).not.toContain(NEW_SECRET);
    expect((await scanNext()).result).toBe('admitted');
    clock += REFRESH_S;
    expect((await scanNext(otherApi)).result).toBe('admitted');
    // 3. The old secret is retired: signed with it, nothing is accepted any more.
    await provider.stop();
    await startProvider(NEW_SECRET);
    expect((await patch({ verifyUrl: provider.url })).status).toBe(200);
    clock += REFRESH_S;
    expect((await scanNext()).result).toBe('admitted');
    expect((await scanNext(otherApi)).result).toBe('admitted');
    expect((await signedClient(provider.url, NEW_SECRET).get('/metrics')).status).toBe(200);
    const old = await signedClient(provider.url, OLD_SECRET).get<{ error: string }>('/metrics');
    expect([old.status, old.body.error]).toEqual([401, 'signature_mismatch']);
  });

  it.runIf(run)('turns batching off: scans that arrive together then go one verify each', async () => {
    const res = await patch({ batchScans: false });
    expect(res.status, res.text).toBe(200);
    expect(res.body.batchScans).toBe(false);
    const before = await providerRequestsServed(provider.url, NEW_SECRET);
    const batch = tickets.slice(next, next + 12);
    next += batch.length;
    const verdicts = await Promise.all(
      batch.map(async (t, i) => (await api.post<ScanVerdict>('/api/v1/station/scan', { payload: t.payload, providerId, scanId: `together-${i}`, source: 'test' }, { token: station })).body),
    );
    expect(verdicts.map((v) => v.result)).toEqual(batch.map(() => 'admitted'));
    const after = await providerRequestsServed(provider.url, NEW_SECRET);
    expect([after('/v1/verify') - before('/v1/verify'), after('/v1/redemptions') - before('/v1/redemptions')]).toEqual([12, 0]);
  });

  it.runIf(run)('never shows a secret in its log, and logs which fields changed', async () => {
    const output = booking.output.join('\n');
    expect(output).not.toContain(OLD_SECRET);
    expect(output).not.toContain(NEW_SECRET);
    const updates = booking.output.filter((l) => l.includes('provider updated')).map((l) => (JSON.parse(l) as { changed: string[] }).changed);
    expect(updates).toContainEqual(['secret']);
    expect(updates).toContainEqual(['verifyUrl']);
  });
});
