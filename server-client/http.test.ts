// The booking client's deadline and retry rules, against a stand-in server that
// can hang, reset connections and answer late on cue.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BookingClient } from './http.js';
import { startFakeBooking, type FakeBooking } from './testing/fake-booking.js';

let fake: FakeBooking;
let client: BookingClient;

beforeEach(async () => {
  fake = await startFakeBooking();
  client = new BookingClient({ baseUrl: fake.url, token: 'st_test', timeoutMs: 600 });
});
afterEach(async () => {
  client.close();
  await fake.close();
});

const scan = (scanId: string) => ({ payload: 'GP1:X', providerId: 'prv_test', scanId });

describe('BookingClient.scan', () => {
  it('returns the verdict with the token and scanId sent', async () => {
    const out = await client.scan(scan('s-1'));
    expect(out).toMatchObject({ kind: 'verdict', verdict: { result: 'admitted' }, attempts: 1 });
    expect(fake.seen[0]).toMatchObject({ path: '/api/v1/station/scan', auth: 'Bearer st_test', body: { scanId: 's-1' } });
  });

  it('sends again with the same scanId after a connection reset', async () => {
    fake.script.push('reset');
    const out = await client.scan(scan('s-2'));
    expect(out).toMatchObject({ kind: 'verdict', attempts: 2 });
    const ids = fake.seen.filter((r) => r.path === '/api/v1/station/scan').map((r) => (r.body as { scanId: string }).scanId);
    expect(ids).toEqual(['s-2', 's-2']);
  });

  it('gives up at the deadline when the server does not answer', async () => {
    fake.script.push('hang');
    const t0 = Date.now();
    const out = await client.scan(scan('s-3'));
    const took = Date.now() - t0;
    expect(out.kind).toBe('unreachable');
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(1200);
  });

  it('is unreachable when nothing listens, quickly', async () => {
    await fake.close();
    const t0 = Date.now();
    const out = await client.scan(scan('s-4'));
    expect(out.kind).toBe('unreachable');
    expect(Date.now() - t0).toBeLessThan(600);
  });

  it('reports a refused token as refused, not as offline', async () => {
    const other = new BookingClient({ baseUrl: fake.url, token: 'st_wrong' });
    const out = await other.scan(scan('s-5'));
    other.close();
    expect(out).toMatchObject({ kind: 'refused', status: 401, error: 'unauthorized' });
  });

  it("keeps a refusal's words short enough for the gate's screen", async () => {
    fake.script.push('refuse-wordy');
    const out = await client.scan(scan('s-6'));
    expect(out).toMatchObject({ kind: 'refused', status: 403, error: 'forbidden' });
    expect(out.kind === 'refused' && out.message.length).toBeLessThanOrEqual(300);
    expect(out.kind === 'refused' && out.message.endsWith('…')).toBe(true);
  });
});

describe('BookingClient.enroll', () => {
  it('exchanges a code for a token', async () => {
    const out = await client.enroll('ABCDEFGHJKMNPQRSTVWXYZ012345');
    expect(out).toEqual({ ok: true, token: 'st_test', stationId: 's_1', providerId: 'prv_test', gate: 'Gate T' });
    expect(fake.seen[0]?.auth).toBeUndefined();
  });

  it('passes the server reason through', async () => {
    expect(await client.enroll('0000000000000000000000000000')).toMatchObject({ ok: false, error: 'enrollment_invalid' });
  });

  it('names a server that is not a booking server', async () => {
    const c = new BookingClient({ baseUrl: `${fake.url}/nothing-here`, token: null });
    const out = await c.enroll('ABCDEFGHJKMNPQRSTVWXYZ012345');
    c.close();
    expect(out).toMatchObject({ ok: false, error: 'bad_answer' });
  });
});
