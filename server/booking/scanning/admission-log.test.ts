// Admissions are recorded for offline bundles behind the answer (admission-log.ts).
// What a station relies on: every admission the server answered is in the next
// offline bundle, right away, and still after the server was stopped the moment
// it answered and started again. Real processes, real SQLite files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { decodeGp1 } from '../../../protocol/gp1.js';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { bookingClient } from '../testing/http.js';

const ADMIN = 'admission-log-admin-token-0123456789';
const SECRET = 'admission-log-provider-secret-0123456789';

describe('admissions in the offline bundle', () => {
  const dirs: string[] = [];
  const running: RunningCommand[] = [];
  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'gp-admissions-'));
    dirs.push(d);
    return d;
  };

  it('lists every answered admission at once, and after a stop right behind the answers', async () => {
    const bookingDir = dir();
    const startBooking = async () => {
      const b = await startGatepost(['booking', '--port', '0', '--data', bookingDir, '--admin-token', ADMIN, '--demo'], { DATABASE_URL: '' });
      running.push(b);
      return b;
    };
    const provider = await startGatepost(['provider', '--port', '0', '--data', dir(), '--booking-secret', SECRET, '--demo'], { DATABASE_URL: '' });
    running.push(provider);
    let booking = await startBooking();
    let api = bookingClient(booking.url);

    const { providerId } = (await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Demo Cinema', verifyUrl: provider.url, secret: SECRET }, { token: ADMIN })).body;
    const { token } = (await api.post<{ token: string }>('/api/v1/users', { email: 'gate@example.com', password: 'a long enough password' })).body;
    const created = await api.post<{ enrollment: string }>('/api/v1/admin/stations', { providerId, gate: 'Door 1' }, { token: ADMIN });
    const station = (await api.post<{ token: string }>('/api/v1/station/enroll', { enrollment: created.body.enrollment })).body.token;
    const codeOf = (payload: string) => (decodeGp1(payload) as { body: { code: string } }).body.code;
    const scanAll = async (tickets: Order['tickets'], prefix: string) => {
      const verdicts = await Promise.all(
        tickets.map((t, i) =>
          api.post<ScanVerdict>('/api/v1/station/scan', { payload: t.payload, providerId, scanId: `${prefix}-${i}`, source: 'test' }, { token: station }),
        ),
      );
      expect(verdicts.map((v) => v.body.result)).toEqual(tickets.map(() => 'admitted'));
    };
    const bundleCodes = async () =>
      (await api.get<{ redeemed: { code: string; gate: string }[] }>('/api/v1/station/offline-bundle', { token: station })).body.redeemed.map((r) => r.code);

    // Answered, then asked for the bundle straight away.
    const first = await api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats: ['C1', 'C2', 'C3', 'C4'], payment: { method: 'demo' } }, { token });
    expect(first.status, first.text).toBe(201);
    await scanAll(first.body.tickets, 'a');
    expect(await bundleCodes()).toEqual(expect.arrayContaining(first.body.tickets.map((t) => codeOf(t.payload))));

    // Answered, then the server is stopped at once and started again on the same data.
    const second = await api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats: ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'], payment: { method: 'demo' } }, { token });
    expect(second.status, second.text).toBe(201);
    await scanAll(second.body.tickets, 'b');
    await booking.stop();
    booking = await startBooking();
    api = bookingClient(booking.url);
    const after = await bundleCodes();
    expect(after).toEqual(expect.arrayContaining([...first.body.tickets, ...second.body.tickets].map((t) => codeOf(t.payload))));
    expect(after).toHaveLength(10);
  }, 60_000);
});
