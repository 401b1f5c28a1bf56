// The verification server as the booking server meets it: a real process,
// real HTTP on loopback, signed requests — once on SQLite, once on PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodesResponse } from '../../protocol/provider-api.js';
import type { BatchVerdict, Verdict } from '../../protocol/verdict.js';
import { computeSignature } from '../../protocol/signature.js';
import { startGatepost, type RunningCommand } from '../../testing/processes.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../common/testing/postgres.js';
import { signedClient } from '../common/testing/signed-client.js';

const SECRET = 'test-secret-0123456789abcdef';
const pgUp = await postgresAvailable();

describe.each([
  { backend: 'sqlite', run: true },
  { backend: 'postgres', run: pgUp },
])('provider on $backend', ({ backend, run }) => {
  let dataDir: string;
  let pgdb: TestDatabase | undefined;
  let server: RunningCommand;
  let api: ReturnType<typeof signedClient>;
  let orderSeq = 0;

  const start = async () => {
    server = await startGatepost(['provider', '--port', '0', '--data', dataDir, '--booking-secret', SECRET, '--demo'], {
      DATABASE_URL: pgdb?.url ?? '',
    });
    api = signedClient(server.url, SECRET);
  };

  /** Buys seats of a demo show; returns its tickets. */
  const buy = async (showId: string, seats: string[]) => {
    const res = await api.post<CodesResponse>('/v1/codes', {
      orderRef: `order-${++orderSeq}-${Date.now()}`,
      showId,
      seats,
      payment: { reference: `pay-${orderSeq}`, amountCents: 4500 * seats.length, currency: 'CNY' },
    });
    expect(res.status).toBe(201);
    return res.body.tickets;
  };
  const verify = (code: string, scanId: string, gate = 'Gate A') => api.post<Verdict>('/v1/verify', { code, gate, scanId });

  beforeAll(async () => {
    if (!run) return;
    dataDir = mkdtempSync(join(tmpdir(), 'gp-provider-'));
    if (backend === 'postgres') pgdb = await createTestDatabase();
    await start();
  });
  afterAll(async () => {
    await server?.stop();
    await pgdb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it.runIf(run)('lists the Demo Cinema programme with its seat maps', async () => {
    const shows = await api.get<{ shows: { showId: string; venue: string; hall: string; seatsFree: number }[] }>('/v1/shows');
    expect(shows.status).toBe(200);
    expect(shows.body.shows.map((s) => s.showId)).toEqual(['demo-1', 'demo-2', 'demo-3']);
    expect(shows.body.shows.every((s) => s.venue === 'Demo Cinema')).toBe(true);
    expect(new Set(shows.body.shows.map((s) => s.hall))).toEqual(new Set(['Hall 1', 'Hall 2']));
    const seats = await api.get<{ seats: { seatId: string; row: string; status: string }[] }>('/v1/shows/demo-1/seats');
    expect(seats.body.seats).toHaveLength(120);
    expect(new Set(seats.body.seats.map((s) => s.row)).size).toBe(10);
    expect((await api.get('/v1/shows/nope/seats')).body).toMatchObject({ error: 'unknown_show' });
  });

  it.runIf(run)('issues one fresh code per seat, and the same order again returns the same tickets', async () => {
    const order = { orderRef: 'same-twice', showId: 'demo-1', seats: ['B1', 'B2'], payment: { reference: 'p', amountCents: 9000, currency: 'CNY' } };
    const first = await api.post<CodesResponse>('/v1/codes', order);
    expect(first.status).toBe(201);
    expect(first.body.tickets.map((t) => t.seatId)).toEqual(['B1', 'B2']);
    const [a, b] = first.body.tickets;
    expect(a!.code).toMatch(/^[0-9a-f]{32}$/);
    expect(a!.code).not.toBe(b!.code);
    expect(a!.validUntil - a!.validFrom).toBe(3 * 3600); // from an hour before the start to the end of a 2 h show
    const again = await api.post<CodesResponse>('/v1/codes', order);
    expect(again.status).toBe(200);
    expect(again.body.tickets).toEqual(first.body.tickets);
    const other = await api.post('/v1/codes', { ...order, seats: ['B3'], payment: { ...order.payment, amountCents: 4500 } });
    expect(other).toMatchObject({ status: 409, body: { error: 'order_conflict' } });
  });

  it.runIf(run)('reserves all seats of an order or none', async () => {
    await buy('demo-1', ['C5']);
    const res = await api.post('/v1/codes', {
      orderRef: 'half-taken',
      showId: 'demo-1',
      seats: ['C4', 'C5'],
      payment: { reference: 'p', amountCents: 9000, currency: 'CNY' },
    });
    expect(res).toMatchObject({ status: 409, body: { error: 'seat_taken' } });
    const seats = await api.get<{ seats: { seatId: string; status: string }[] }>('/v1/shows/demo-1/seats');
    expect(seats.body.seats.find((s) => s.seatId === 'C4')?.status).toBe('free');
  });

  it.runIf(run)('refuses unknown shows and seats and a wrong amount, changing nothing', async () => {
    const base = { orderRef: 'bad', showId: 'demo-1', seats: ['D1'], payment: { reference: 'p', amountCents: 4500, currency: 'CNY' } };
    expect((await api.post('/v1/codes', { ...base, showId: 'nope' })).body).toMatchObject({ error: 'unknown_show' });
    expect((await api.post('/v1/codes', { ...base, seats: ['Z99'] })).body).toMatchObject({ error: 'unknown_seat' });
    expect((await api.post('/v1/codes', { ...base, payment: { ...base.payment, amountCents: 1 } })).body).toMatchObject({ error: 'amount_mismatch' });
    expect((await api.post('/v1/codes', { ...base, seats: ['D1', 'D1'] })).status).toBe(400);
    // The order ref was never used, so a correct order under it still works.
    expect((await api.post('/v1/codes', base)).status).toBe(201);
  });

  it.runIf(run)('64 concurrent orders for one seat: exactly one succeeds', async () => {
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        api.post('/v1/codes', {
          orderRef: `race-${i}`,
          showId: 'demo-3',
          seats: ['E7'],
          payment: { reference: `p${i}`, amountCents: 4500, currency: 'CNY' },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && (r.body as { error: string }).error === 'seat_taken')).toHaveLength(63);
  });

  it.runIf(run)('64 concurrent verifies of one code: exactly one admitted, 63 already redeemed', async () => {
    const [ticket] = await buy('demo-1', ['F1']);
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => verify(ticket!.code, `race-scan-${i}`, `Gate ${i}`)));
    const admitted = results.filter((r) => r.body.result === 'admitted');
    expect(admitted).toHaveLength(1);
    const winnerGate = `Gate ${results.indexOf(admitted[0]!)}`;
    const rejected = results.filter((r) => r.body.reason === 'already_redeemed');
    expect(rejected).toHaveLength(63);
    expect(rejected.every((r) => r.body.redeemedGate === winnerGate && typeof r.body.redeemedAt === 'number')).toBe(true);
  });

  it.runIf(run)('admits with the ticket details, and a retried scan ID gets its first verdict', async () => {
    const [ticket] = await buy('demo-1', ['F2']);
    const first = await verify(ticket!.code, 'scan-retry');
    expect(first.body).toMatchObject({ result: 'admitted', ticket: { seat: 'F2', hall: 'Hall 1', title: 'The Last Lighthouse', venue: 'Demo Cinema' } });
    expect((await verify(ticket!.code, 'scan-retry')).body).toEqual(first.body);
    const second = await verify(ticket!.code, 'scan-other', 'Gate B');
    expect(second.body).toMatchObject({ result: 'rejected', reason: 'already_redeemed', redeemedGate: 'Gate A' });
    expect((await verify('0'.repeat(32), 'scan-retry')).body).toMatchObject({ error: 'scan_id_conflict' });
    // The other way round: a scan ID that got a rejection never admits a ticket later.
    const [fresh] = await buy('demo-1', ['F4']);
    expect((await verify('e'.repeat(32), 'scan-rejected-first')).body).toEqual({ result: 'rejected', reason: 'unknown_code' });
    expect((await verify(fresh!.code, 'scan-rejected-first')).body).toMatchObject({ error: 'scan_id_conflict' });
    expect((await verify(fresh!.code, 'scan-fresh')).body).toMatchObject({ result: 'admitted', ticket: { seat: 'F4' } });
  });

  it.runIf(run)('names unknown, revoked and not-yet-valid codes', async () => {
    expect((await verify('f'.repeat(32), 'unknown-1')).body).toEqual({ result: 'rejected', reason: 'unknown_code' });
    const [later] = await buy('demo-2', ['A1']);
    expect((await verify(later!.code, 'early-1')).body).toMatchObject({ result: 'rejected', reason: 'not_yet_valid' });
    const [revoked] = await buy('demo-1', ['F3']);
    expect((await api.post(`/v1/tickets/${revoked!.ticketId}/revoke`, undefined)).status).toBe(200);
    expect((await verify(revoked!.code, 'revoked-1')).body).toMatchObject({ result: 'rejected', reason: 'revoked' });
    // its seat is on sale again
    expect((await api.get<{ seats: { seatId: string; status: string }[] }>('/v1/shows/demo-1/seats')).body.seats.find((s) => s.seatId === 'F3')?.status).toBe('free');
    expect((await api.post('/v1/tickets/tk_nope/revoke', undefined)).body).toMatchObject({ error: 'unknown_ticket' });
  });

  it.runIf(run)('takes an offline journal: each redemption admitted or its conflict', async () => {
    const [t1, t2] = await buy('demo-1', ['G1', 'G2']);
    await verify(t2!.code, 'online-g2', 'Gate B');
    const now = Math.floor(Date.now() / 1000);
    const res = await api.post<{ results: BatchVerdict[] }>('/v1/redemptions', {
      redemptions: [
        { code: t1!.code, gate: 'Gate C', scanId: 'off-1', at: now - 5 },
        { code: t2!.code, gate: 'Gate C', scanId: 'off-2', at: now - 5 },
        // a scan ID that already has a verdict for another code: /v1/verify's 409, as this item's verdict
        { code: t1!.code, gate: 'Gate C', scanId: 'online-g2', at: now - 5 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ scanId: 'off-1', result: 'admitted' });
    expect(res.body.results[1]).toMatchObject({ scanId: 'off-2', result: 'rejected', reason: 'already_redeemed', redeemedGate: 'Gate B' });
    expect(res.body.results[2]).toEqual({ scanId: 'online-g2', result: 'rejected', reason: 'scan_id_conflict' });
  });

  it.runIf(run)('refuses unsigned, wrongly signed, stale and replayed requests with 401, changing nothing', async () => {
    const [ticket] = await buy('demo-1', ['H1']);
    const body = JSON.stringify({ code: ticket!.code, gate: 'Gate A', scanId: 'auth-1' });
    const now = Math.floor(Date.now() / 1000);
    const nonce = () => Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32);
    const sig = (secret: string, t: number, n = nonce()) => `t=${t},n=${n},v1=${computeSignature(secret, t, n, 'POST', '/v1/verify', body)}`;

    expect((await api.call('POST', '/v1/verify', undefined, { raw: body, signature: null })).body).toMatchObject({ error: 'bad_signature_header' });
    expect((await api.call('POST', '/v1/verify', undefined, { raw: body, signature: sig('wrong-secret-0123456789', now) })).body).toMatchObject({ error: 'signature_mismatch' });
    expect((await api.call('POST', '/v1/verify', undefined, { raw: body, signature: sig(SECRET, now - 301) })).body).toMatchObject({ error: 'signature_expired' });
    // signed over another body: the signature covers the exact bytes
    const otherBody = body.replace('Gate A', 'Gate Z');
    expect((await api.call('POST', '/v1/verify', undefined, { raw: otherBody, signature: sig(SECRET, now) })).status).toBe(401);
    for (const path of ['/v1/shows', '/metrics', '/docs/json']) expect((await api.get(path, { signature: null })).status).toBe(401);
    expect((await api.get('/healthz', { signature: null })).status).toBe(200);

    const good = sig(SECRET, now);
    const first = await api.call<Verdict>('POST', '/v1/verify', undefined, { raw: body, signature: good });
    expect(first.body.result).toBe('admitted'); // nothing before it redeemed the code
    const replay = await api.call('POST', '/v1/verify', undefined, { raw: body, signature: good });
    expect(replay).toMatchObject({ status: 401, body: { error: 'signature_replayed' } });
  });

  it.runIf(run)('answers bad input with a 4xx reason and no stack trace', async () => {
    const cases = [
      { res: await api.call('POST', '/v1/verify', undefined, { raw: '{"code":' }), status: 400, error: 'invalid_json' },
      { res: await api.post('/v1/verify', { code: 42, gate: 'A', scanId: 's' }), status: 400, error: 'bad_request' },
      { res: await api.post('/v1/verify', { code: 'not-hex', gate: 'A', scanId: 's' }), status: 400, error: 'bad_request' },
      { res: await api.post('/v1/verify', { code: 'a'.repeat(32), gate: 'A', scanId: 's', pad: 'x'.repeat(70_000) }), status: 413, error: 'body_too_large' },
      { res: await api.call('POST', '/v1/verify', undefined, { raw: 'code=1', contentType: 'text/plain' }), status: 415, error: 'unsupported_media_type' },
      { res: await api.get('/v1/nothing-here'), status: 404, error: 'not_found' },
    ];
    for (const c of cases) {
      expect(c.res.status, c.res.text).toBe(c.status);
      expect(c.res.body).toMatchObject({ error: c.error, message: expect.any(String) });
      expect(c.res.text).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });

  it.runIf(run)('keeps a redemption it reported through kill -9', async () => {
    const [ticket] = await buy('demo-1', ['J12']);
    expect((await verify(ticket!.code, 'before-crash')).body.result).toBe('admitted');
    await server.kill9();
    await start();
    expect((await verify(ticket!.code, 'after-crash', 'Gate B')).body).toMatchObject({ result: 'rejected', reason: 'already_redeemed', redeemedGate: 'Gate A' });
    // The scan that admitted it, retried after the crash, still gets its first verdict.
    expect((await verify(ticket!.code, 'before-crash')).body).toMatchObject({ result: 'admitted', ticket: { seat: 'J12' } });
  });

  it.runIf(run)('never logs the booking secret and serves metrics', async () => {
    const metrics = await api.get('/metrics');
    expect(metrics.text).toContain('gatepost_provider_verdicts_total');
    expect(server.output.join('\n')).not.toContain(SECRET);
  });
});
