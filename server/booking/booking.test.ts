// The booking server as customers, the operator and gate stations meet it:
// real booking and provider processes, real HTTP on loopback — once with the
// booking database on SQLite, once on PostgreSQL.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../protocol/booking-api.js';
import type { ScanVerdict } from '../../protocol/verdict.js';
import { decodeSetupPayload, normalizeEnrollment } from '../../protocol/booking-api.js';
import { decodeGp1, encodeGp1, importPublicKey, verifyGp1 } from '../../protocol/gp1.js';
import { expectErrorAnswers } from '../common/testing/error-answers.js';
import { BACKENDS, testStorage, type TestStorage } from '../common/testing/storage.js';
import { startGatepost, type RunningCommand } from '../../testing/processes.js';
import { providerRequestsServed } from '../common/testing/requests-served.js';
import { SIGN_IN_LIMITS } from './accounts/routes.js';
import { hasZbarimg, zbarDecodePng } from './tickets/image/testing/decoders.js';
import { bookingClient, type BookingClient } from './testing/http.js';

const ADMIN = 'admin-token-for-tests-0123456789';
const SECRET_A = 'provider-a-secret-0123456789abcdef';
const SECRET_B = 'provider-b-secret-fedcba9876543210';
const PASSWORD = 'correct horse battery staple';
const zbar = hasZbarimg();

/** A port nothing listens on: a provider that is down. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** How many verify requests a provider has served, one by one or together (from its own metrics). */
async function verifyCount(url: string, secret: string): Promise<number> {
  const served = await providerRequestsServed(url, secret);
  return served('/v1/verify') + served('/v1/redemptions');
}

