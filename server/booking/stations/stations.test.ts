// What venue IT sees of its gate stations, over real HTTP on loopback, on a
// real SQLite file and on the local PostgreSQL, with the server's clock set by
// the test: a heartbeat is stored and listed, the station is online while it
// calls (a scan counts) and offline 70 s after, a rename reaches the station in
// its heartbeat's answer, a revoked station is told `station_revoked` at once,
// and a bad heartbeat is a 400 with a reason.
import { beforeAll, describe, expect, it } from 'vitest';
import type { HeartbeatRequest, StationDetails } from '../../../protocol/booking-api.js';
import { BACKENDS } from '../../common/testing/storage.js';
import type { BookingClient } from '../testing/http.js';
import { enrolledStation, registerProvider } from '../testing/setup.js';
import { bookingTestbed } from '../testing/testbed.js';

const ADMIN = 'admin-token-for-station-tests-0123';
const SECRET = 'fake-provider-secret-0123456789';

const BEAT: HeartbeatRequest = {
  version: '1.4.2',
  sources: [
    { kind: 'wedge', name: 'keyboard wedge', state: 'ok' },
    { kind: 'serial', name: '/dev/ttyACM0', state: 'error', error: 'ENOENT: no such device' },
  ],
  relay: { kind: 'lcus', state: 'ok' },
  offlinePolicy: 'signed',
  bundleAgeS: 42,
  journalBacklog: 3,
  clockSkewS: -95,
};

