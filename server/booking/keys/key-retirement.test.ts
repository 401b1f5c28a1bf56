// Retiring a leaked platform signing key (key-retirement.ts): its tickets get
// `bad_signature` at the online relay (also a text this server itself issued
// and remembers), it leaves /api/v1/keys and the offline bundle so a station
// refuses its tickets offline, every ticket it signed is signed again with the
// active key and shown so to its owner (ticket list, QR, image, share page)
// with an inbox message, and it never signs again. A second booking process on
// the same database stops trusting it within KEY_REFRESH_MS.
// Booking servers in process, a fake provider over real HTTP, a real station
// verifier (server-client) for the offline check; SQLite file and PostgreSQL.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineBundle, Order } from '../../../protocol/booking-api.js';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { decodeGp1, importPublicKey, parseScanText, verifyGp1 } from '../../../protocol/gp1.js';
import { ScanVerifier } from '../../../server-client/verifier.js';
import { BACKENDS, testStorage, type TestStorage } from '../../common/testing/storage.js';
import { KEY_REFRESH_MS } from '../background-work.js';
import type { RunningBooking } from '../server.js';
import { FAKE_SHOW, startFakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { hasZbarimg, zbarDecodePng } from '../tickets/image/testing/decoders.js';
import { bookingClient, type BookingClient } from '../testing/http.js';
import { enrollStation, registerProvider, signUp as signUpWith, startTestBooking } from '../testing/setup.js';

const ADMIN = 'admin-token-for-retirement-tests';
const SECRET = 'fake-provider-secret-for-retirement';
const zbar = hasZbarimg();

// The station checks validity with the real clock: the fake's show runs now.
const nowS = Math.floor(Date.now() / 1000);
FAKE_SHOW.startsAt = nowS + 1800;
FAKE_SHOW.endsAt = nowS + 9000;

type Message = { ticketId: string | null; title: string; body: string };
const codeOf = (payload: string) => (decodeGp1(payload) as { body: { code: string } }).body.code;
const keyOf = (payload: string) => (decodeGp1(payload) as { body: { keyId: number } }).body.keyId;

describe.each(BACKENDS)('signing key retirement on $backend', ({ backend, run }) => {
  let store: TestStorage | undefined;
  let fake: FakeProvider;
  let a: RunningBooking | undefined;
  let b: RunningBooking | undefined;
  let api: BookingClient;
  let providerId: string;
  let stationToken: string;
  let seat = 0;
  const start = (retireKeyId?: number) =>
    startTestBooking({ dataDir: store!.dir, databaseUrl: store!.databaseUrl, adminToken: ADMIN, demo: true, retireKeyId });
  const signUp = (email: string) => signUpWith(api, email);
  const order = async (token: string, n = 1) => {
    const seats = Array.from({ length: n }, () => `R${++seat}`);
    const res = await api.post<Order>('/api/v1/orders', { providerId, showId: FAKE_SHOW.showId, seats, payment: { method: 'demo' } }, { token });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const scan = (payload: string, via = api) =>
    via.post<ScanVerdict>('/api/v1/station/scan', { payload, providerId, scanId: `s-${++seat}` }, { token: stationToken }).then((r) => r.body);
  const keyIds = async () => (await api.get<{ keys: { keyId: number }[] }>('/api/v1/keys')).body.keys.map((k) => k.keyId);
  const retire = (keyId: number | string, token?: string) =>
    api.post<{ keyId: number; activeKeyId: number; reissued: number }>(`/api/v1/admin/keys/${keyId}/retire`, undefined, token ? { token } : {});

  beforeAll(async () => {
    if (!run) return;
    store = await testStorage(backend, 'retire');
    fake = await startFakeProvider(SECRET);
    a = await start();
    api = bookingClient(a.url);
    providerId = await registerProvider(api, ADMIN, { verifyUrl: fake.url, secret: SECRET });
    stationToken = await enrollStation(api, ADMIN, providerId, 'Retire Gate');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await fake?.close();
    await store?.remove();
  });

  it.runIf(run)('its tickets are refused online and signed again for their owners, who are told; it is listed nowhere', async () => {
    const owner = await signUp('owner@example.com');
    const reader = await signUp('reader@example.com');
    expect((await api.call('PUT', '/api/v1/me/reminders', { body: { channels: ['inapp'], leadMinutes: 60, language: 'zh-CN' }, token: reader })).status).toBe(200);
    const bought = await order(owner, 2);
    const other = (await order(reader)).tickets[0]!;
    const [t1, t2] = bought.tickets as [Order['tickets'][0], Order['tickets'][0]];
    expect(keyOf(t1.payload)).toBe(1);
    const shareToken = t1.shareUrl!.split('/t/')[1]!;
    const oldSvg = (await api.get(`/api/v1/tickets/${t1.ticketId}/qr.svg`, { token: owner })).text;
    const oldPng = (await api.get(`/api/v1/tickets/${t1.ticketId}/image.png`, { token: owner })).bytes;
    expect((await scan(t1.payload)).result).toBe('admitted');

    expect((await retire(1)).status).toBe(401);
    expect(await retire(99, ADMIN)).toMatchObject({ status: 404, body: { error: 'unknown_key' } });
    expect(await retire(1, ADMIN)).toMatchObject({ status: 200, body: { keyId: 1, activeKeyId: 2, reissued: 3 } });

    // Online: this server issued the old text and remembers it, and still refuses it.
    expect(await scan(t1.payload)).toEqual({ result: 'rejected', reason: 'bad_signature' });
    expect(await scan(other.payload)).toEqual({ result: 'rejected', reason: 'bad_signature' });
    // Listed nowhere: not for auditors, not in the stations' bundle.
    expect(await keyIds()).toEqual([2]);
    const bundle = await api.get<OfflineBundle>('/api/v1/station/offline-bundle', { token: stationToken });
    expect(bundle.body.keys.map((k) => k.keyId)).toEqual([2]);

    // The owner's tickets: same codes, signed by key 2, everywhere they are shown.
    const { keys } = (await api.get<{ keys: { keyId: number; publicKey: string }[] }>('/api/v1/keys')).body;
    const lookup = (id: number) => importPublicKey(keys.find((k) => k.keyId === id)?.publicKey ?? '') ?? undefined;
    const now = (await api.get<Order>(`/api/v1/orders/${bought.orderId}`, { token: owner })).body.tickets;
    expect(now.map((t) => t.ticketId)).toEqual([t1.ticketId, t2.ticketId]);
    for (const [i, t] of now.entries()) {
      expect(t.payload).not.toBe(bought.tickets[i]!.payload);
      expect(verifyGp1(t.payload, lookup)).toMatchObject({ ok: true, body: { keyId: 2, code: codeOf(bought.tickets[i]!.payload) } });
    }
    const fresh = now[0]!.payload;
    expect((await api.get(`/api/v1/tickets/${t1.ticketId}/qr.svg`, { token: owner })).text).not.toBe(oldSvg);
    const png = (await api.get(`/api/v1/tickets/${t1.ticketId}/image.png`, { token: owner })).bytes;
    expect(png.equals(oldPng)).toBe(false);
    if (zbar) expect(zbarDecodePng(png)).toBe(fresh);
    expect((await api.get<{ payload: string }>(`/api/v1/shared/${shareToken}`)).body.payload).toBe(fresh);
    expect(await scan(fresh)).toMatchObject({ result: 'admitted' });

    const inbox = (await api.get<{ messages: Message[]; unread: number }>('/api/v1/me/messages', { token: owner })).body;
    expect(inbox.unread).toBe(2);
    expect(inbox.messages.map((m) => m.ticketId).sort()).toEqual([t1.ticketId, t2.ticketId].sort());
    expect(inbox.messages[0]).toMatchObject({ title: `Your ticket was re-issued: ${FAKE_SHOW.title}`, body: expect.stringContaining('The old one (printed or saved as a screenshot) no longer works at the gate') });
    const theirs = (await api.get<{ messages: Message[] }>('/api/v1/me/messages', { token: reader })).body.messages;
    expect(theirs).toEqual([expect.objectContaining({ ticketId: other.ticketId, title: `电子票已重新签发：${FAKE_SHOW.title}` })]);

    // Again: nothing more to do, nobody told twice.
    expect(await retire(1, ADMIN)).toMatchObject({ status: 200, body: { keyId: 1, activeKeyId: 2, reissued: 0 } });
    expect((await api.get<{ unread: number }>('/api/v1/me/messages', { token: owner })).body.unread).toBe(2);
  });

  it.runIf(run)('a retired key never signs again: retiring the active key makes a new one, and IDs are never reused', async () => {
    expect((await api.post<{ keyId: number }>('/api/v1/admin/keys', undefined, { token: ADMIN })).body.keyId).toBe(3);
    expect(await retire(3, ADMIN)).toMatchObject({ status: 200, body: { keyId: 3, activeKeyId: 4 } });
    expect(await keyIds()).toEqual([2, 4]);
    const token = await signUp('late@example.com');
    const late = await order(token);
    expect(keyOf(late.tickets[0]!.payload)).toBe(4);
    // Restarted with --retire-key 4, the active key: key 5 is made, and the ticket is signed again once it listens.
    await a!.close();
    a = await start(4);
    api = bookingClient(a.url);
    expect(a.ctx.keys.activeKeyId).toBe(5);
    expect(await keyIds()).toEqual([2, 5]);
    const startedAt = Date.now();
    let payload = late.tickets[0]!.payload;
    while (keyOf(payload) === 4 && Date.now() - startedAt < 5000) {
      await new Promise((r) => setTimeout(r, 50));
      payload = (await api.get<Order>(`/api/v1/orders/${late.orderId}`, { token })).body.tickets[0]!.payload;
    }
    expect(keyOf(payload)).toBe(5);
    expect((await api.get<{ messages: Message[] }>('/api/v1/me/messages', { token })).body.messages).toEqual([expect.objectContaining({ ticketId: late.tickets[0]!.ticketId })]);
  });

  it.runIf(run)(`another booking process stops trusting a key retired elsewhere within ${KEY_REFRESH_MS} ms, and what it signed meanwhile is signed again`, async () => {
    const token = await signUp('multi@example.com');
    const bought = await order(token);
    const t = bought.tickets[0]!;
    expect(keyOf(t.payload)).toBe(5);
    // B starts after the ticket was issued: it holds the payload among those it knows were issued.
    b = await start();
    const viaB = bookingClient(b.url);
    await b.ctx.issued.loaded;
    expect(b.ctx.issued.has(t.payload)).toBe(true);
    expect((await scan(t.payload, viaB)).result).toBe('admitted');

    expect(await retire(5, ADMIN)).toMatchObject({ status: 200, body: { keyId: 5, activeKeyId: 6 } });
    const retiredAt = Date.now();
    // B has not heard yet: a ticket it issues now is signed with the retired key…
    const straggler = (await viaB.post<Order>('/api/v1/orders', { providerId, showId: FAKE_SHOW.showId, seats: [`R${++seat}`], payment: { method: 'demo' } }, { token })).body;
    expect(keyOf(straggler.tickets[0]!.payload)).toBe(5);
    let verdict: ScanVerdict;
    do {
      verdict = await scan(t.payload, viaB);
      if (verdict.reason === 'bad_signature') break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() - retiredAt < KEY_REFRESH_MS + 3000);
    const took = Date.now() - retiredAt;
    expect(verdict).toEqual({ result: 'rejected', reason: 'bad_signature' });
    // One refresh interval, plus the refresh itself and the scan on a shared two-core machine.
    expect(took).toBeLessThanOrEqual(KEY_REFRESH_MS + 2000);
    // The ticket signed again by A (key 6, which B had never seen) is admitted at B.
    const payload = (await api.get<Order>(`/api/v1/orders/${bought.orderId}`, { token })).body.tickets[0]!.payload;
    expect(keyOf(payload)).toBe(6);
    expect(await scan(payload, viaB)).toMatchObject({ result: 'admitted' });
    // …and signed again by the next refresh, its owner told like the others.
    let reissued = straggler.tickets[0]!.payload;
    while (keyOf(reissued) === 5 && Date.now() - retiredAt < KEY_REFRESH_MS + 3000) {
      await new Promise((r) => setTimeout(r, 100));
      reissued = (await api.get<Order>(`/api/v1/orders/${straggler.orderId}`, { token })).body.tickets[0]!.payload;
    }
    expect(keyOf(reissued)).toBe(6);
    expect(Date.now() - retiredAt).toBeLessThanOrEqual(KEY_REFRESH_MS + 2000);
    const told = (await api.get<{ messages: Message[] }>('/api/v1/me/messages', { token })).body.messages.map((m) => m.ticketId);
    expect(told.sort()).toEqual([t.ticketId, straggler.tickets[0]!.ticketId].sort());
  });

  it.runIf(run)('a station that took the bundle after the retirement refuses the old QR offline and admits the new one', async () => {
    const token = await signUp('offline@example.com');
    const bought = await order(token);
    const old = bought.tickets[0]!.payload;
    const station = new ScanVerifier({ dataDir: mkdtempSync(join(store!.dir, 'station-')), log: { info: () => undefined, warn: () => undefined, error: () => undefined }, startDelayMs: 60_000 });
    station.configure({ serverUrl: a!.url, token: stationToken, providerId, gate: 'Retire Gate', policy: 'signed', timeoutMs: 1500 });
    try {
      expect(await station.refreshBundle()).toBe(true);
      expect(station.offlineCache!.key(keyOf(old))).toBeDefined();
      expect(await retire(keyOf(old), ADMIN)).toMatchObject({ status: 200, body: { keyId: keyOf(old) } });
      expect(await station.refreshBundle()).toBe(true);
      const fresh = (await api.get<Order>(`/api/v1/orders/${bought.orderId}`, { token })).body.tickets[0]!.payload;
      expect(await station.verify(parseScanText(old), 'test')).toMatchObject({ result: 'rejected', reason: 'bad_signature', offline: false });
      // The booking servers go away: the station decides on its own, from the bundle it took.
      await b?.close();
      await a!.close();
      b = undefined;
      a = undefined;
      expect(await station.verify(parseScanText(old), 'test')).toMatchObject({ result: 'rejected', reason: 'cannot_verify', offline: true });
      expect(await station.verify(parseScanText(fresh), 'test')).toMatchObject({ result: 'admitted', offline: true });
    } finally {
      await station.close();
    }
  });
});