describe.each(BACKENDS)('booking on $backend', ({ backend, run }) => {
  let store: TestStorage | undefined;
  let providerA: RunningCommand;
  let providerB: RunningCommand;
  let booking: RunningCommand;
  let api: BookingClient;
  let idA: string;
  let idB: string;
  let idDead: string;
  let user: { email: string; token: string; userId: string };
  const secretsSeen: string[] = [ADMIN, SECRET_A, SECRET_B, PASSWORD];
  let seq = 0;
  const scanId = () => `scan-${++seq}`;

  const signUp = async (email = `user${++seq}@example.com`) => {
    const res = await api.post<{ userId: string; token: string }>('/api/v1/users', { email, password: PASSWORD });
    expect(res.status, res.text).toBe(201);
    secretsSeen.push(res.body.token);
    return { email, ...res.body };
  };
  const order = async (providerId: string, seats: string[], token = user.token, showId = 'demo-1', headers: Record<string, string> = {}) =>
    api.post<Order>('/api/v1/orders', { providerId, showId, seats, payment: { method: 'demo' } }, { token, headers });
  const station = async (providerId: string, gate: string) => {
    const created = await api.post<{ stationId: string; enrollment: string; setupPayload: string }>('/api/v1/admin/stations', { providerId, gate }, { token: ADMIN });
    expect(created.status, created.text).toBe(201);
    secretsSeen.push(created.body.enrollment, normalizeEnrollment(created.body.enrollment)!);
    // Typed the way a person would: lower case, spaces instead of dashes.
    const enrolled = await api.post<{ token: string; stationId: string; gate: string }>('/api/v1/station/enroll', {
      enrollment: created.body.enrollment.toLowerCase().replace(/-/g, ' '),
    });
    expect(enrolled.status, enrolled.text).toBe(200);
    secretsSeen.push(enrolled.body.token);
    return { ...created.body, token: enrolled.body.token, providerId };
  };
  const scan = (st: { token: string; providerId: string }, payload: string, id = scanId()) =>
    api.post<ScanVerdict>('/api/v1/station/scan', { payload, providerId: st.providerId, scanId: id, source: 'test' }, { token: st.token });

  beforeAll(async () => {
    if (!run) return;
    store = await testStorage(backend, 'booking');
    const dir = (name: string) => join(store!.dir, name);
    [providerA, providerB, booking] = await Promise.all([
      startGatepost(['provider', '--port', '0', '--data', dir('provider-a'), '--booking-secret', SECRET_A, '--demo'], { DATABASE_URL: '' }),
      startGatepost(['provider', '--port', '0', '--data', dir('provider-b'), '--booking-secret', SECRET_B, '--demo'], { DATABASE_URL: '' }),
      startGatepost(['booking', '--port', '0', '--data', dir('booking'), '--admin-token', ADMIN, '--demo'], { DATABASE_URL: store.databaseUrl ?? '' }),
    ]);
    api = bookingClient(booking.url);
  });
  afterAll(async () => {
    await Promise.all([booking?.stop(), providerA?.stop(), providerB?.stop()]);
    await store?.remove();
  });

  it.runIf(run)('serves its platform key, health, OpenAPI and metrics', async () => {
    const keys = await api.get<{ keys: { keyId: number; alg: string; publicKey: string }[] }>('/api/v1/keys');
    expect(keys.body.keys).toHaveLength(1);
    expect(keys.body.keys[0]).toMatchObject({ keyId: 1, alg: 'Ed25519' });
    expect(importPublicKey(keys.body.keys[0]!.publicKey)).not.toBeNull();
    expect((await api.get('/healthz')).body).toEqual({ status: 'ok' });
    const docs = await api.get<{ paths: Record<string, unknown> }>('/docs/json');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/v1/orders', '/api/v1/station/scan', '/api/v1/station/offline-bundle']));
    expect((await api.get('/metrics', { token: ADMIN })).text).toContain('gatepost_http_requests_total');
    expect((await api.get('/metrics')).body).toMatchObject({ error: 'unauthorized' });
  });

  it.runIf(run)('signs users up and in, with bearer tokens', async () => {
    user = await signUp('Ada@Example.com');
    expect(user.userId).toMatch(/^u_/);
    expect((await api.post('/api/v1/users', { email: 'ADA@example.com', password: 'another password' })).body).toMatchObject({ error: 'email_taken' });
    expect((await api.post('/api/v1/users', { email: 'short@example.com', password: 'seven77' })).status).toBe(400);
    expect((await api.post('/api/v1/users', { email: 'not-an-email', password: PASSWORD })).status).toBe(400);
    expect((await api.post('/api/v1/sessions', { email: 'ada@example.com', password: 'wrong password' })).body).toMatchObject({ error: 'bad_credentials' });
    expect((await api.post('/api/v1/sessions', { email: 'nobody@example.com', password: PASSWORD })).status).toBe(401);
    const session = await api.post<{ token: string }>('/api/v1/sessions', { email: 'ADA@example.com', password: PASSWORD });
    expect(session.status).toBe(200);
    secretsSeen.push(session.body.token);
    expect((await api.get('/api/v1/orders', { token: session.body.token })).body).toEqual({ orders: [], next: null });
    expect((await api.get('/api/v1/orders')).body).toMatchObject({ error: 'unauthorized' });
    expect((await api.get('/api/v1/orders', { token: 'us_forged' })).status).toBe(401);
    expect((await api.get('/api/v1/me', { token: session.body.token })).body).toEqual({ userId: user.userId, email: 'ada@example.com' });
    expect((await api.delete('/api/v1/sessions', { token: session.body.token })).status).toBe(204);
    expect((await api.get('/api/v1/me', { token: session.body.token })).status).toBe(401);
    expect((await api.get('/api/v1/me', { token: user.token })).status).toBe(200); // the other session lives on
  });

  it.runIf(run)('registers providers with the admin token and assigns their IDs', async () => {
    const body = { name: 'Demo Cinema A', verifyUrl: providerA.url, secret: SECRET_A };
    expect((await api.post('/api/v1/admin/providers', body)).status).toBe(401);
    expect((await api.post('/api/v1/admin/providers', body, { token: 'wrong-admin-token-0123456789' })).status).toBe(401);
    expect((await api.post('/api/v1/admin/providers', { ...body, secret: 'short' }, { token: ADMIN })).status).toBe(400);
    const a = await api.post<{ providerId: string; name: string }>('/api/v1/admin/providers', body, { token: ADMIN });
    expect(a.status).toBe(201);
    expect(a.body.providerId).toMatch(/^p_[a-z2-7]{12}$/);
    expect(a.text).not.toContain(SECRET_A);
    idA = a.body.providerId;
    idB = (await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Demo Cinema B', verifyUrl: `${providerB.url}/`, secret: SECRET_B }, { token: ADMIN })).body.providerId;
    const dead = `http://127.0.0.1:${await deadPort()}`;
    idDead = (await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Closed Cinema', verifyUrl: dead, secret: 'x'.repeat(20) }, { token: ADMIN })).body.providerId;
    const list = await api.get<{ providers: { providerId: string; name: string }[] }>('/api/v1/providers');
    expect(list.body.providers).toEqual([
      { providerId: idDead, name: 'Closed Cinema' },
      { providerId: idA, name: 'Demo Cinema A' },
      { providerId: idB, name: 'Demo Cinema B' },
    ]);
    expect(list.text).not.toContain(SECRET_A);
  });

  it.runIf(run)('merges every provider’s shows and names the one that is down', async () => {
    const started = Date.now();
    const res = await api.get<{ shows: { providerId: string; showId: string; priceCents: number }[]; unavailable: string[] }>('/api/v1/shows');
    expect(Date.now() - started).toBeLessThan(2500);
    expect(res.body.unavailable).toEqual([idDead]);
    expect(res.body.shows).toHaveLength(6);
    expect(res.body.shows.filter((s) => s.providerId === idA).map((s) => s.showId)).toEqual(['demo-1', 'demo-2', 'demo-3']);
    const seats = await api.get<{ seats: { seatId: string; status: string }[] }>(`/api/v1/providers/${idA}/shows/demo-1/seats`);
    expect(seats.body.seats).toHaveLength(120);
    expect((await api.get(`/api/v1/providers/${idA}/shows/nope/seats`)).body).toMatchObject({ error: 'unknown_show' });
    expect((await api.get('/api/v1/providers/p_nope/shows/demo-1/seats')).body).toMatchObject({ error: 'unknown_provider' });
    expect((await api.get(`/api/v1/providers/${idDead}/shows/demo-1/seats`)).body).toMatchObject({ error: 'provider_unavailable' });
  });

  it.runIf(run)('full flow: order 2 seats, the PNG’s QR verifies, a station admits it once', async () => {
    const res = await order(idA, ['A1', 'A2']);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ state: 'issued', providerId: idA, showId: 'demo-1', seats: ['A1', 'A2'], amountCents: 9000, currency: 'CNY' });
    expect(res.body.tickets.map((t) => t.seat)).toEqual(['A1', 'A2']);
    const [t1, t2] = res.body.tickets;
    expect(t1!.validUntil).toBeGreaterThan(t1!.validFrom);
    expect(t1!.shareUrl).toMatch(/\/t\/[A-Za-z0-9_-]{32}$/);

    const { keys } = (await api.get<{ keys: { keyId: number; publicKey: string }[] }>('/api/v1/keys')).body;
    const lookup = (id: number) => importPublicKey(keys.find((k) => k.keyId === id)?.publicKey ?? '') ?? undefined;
    const png = await api.get(new URL(t1!.imageUrl).pathname, { token: user.token });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    if (zbar) {
      const text = zbarDecodePng(png.bytes);
      expect(text).toBe(t1!.payload);
      const verified = verifyGp1(text, lookup);
      expect(verified).toMatchObject({ ok: true, body: { providerId: idA, info: { seat: 'A1', hall: 'Hall 1', venue: 'Demo Cinema' } } });
    } else {
      console.warn('zbarimg missing: the PNG was not decoded');
      expect(verifyGp1(t1!.payload, lookup).ok).toBe(true);
    }
    const svg = await api.get(new URL(t1!.qrUrl).pathname, { token: user.token });
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    expect(svg.text).toMatch(/^<svg /);
    expect((await api.get(new URL(t1!.imageUrl).pathname)).status).toBe(401);
    const other = await signUp();
    expect((await api.get(new URL(t1!.imageUrl).pathname, { token: other.token })).status).toBe(404);

    const gate = await station(idA, 'Gate 3');
    const setup = await api.post<{ enrollment: string; setupPayload: string }>('/api/v1/admin/stations', { providerId: idA, gate: 'Gate 4' }, { token: ADMIN });
    secretsSeen.push(setup.body.enrollment, normalizeEnrollment(setup.body.enrollment)!);
    expect(setup.body.setupPayload).toMatch(/^GPS1:[0-9A-Z $%*+\-./:]+$/);
    expect(decodeSetupPayload(setup.body.setupPayload)).toEqual({ serverUrl: booking.url, enrollment: normalizeEnrollment(setup.body.enrollment) });

    const first = await scan(gate, t1!.payload, 'flow-1');
    expect(first.body).toEqual({
      result: 'admitted',
      ticket: { title: 'The Last Lighthouse', venue: 'Demo Cinema', hall: 'Hall 1', seat: 'A1', startsAt: t1!.startsAt, validFrom: t1!.validFrom, validUntil: t1!.validUntil },
    });
    expect((await scan(gate, t1!.payload, 'flow-1')).body).toEqual(first.body); // a retried scan: its first verdict
    const again = await scan(gate, t1!.payload, 'flow-2');
    expect(again.body).toMatchObject({ result: 'rejected', reason: 'already_redeemed', redeemedGate: 'Gate 3', ticket: { seat: 'A1' } });
    expect(typeof again.body.redeemedAt).toBe('number');
    // The second ticket by its bare code, as a person would type it.
    const code = verifyGp1(t2!.payload, lookup);
    expect(code.ok).toBe(true);
    expect((await scan(gate, code.ok ? code.body.code.toUpperCase() : '')).body).toMatchObject({ result: 'admitted', ticket: { seat: 'A2' } });
    // A bare code carries no dates: the verdict tells the gate when its ticket opens.
    const later = await order(idA, ['J1'], user.token, 'demo-2');
    const laterTicket = later.body.tickets[0]!;
    const laterCode = verifyGp1(laterTicket.payload, lookup);
    expect((await scan(gate, laterCode.ok ? laterCode.body.code : '')).body).toMatchObject({
      result: 'rejected',
      reason: 'not_yet_valid',
      ticket: { seat: 'J1', validFrom: laterTicket.validFrom, validUntil: laterTicket.validUntil },
    });

    // The enrollment code is single-use.
    const reuse = await api.post('/api/v1/station/enroll', { enrollment: gate.enrollment });
    expect(reuse).toMatchObject({ status: 410, body: { error: 'enrollment_used' } });
    expect((await api.post('/api/v1/station/enroll', { enrollment: 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA' })).body).toMatchObject({ error: 'enrollment_invalid' });
  });

  it.runIf(run)('stops password guessing on an account, the right password included, and leaves other accounts alone', async () => {
    const victim = await signUp();
    const bystander = await signUp();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccountAddress.free; i++) {
      const guess = await api.post('/api/v1/sessions', { email: victim.email, password: `guess number ${i}` });
      expect(guess.body).toMatchObject({ error: 'bad_credentials' });
    }
    // Over the limit: refused before the password is looked at, so even the right one tells nothing.
    const locked = await api.post('/api/v1/sessions', { email: victim.email.toUpperCase(), password: PASSWORD });
    expect(locked).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await api.get('/api/v1/me', { token: victim.token })).status).toBe(200); // sessions already open stay open
    expect((await api.post('/api/v1/sessions', { email: bystander.email, password: PASSWORD })).status).toBe(200);
  });

  it.runIf(run)('refuses tickets of another provider, tampered payloads, and the wrong provider ID, without asking', async () => {
    const { body } = await order(idA, ['B1']);
    const ticket = body.tickets[0]!;
    const gateB = await station(idB, 'B Gate 1');
    const before = await verifyCount(providerA.url, SECRET_A);
    const wrong = await scan(gateB, ticket.payload);
    expect(wrong.body).toMatchObject({ result: 'rejected', reason: 'wrong_provider', ticket: { seat: 'B1', venue: 'Demo Cinema' } });

    // One changed character anywhere after the prefix.
    const i = 20 + (ticket.payload.length - 30);
    const swapped = ticket.payload.slice(0, i) + (ticket.payload[i] === '5' ? '6' : '5') + ticket.payload.slice(i + 1);
    const gateA = await station(idA, 'A Gate 9');
    const tampered = await scan(gateA, swapped);
    expect(tampered.body.result).toBe('rejected');
    expect(['bad_signature', 'malformed']).toContain(tampered.body.reason);
    for (let k = 5; k < ticket.payload.length; k += 37) {
      const t = ticket.payload.slice(0, k) + (ticket.payload[k] === 'A' ? 'B' : 'A') + ticket.payload.slice(k + 1);
      expect(['bad_signature', 'malformed']).toContain((await scan(gateA, t)).body.reason);
    }
    expect((await scan(gateA, 'hello world')).body).toEqual({ result: 'rejected', reason: 'malformed' });
    // A forgery around a real code: same body and key ID, signed with someone else's key.
    const real = decodeGp1(ticket.payload);
    if (!real.ok) throw new Error(real.detail);
    const forged = encodeGp1({ ...real.body, info: { ...real.body.info, seat: 'A1' } }, { keyId: real.body.keyId!, privateKey: generateKeyPairSync('ed25519').privateKey });
    expect((await scan(gateA, forged)).body).toEqual({ result: 'rejected', reason: 'bad_signature' });
    expect(await verifyCount(providerA.url, SECRET_A)).toBe(before); // provider A was never asked

    const mismatch = await api.post('/api/v1/station/scan', { payload: ticket.payload, providerId: idA, scanId: scanId() }, { token: gateB.token });
    expect(mismatch).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await api.post('/api/v1/station/scan', { payload: ticket.payload, providerId: idA, scanId: scanId() }, { token: user.token })).status).toBe(401);
  });

  it.runIf(run)('rate-limits a station that collects too many rejections', async () => {
    const { body } = await order(idA, ['B2']);
    const gate = await station(idA, 'Guessing Gate');
    for (let i = 0; i < 21; i++) {
      const v = await scan(gate, (i.toString(16) + 'f'.repeat(32)).slice(0, 32));
      expect(v.body).toMatchObject({ result: 'rejected', reason: 'unknown_code' });
    }
    const before = await verifyCount(providerA.url, SECRET_A);
    expect((await scan(gate, body.tickets[0]!.payload)).body).toEqual({ result: 'rejected', reason: 'rate_limited' });
    expect(await verifyCount(providerA.url, SECRET_A)).toBe(before);
    // Other stations are not affected.
    const other = await station(idA, 'Honest Gate');
    expect((await scan(other, body.tickets[0]!.payload)).body.result).toBe('admitted');
  });

  it.runIf(run)('one Idempotency-Key: one order, one set of tickets, never charged twice', async () => {
    const buyer = await signUp();
    const headers = { 'Idempotency-Key': 'checkout-42' };
    const [a, b] = await Promise.all([order(idA, ['C1', 'C2'], buyer.token, 'demo-1', headers), order(idA, ['C1', 'C2'], buyer.token, 'demo-1', headers)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.orderId).toBe(b.body.orderId);
    expect(a.body.tickets).toEqual(b.body.tickets);
    const later = await order(idA, ['C1', 'C2'], buyer.token, 'demo-1', headers);
    expect(later.status).toBe(200);
    expect(later.body.tickets).toEqual(a.body.tickets);
    const mine = await api.get<{ orders: Order[] }>('/api/v1/orders', { token: buyer.token });
    expect(mine.body.orders).toHaveLength(1);
    expect((await api.get<Order>(`/api/v1/orders/${a.body.orderId}`, { token: buyer.token })).body.tickets).toHaveLength(2);
    expect((await api.get(`/api/v1/orders/${a.body.orderId}`, { token: user.token })).status).toBe(404);
    expect((await order(idA, ['C3'], buyer.token, 'demo-1', headers)).body).toMatchObject({ error: 'idempotency_conflict' });
    // The same key of another user is another order.
    const other = await order(idA, ['C5'], user.token, 'demo-1', headers);
    expect(other.status).toBe(201);
    expect(other.body.orderId).not.toBe(a.body.orderId);
  });

  it.runIf(run)('a taken seat fails the order (refunded) and reserves nothing', async () => {
    const res = await order(idA, ['D1', 'C1']);
    expect(res).toMatchObject({ status: 409, body: { error: 'seat_taken' } });
    const seats = await api.get<{ seats: { seatId: string; status: string }[] }>(`/api/v1/providers/${idA}/shows/demo-1/seats`);
    expect(seats.body.seats.find((s) => s.seatId === 'D1')?.status).toBe('free');
    const mine = await api.get<{ orders: Order[] }>('/api/v1/orders', { token: user.token });
    expect(mine.body.orders.find((o) => o.seats.join() === 'D1,C1')).toMatchObject({ state: 'failed', failureReason: 'seat_taken', tickets: [] });
    expect((await order(idA, ['D2'], user.token, 'no-such-show')).body).toMatchObject({ error: 'unknown_show' });
    expect((await order('p_nope', ['D2'])).body).toMatchObject({ error: 'unknown_provider' });
    expect((await api.post('/api/v1/orders', { providerId: idA, showId: 'demo-1', seats: ['D3'], payment: { method: 'cash' } }, { token: user.token })).body).toMatchObject({
      error: 'payment_method_unsupported',
    });
    expect((await order(idA, ['D4', 'D4'])).status).toBe(400);
  });

  it.runIf(run)('shares a ticket by link, and the owner can take the link back', async () => {
    const { body } = await order(idA, ['E1']);
    const ticket = body.tickets[0]!;
    const token = ticket.shareUrl!.split('/t/')[1]!;
    const anyone = bookingClient(booking.url);
    const shared = await anyone.get<{ payload: string; seat: string; imageUrl: string; qrUrl: string }>(`/api/v1/shared/${token}`);
    expect(shared.status).toBe(200);
    expect(shared.body).toMatchObject({ payload: ticket.payload, seat: 'E1', validFrom: ticket.validFrom, validUntil: ticket.validUntil });
    expect(shared.text).not.toContain(user.token);
    const img = await anyone.get(shared.body.imageUrl.replace(booking.url, ''));
    expect(img.status).toBe(200);
    expect(img.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect((await anyone.get(shared.body.qrUrl.replace(booking.url, ''))).status).toBe(200);
    // A share token opens only its own ticket.
    expect((await anyone.get(`/api/v1/tickets/${body.tickets[0]!.ticketId}x/image.png?share=${token}`)).status).toBe(404);

    expect((await api.post<{ shareUrl: string }>(`/api/v1/tickets/${ticket.ticketId}/share`, undefined, { token: user.token })).body.shareUrl).toBe(ticket.shareUrl);
    expect((await api.delete(`/api/v1/tickets/${ticket.ticketId}/share`, { token: user.token })).status).toBe(204);
    expect((await anyone.get(`/api/v1/shared/${token}`)).body).toMatchObject({ error: 'share_not_found' });
    expect((await anyone.get(shared.body.imageUrl.replace(booking.url, ''))).status).toBe(404);
    const again = await api.post<{ shareUrl: string }>(`/api/v1/tickets/${ticket.ticketId}/share`, undefined, { token: user.token });
    expect(again.body.shareUrl).not.toBe(ticket.shareUrl);
    expect((await anyone.get(`/api/v1/shared/${again.body.shareUrl.split('/t/')[1]}`)).status).toBe(200);
    const mine = await api.get<Order>(`/api/v1/orders/${body.orderId}`, { token: user.token });
    expect(mine.body.tickets[0]!.shareUrl).toBe(again.body.shareUrl);
    expect((await api.delete(`/api/v1/tickets/${ticket.ticketId}/share`, { token: (await signUp()).token })).status).toBe(404);
  });

  it.runIf(run)('gives stations an offline bundle and takes their offline journal', async () => {
    const gate = await station(idA, 'Offline Gate');
    const { body } = await order(idA, ['F1', 'F2']);
    const [t1, t2] = body.tickets;
    expect((await scan(gate, t1!.payload)).body.result).toBe('admitted');
    const bundle = await api.get<{ keys: unknown[]; redeemed: { code: string; gate: string }[]; revoked: string[]; cursor: string }>('/api/v1/station/offline-bundle', {
      token: gate.token,
    });
    expect(bundle.status, bundle.text).toBe(200);
    expect(bundle.body.keys).toHaveLength(1);
    const c1 = (decodeGp1(t1!.payload) as { body: { code: string } }).body.code;
    expect(bundle.body.redeemed).toContainEqual(expect.objectContaining({ code: c1, gate: 'Offline Gate' }));
    expect((await api.get('/api/v1/station/offline-bundle?since=abc', { token: gate.token })).status).toBe(400);

    const now = Math.floor(Date.now() / 1000);
    const { body: otherB } = await order(idB, ['F1']);
    const journal = await api.post<{ results: (ScanVerdict & { scanId: string })[] }>(
      '/api/v1/station/journal',
      {
        redemptions: [
          { payload: t2!.payload, scanId: 'off-1', at: now - 10 },
          { payload: t1!.payload, scanId: 'off-2', at: now - 5 },
          { payload: otherB.tickets[0]!.payload, scanId: 'off-3', at: now - 5 },
          { code: 'not a code', scanId: 'off-4', at: now },
        ],
      },
      { token: gate.token },
    );
    expect(journal.status, journal.text).toBe(200);
    expect(journal.body.results.map((r) => [r.scanId, r.result, r.reason ?? null])).toEqual([
      ['off-1', 'admitted', null],
      ['off-2', 'rejected', 'already_redeemed'],
      ['off-3', 'rejected', 'wrong_provider'],
      ['off-4', 'rejected', 'malformed'],
    ]);
    expect(journal.body.results[1]!.redeemedGate).toBe('Offline Gate');
    // A scan ID sent again for another ticket: the provider's scan_id_conflict reaches the station as `malformed`.
    const reused = await api.post<{ results: (ScanVerdict & { scanId: string })[] }>(
      '/api/v1/station/journal',
      { redemptions: [{ payload: t1!.payload, scanId: 'off-1', at: now }] },
      { token: gate.token },
    );
    expect(reused.body.results).toEqual([{ scanId: 'off-1', result: 'rejected', reason: 'malformed' }]);
    const after = await api.get<{ redeemed: { code: string }[] }>('/api/v1/station/offline-bundle', { token: gate.token });
    expect(after.body.redeemed.length).toBe(bundle.body.redeemed.length + 1);

    // A revoked ticket: the provider refuses it, and the next bundle lists its code.
    const { body: third } = await order(idA, ['F3']);
    const revokedCode = (decodeGp1(third.tickets[0]!.payload) as { body: { code: string } }).body.code;
    expect((await api.post(`/api/v1/admin/tickets/${third.tickets[0]!.ticketId}/revoke`, undefined)).status).toBe(401);
    expect((await api.post(`/api/v1/admin/tickets/${third.tickets[0]!.ticketId}/revoke`, undefined, { token: ADMIN })).status).toBe(200);
    expect((await api.get<{ revoked: string[] }>(`/api/v1/station/offline-bundle?since=${bundle.body.cursor}`, { token: gate.token })).body.revoked).toContain(revokedCode);
    expect((await scan(gate, third.tickets[0]!.payload)).body).toMatchObject({ result: 'rejected', reason: 'revoked' });
  });

  it.runIf(run)('answers bad input with a 4xx reason and no stack trace', async () => {
    const cases = [
      { res: await api.call('POST', '/api/v1/users', { raw: '{"email":' }), status: 400, error: 'invalid_json' },
      { res: await api.call('POST', '/api/v1/users', { raw: 'email=a', contentType: 'text/plain' }), status: 415, error: 'unsupported_media_type' },
      { res: await api.post('/api/v1/users', { email: 'big@example.com', password: 'x'.repeat(70_000) }), status: 413, error: 'body_too_large' },
      { res: await api.post('/api/v1/orders', { providerId: idA }, { token: user.token }), status: 400, error: 'bad_request' },
      { res: await api.post('/api/v1/orders', { providerId: idA, showId: 'demo-1', seats: ['A9'], payment: { method: 'demo' } }, { token: user.token, headers: { 'Idempotency-Key': 'bad key with spaces' } }), status: 400, error: 'bad_request' },
      { res: await api.post('/api/v1/station/scan', { payload: 'x', providerId: idA, scanId: 's' }), status: 401, error: 'unauthorized' },
      { res: await api.get('/api/v1/shared/nope'), status: 404, error: 'share_not_found' },
      { res: await api.get('/api/v1/nothing-here'), status: 404, error: 'not_found' },
    ];
    expectErrorAnswers(cases);
  });

  it.runIf(run)('answers provider_unavailable within 2 s when the provider is down', async () => {
    const { body } = await order(idB, ['G1']);
    const gate = await station(idB, 'B Gate 2');
    await providerB.stop();
    const started = Date.now();
    const res = await scan(gate, body.tickets[0]!.payload);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body).toEqual({ result: 'rejected', reason: 'provider_unavailable' });
    const shows = await api.get<{ unavailable: string[] }>('/api/v1/shows');
    expect(shows.body.unavailable.sort()).toEqual([idB, idDead].sort());
  });

  it.runIf(run)('never shows a secret in its output', async () => {
    const output = booking.output.join('\n');
    expect(output).toContain('booking ready at');
    for (const secret of secretsSeen) expect(output, `a secret leaked into the log`).not.toContain(secret);
  });
});
