// Each provider's health: the rolling window on its own (percentiles close to
// the exact ones at gate rates, calls leaving after 5 minutes), then over HTTP
// against a real verification server process — calls timed, the provider
// stopped and seen unreachable with its last error, a provider nobody called
// probed, and venue staff shown only their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import type { BookingClient } from '../testing/http.js';
import { registerProvider, signUp, startDemoPair, venueStaffSession, type DemoPair } from '../testing/setup.js';
import { HEALTH_WINDOW_S, ProviderHealth } from './health.js';

const ADMIN = 'provider-health-admin-token-01234';
const SECRET = 'provider-health-secret-0123456789';

interface Health {
  providerId: string;
  reachable: boolean;
  lastError: { at: number; reason: string; message?: string } | null;
  calls: number;
  failures: number;
  p50Ms: number | null;
  p99Ms: number | null;
  checkedAt: number | null;
}

describe('the rolling window', () => {
  it('reads p50 and p99 within a bin of the exact values at 200 calls/s for 5 minutes, and forgets calls older than that', () => {
    let now = 1_800_000_000;
    const health = new ProviderHealth(() => now);
    const durations: number[] = [];
    // 200 calls a second for the whole window, durations spread over 1–100 ms (a long tail).
    for (let s = 0; s < HEALTH_WINDOW_S; s++, now++) {
      for (let i = 0; i < 200; i++) {
        const ms = 1 + 99 * ((i * 7919 + s * 104_729) % 1000) ** 3 / 1e9;
        durations.push(ms);
        health.record('p_a', 'ok', ms);
      }
    }
    now--;
    durations.sort((a, b) => a - b);
    const exact = (q: number) => durations[Math.ceil(q * durations.length) - 1]!;
    const view = health.view('p_a');
    expect(view.calls).toBe(durations.length);
    expect(view.reachable).toBe(true);
    expect(Math.abs(view.p50Ms! / exact(0.5) - 1)).toBeLessThan(0.1);
    expect(Math.abs(view.p99Ms! / exact(0.99) - 1)).toBeLessThan(0.1);

    health.record('p_a', 'unavailable', 1500, { reason: 'timeout', detail: 'no answer within 1500 ms' });
    expect(health.view('p_a')).toMatchObject({ reachable: false, failures: 1, lastError: { at: now, reason: 'timeout' } });
    // Five minutes on, the calls have left the window; the last error stays.
    now += HEALTH_WINDOW_S;
    expect(health.view('p_a')).toMatchObject({ calls: 0, p50Ms: null, p99Ms: null, reachable: false, lastError: { reason: 'timeout' } });
  });
});

describe('provider health over HTTP', () => {
  let pair: DemoPair;
  let api: BookingClient;
  let providerId: string;
  /** registered at a port nothing listens on */
  let deadId: string;
  let venueToken: string;
  const health = async (token: string, query = '') => api.get<{ windowS: number; providers: Health[]; error?: string }>(`/api/v1/admin/providers/health${query}`, { token });

  beforeAll(async () => {
    pair = await startDemoPair('provider-health', { adminToken: ADMIN, secret: SECRET, providerName: 'Riverside Cinema' });
    ({ api, providerId } = pair);
    deadId = await registerProvider(api, ADMIN, { name: 'Closed Cinema', verifyUrl: 'http://127.0.0.1:9', secret: SECRET });
    venueToken = await venueStaffSession(api, ADMIN, 'riverside@venue.example', [providerId]);
  }, 180_000);
  afterAll(() => pair?.stop());

  it('times the calls, then sees the provider stopped: unreachable, with its last error', async () => {
    const token = await signUp(api, 'health@example.com');
    // Each order is a signed /v1/codes call; every call the window holds happened inside one of these requests.
    let longestMs = 0;
    for (const seat of ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8']) {
      const started = performance.now();
      const order = await api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-2', seats: [seat], payment: { method: 'demo' } }, { token });
      longestMs = Math.max(longestMs, performance.now() - started);
      expect(order.status, order.text).toBe(201);
    }
    const up = (await health(ADMIN, `?providerId=${providerId}`)).body;
    expect(up.windowS).toBe(HEALTH_WINDOW_S);
    const before = up.providers[0]!;
    expect(before).toMatchObject({ providerId, reachable: true, lastError: null, failures: 0 });
    expect(before.calls).toBeGreaterThanOrEqual(8);
    expect(before.p50Ms!).toBeGreaterThan(0);
    expect(before.p50Ms!).toBeLessThanOrEqual(before.p99Ms!);
    // A bin's middle is within 5 % of the calls it holds.
    expect(before.p99Ms!).toBeLessThanOrEqual(longestMs * 1.05);

    await pair.provider.stop();
    const seatMap = await api.get(`/api/v1/providers/${providerId}/shows/demo-3/seats`);
    expect(seatMap.status).toBe(503);
    const after = (await health(ADMIN, `?providerId=${providerId}`)).body.providers[0]!;
    expect(after).toMatchObject({ reachable: false, failures: 1, calls: before.calls + 1 });
    expect(after.lastError).toMatchObject({ reason: 'unreachable', message: expect.any(String) });
    expect(after.lastError!.at).toBeGreaterThanOrEqual(before.checkedAt!);
    expect(after.checkedAt).toBe(after.lastError!.at);
  });

  it('probes a provider no call reached, and shows venue staff their own providers only', async () => {
    const all = (await health(ADMIN)).body.providers;
    expect(all.map((p) => p.providerId).sort()).toEqual([providerId, deadId].sort());
    // Nothing had called the closed cinema: one signed probe, refused a connection.
    expect(all.find((p) => p.providerId === deadId)).toMatchObject({ reachable: false, calls: 1, failures: 1, lastError: { reason: 'unreachable' } });

    const own = await health(venueToken);
    expect(own.status).toBe(200);
    expect(own.body.providers.map((p) => p.providerId)).toEqual([providerId]);
    const other = await health(venueToken, `?providerId=${deadId}`);
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('forbidden_provider');
    expect((await health(ADMIN, '?providerId=p_nosuchprovider')).status).toBe(404);
    expect((await api.get('/api/v1/admin/providers/health')).status).toBe(401);
  });
});
