// An order the venue issues just before staff cancel its show: the venue's
// answer is still on its way back when the cancellation reads this server's
// tickets, so the order's tickets are stored after it. They must be taken back
// with their money all the same. A real verification server process behind a
// real HTTP relay that holds the venue's /v1/codes answer until the show is
// cancelled, and a booking server in this process, on SQLite and PostgreSQL.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { BACKENDS } from '../../common/testing/storage.js';
import { openVenue } from '../testing/setup.js';
import { bookingTestbed, recordingGateway } from '../testing/testbed.js';

const ADMIN = 'race-admin-token-0123456789abcdef';
const SECRET = 'race-provider-secret-0123456789abc';
const POLL = { timeout: 10_000, interval: 50 };

/** Passes every request on to `target`; the answers to POST /v1/codes wait for `release()`. */
function holdingRelay(target: string) {
  let answered!: () => void;
  let release!: () => void;
  const codesAnswered = new Promise<void>((resolve) => (answered = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', target);
      const out = request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          const send = () => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(body));
          };
          if (req.method === 'POST' && url.pathname === '/v1/codes') {
            answered();
            void released.then(send);
          } else send();
        });
      });
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  return { server, codesAnswered, release };
}

describe.each(BACKENDS)('a show cancelled while an order of it is being issued, on $backend', (each) => {
  const { run } = each;
  const gateway = recordingGateway();
  const bed = bookingTestbed(each, { name: 'show-race', adminToken: ADMIN, provider: { secret: SECRET, kind: 'demo' }, booking: { payments: gateway.payments, retryIntervalMs: 50 } });
  let relay: ReturnType<typeof holdingRelay>;

  beforeAll(async () => {
    if (!run) return;
    relay = holdingRelay(bed.provider.url);
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    relay?.release();
    await new Promise((resolve) => relay?.server.close(resolve));
  });

  it.runIf(run)('takes the late order’s tickets back with their money, and the gate refuses them', async () => {
    const api = bed.api;
    const relayUrl = `http://127.0.0.1:${(relay.server.address() as AddressInfo).port}`;
    const { providerId, station, customers: [alice] } = await openVenue(api, ADMIN, { provider: { name: 'Harbour Hall', verifyUrl: relayUrl, secret: SECRET }, gate: 'Main Door', customers: ['alice@example.com'] });
    const showsPath = `/api/v1/admin/providers/${providerId}/shows`;
    const start = Math.floor(Date.now() / 1000) + 3 * 24 * 3600;
    const created = await api.post(showsPath, { showId: 'late-gala', title: 'Late Gala', hall: 'Hall 1', startsAt: start, endsAt: start + 7200, priceCents: 4500, currency: 'CNY', rows: 2, seatsPerRow: 4 }, { token: ADMIN });
    expect(created.status, created.text).toBe(201);

    // The venue issues Alice's seats; its answer is held on the way back.
    const placing = api.post<Order>('/api/v1/orders', { providerId, showId: 'late-gala', seats: ['A1', 'A2'], payment: { method: 'demo' } }, { token: alice });
    await relay.codesAnswered;
    // Meanwhile staff cancel the show: this server has no ticket of it yet.
    const cancelled = await api.post(`${showsPath}/late-gala/cancel`, undefined, { token: ADMIN });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body).toEqual({ showId: 'late-gala', cancelled: 0, refunded: 0, pending: 0 });
    relay.release();
    const placed = await placing;
    expect(placed.status, placed.text).toBe(201);
    expect(placed.body.tickets).toHaveLength(2);

    // Both tickets come back with their money, once each, and no gate admits them.
    for (const t of placed.body.tickets) {
      await expect.poll(() => gateway.refunds.filter((r) => r.refundId === `ticket:${t.ticketId}`).map((r) => r.reason), POLL).toEqual(['show_cancelled']);
    }
    for (const [i, t] of placed.body.tickets.entries()) {
      const scan = await api.post<ScanVerdict>('/api/v1/station/scan', { payload: t.payload, providerId, scanId: `late-${i}`, source: 'test' }, { token: station });
      expect(scan.body).toMatchObject({ result: 'rejected', reason: 'revoked' });
    }
    // Alice sees each ticket refunded, not a QR code for a show that will not happen.
    const mine = await api.get<Order>(`/api/v1/orders/${placed.body.orderId}`, { token: alice });
    expect(mine.body.tickets.map((t) => t.refund)).toEqual([expect.objectContaining({ state: 'refunded', amountCents: 4500 }), expect.objectContaining({ state: 'refunded', amountCents: 4500 })]);
    // The background pass, coming by again, refunds nothing twice.
    await expect.poll(() => gateway.refunds.filter((r) => placed.body.tickets.some((t) => r.refundId === `ticket:${t.ticketId}`)).length, POLL).toBe(2);
  });
});