describe.each(BACKENDS)('gate stations: heartbeat, list, rename, revoke on $backend', (each) => {
  const { run } = each;
  let clock = 1_900_000_000;
  const bed = bookingTestbed(each, { name: 'stations', adminToken: ADMIN, provider: { secret: SECRET, kind: 'fake' }, booking: { demo: true, now: () => clock } });
  let api: BookingClient;
  let providerId: string;
  let otherProviderId: string;
  let station: { stationId: string; token: string };

  const list = async (pid = providerId) => {
    const res = await api.get<{ stations: StationDetails[] }>(`/api/v1/admin/stations?providerId=${pid}`, { token: ADMIN });
    expect(res.status, res.text).toBe(200);
    return res.body.stations;
  };
  const listed = async () => (await list()).find((s) => s.stationId === station.stationId);
  const beat = (body: unknown = BEAT, token = station.token) => api.post<{ gate?: string; error?: string; message?: string }>('/api/v1/station/heartbeat', body, { token });

  beforeAll(async () => {
    if (!run) return;
    api = bed.api;
    providerId = await registerProvider(api, ADMIN, { verifyUrl: bed.fake.url, secret: SECRET, name: 'Hall' });
    otherProviderId = await registerProvider(api, ADMIN, { verifyUrl: bed.fake.url, secret: SECRET, name: 'Other' });
    station = await enrolledStation(api, ADMIN, providerId, 'North Door');
    await api.post('/api/v1/admin/stations', { providerId: otherProviderId, gate: 'Elsewhere' }, { token: ADMIN });
  });

  it.runIf(run)('lists an enrolled station that never called as offline, with nothing reported', async () => {
    expect(await listed()).toMatchObject({ gate: 'North Door', enrolled: true, revoked: false, online: false, lastSeenAt: null, version: null, sources: [], relay: null });
  });

  it.runIf(run)('stores a heartbeat and lists what it said, for the station’s provider only', async () => {
    const res = await beat();
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ gate: 'North Door' });
    expect(await listed()).toEqual({
      stationId: station.stationId,
      providerId,
      gate: 'North Door',
      enrolled: true,
      revoked: false,
      createdAt: expect.any(Number),
      online: true,
      lastSeenAt: clock,
      ...BEAT,
    });
    const others = await list(otherProviderId);
    expect(others.map((s) => s.gate)).toEqual(['Elsewhere']);
  });

  it.runIf(run)('shows the station offline once 70 s pass without a call, and online again after a scan', async () => {
    clock += 70;
    expect((await listed())?.online).toBe(true);
    clock += 1;
    expect((await listed())?.online).toBe(false);
    const scan = await api.post('/api/v1/station/scan', { payload: 'not a ticket', providerId, scanId: 'seen-1' }, { token: station.token });
    expect(scan.status, scan.text).toBe(200);
    // The mark does not hold the scan's answer back: it lands just after.
    await expect.poll(async () => (await listed())?.lastSeenAt).toBe(clock);
    expect((await listed())?.online).toBe(true);
  });

  it.runIf(run)('renames the gate, and the station’s next heartbeat answer carries the new name', async () => {
    const renamed = await api.call<StationDetails>('PATCH', `/api/v1/admin/stations/${station.stationId}`, { token: ADMIN, body: { gate: '  South Door ' } });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.gate).toBe('South Door');
    expect((await beat()).body).toEqual({ gate: 'South Door' });
    expect((await listed())?.gate).toBe('South Door');

    const blank = await api.call<{ error: string }>('PATCH', `/api/v1/admin/stations/${station.stationId}`, { token: ADMIN, body: { gate: '   ' } });
    expect(blank.status).toBe(400);
    expect(blank.body.error).toBe('bad_request');
    const unknown = await api.call<{ error: string }>('PATCH', '/api/v1/admin/stations/s_nope', { token: ADMIN, body: { gate: 'X' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('unknown_station');
    const anonymous = await api.call<{ error: string }>('PATCH', `/api/v1/admin/stations/${station.stationId}`, { body: { gate: 'X' } });
    expect(anonymous.status).toBe(401);
  });

  it.runIf(run)('refuses a bad heartbeat with 400 and says what is wrong', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...BEAT, sources: [{ kind: 'laser', name: 'x', state: 'ok' }] }, /kind/],
      [{ ...BEAT, sources: Array.from({ length: 33 }, () => BEAT.sources[0]) }, /sources/],
      [{ ...BEAT, version: 'v'.repeat(51) }, /version/],
      [{ ...BEAT, journalBacklog: -1 }, /journalBacklog/],
      [{ ...BEAT, clockSkewS: 1e12 }, /clockSkewS/],
      [{ ...BEAT, relay: { kind: 'lcus', state: 'ok', error: 'e'.repeat(301) } }, /relay/],
      [{ ...BEAT, offlinePolicy: undefined }, /offlinePolicy/],
    ];
    for (const [body, field] of cases) {
      const res = await beat(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error).toBe('bad_request');
      expect(res.body.message).toMatch(field);
    }
    const raw = await api.call<{ error: string }>('POST', '/api/v1/station/heartbeat', { token: station.token, raw: '{"version":' });
    expect(raw.status).toBe(400);
    expect(raw.body.error).toBe('invalid_json');
    // The stored report is still the last good one.
    expect((await listed())?.version).toBe(BEAT.version);
  });

  it.runIf(run)('tells a revoked station `station_revoked` on its very next call, and keeps it in the list', async () => {
    // A heartbeat first: the token is in this process's cache when the revocation comes.
    expect((await beat()).status).toBe(200);
    const revoked = await api.delete(`/api/v1/admin/stations/${station.stationId}`, { token: ADMIN });
    expect(revoked.status, revoked.text).toBe(204);

    const next = await beat();
    expect(next.status).toBe(401);
    expect(next.body.error).toBe('station_revoked');
    const scan = await api.post<{ error: string }>('/api/v1/station/scan', { payload: 'anything', providerId, scanId: 'after-revoke' }, { token: station.token });
    expect(scan.status).toBe(401);
    expect(scan.body.error).toBe('station_revoked');
    // A token that was never issued is told apart.
    const unknown = await beat(BEAT, `st_${'x'.repeat(40)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('unauthorized');

    expect(await listed()).toMatchObject({ gate: 'South Door', revoked: true, online: false, version: BEAT.version });
    const rename = await api.call<{ error: string }>('PATCH', `/api/v1/admin/stations/${station.stationId}`, { token: ADMIN, body: { gate: 'Back' } });
    expect(rename.status).toBe(404);
    const again = await api.delete<{ error: string }>(`/api/v1/admin/stations/${station.stationId}`, { token: ADMIN });
    expect(again.status).toBe(404);
  });
});
