// Test support: a verification server whose behaviour a test switches —
// answering, down (503), slow, or refusing seats — to drive the booking
// server's order state machine, relay and catalogue through their failure
// paths, counting the calls it gets. It
// checks the booking server's signatures like the real one and, like the real
// one, issues the same codes again for the same orderRef.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { CodesRequest, CodesResponse } from '../../../protocol/provider-api.js';
import type { Verdict } from '../../../protocol/verdict.js';
import { checkSignature, SIGNATURE_HEADER } from '../../../protocol/signature.js';

export type FakeMode = 'ok' | 'down' | 'slow' | 'seat_taken';

export interface FakeProvider {
  url: string;
  /** batch: POST /v1/redemptions, as verify when unset; shows: GET /v1/shows and seat maps, ok when unset */
  mode: { codes: FakeMode; verify: FakeMode; batch?: FakeMode; shows?: FakeMode };
  /** how long `slow` takes, ms */
  slowMs: number;
  /** showsAnswered: GET /v1/shows calls answered so far (a slow one answers after slowMs) */
  calls: { codes: number; verify: number; batches: number; badSignatures: number; shows: number; showsAnswered: number; seats: number };
  /** whether POST /v1/redemptions exists (without it: a 404 page, as from a provider built without the route) */
  batchRoute: boolean;
  /** batch answers as a minimal provider might give them: result and reason, no ticket */
  batchWithoutTickets: boolean;
  /** scan IDs "already used for another code": refused within a batch, 409 scan_id_conflict alone */
  conflictScanIds: Set<string>;
  /** orderRef → the tickets issued for it */
  issued: Map<string, CodesResponse>;
  close(): Promise<void>;
}

/** The seats of FAKE_SHOW's seat map (codes are issued for any seat ID, listed or not). */
export const FAKE_SEATS = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8'];

export const FAKE_SHOW = { showId: 'fx-1', title: '星河彼岸 Test Show', venue: 'Fake Venue', hall: 'Hall 9', startsAt: 2_000_000_000, endsAt: 2_000_007_200, priceCents: 1000, currency: 'CNY' };

export async function startFakeProvider(secret: string): Promise<FakeProvider> {
  const app: FastifyInstance = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  const fake: FakeProvider = {
    url: '',
    mode: { codes: 'ok', verify: 'ok' },
    slowMs: 1000,
    calls: { codes: 0, verify: 0, batches: 0, badSignatures: 0, shows: 0, showsAnswered: 0, seats: 0 },
    batchRoute: true,
    batchWithoutTickets: false,
    conflictScanIds: new Set(),
    issued: new Map(),
    close: () => app.close(),
  };
  const soldSeats = () => new Set([...fake.issued.values()].flatMap((o) => o.tickets.map((t) => t.seatId)));
  const behave = async (mode: FakeMode): Promise<{ status: number; body: unknown } | undefined> => {
    if (mode === 'down') return { status: 503, body: { error: 'internal', message: 'down for maintenance' } };
    if (mode === 'slow') await new Promise((r) => setTimeout(r, fake.slowMs));
    if (mode === 'seat_taken') return { status: 409, body: { error: 'seat_taken', message: 'taken' } };
    return undefined;
  };

  app.addHook('preHandler', async (req, reply) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const check = checkSignature(secret, req.headers[SIGNATURE_HEADER], req.method, req.url, body);
    if (!check.ok) {
      fake.calls.badSignatures++;
      return reply.code(401).send({ error: check.reason, message: 'bad signature' });
    }
    if (body) req.body = JSON.parse(body);
  });
  app.get('/v1/shows', async (_req, reply) => {
    fake.calls.shows++;
    const odd = await behave(fake.mode.shows ?? 'ok');
    fake.calls.showsAnswered++;
    if (odd) return reply.code(odd.status).send(odd.body);
    const sold = soldSeats();
    return { shows: [{ ...FAKE_SHOW, seatsFree: FAKE_SEATS.filter((seatId) => !sold.has(seatId)).length }] };
  });
  /** Row A of FAKE_SHOW: a seat is sold once codes were issued for it. */
  app.get('/v1/shows/:showId/seats', async (req, reply) => {
    fake.calls.seats++;
    const odd = await behave(fake.mode.shows ?? 'ok');
    if (odd) return reply.code(odd.status).send(odd.body);
    if ((req.params as { showId: string }).showId !== FAKE_SHOW.showId) return reply.code(404).send({ error: 'unknown_show', message: 'no such show' });
    const sold = soldSeats();
    return { seats: FAKE_SEATS.map((seatId, i) => ({ seatId, row: 'A', number: i + 1, status: sold.has(seatId) ? 'sold' : 'free' })) };
  });
  app.post('/v1/codes', async (req, reply) => {
    fake.calls.codes++;
    const order = req.body as CodesRequest;
    const odd = await behave(fake.mode.codes);
    // A slow provider still does the work: the booking server gave up waiting, not the provider.
    if (odd && fake.mode.codes !== 'slow') return reply.code(odd.status).send(odd.body);
    let issued = fake.issued.get(order.orderRef);
    if (!issued) {
      issued = {
        show: { showId: FAKE_SHOW.showId, title: FAKE_SHOW.title, venue: FAKE_SHOW.venue, hall: FAKE_SHOW.hall, startsAt: FAKE_SHOW.startsAt, endsAt: FAKE_SHOW.endsAt },
        tickets: order.seats.map((seatId) => ({
          ticketId: `tk_${randomBytes(6).toString('hex')}`,
          seatId,
          seat: seatId,
          code: randomBytes(16).toString('hex'),
          validFrom: FAKE_SHOW.startsAt - 3600,
          validUntil: FAKE_SHOW.endsAt,
        })),
      };
      fake.issued.set(order.orderRef, issued);
    }
    return reply.code(201).send(issued);
  });
  const verdictFor = (code: string): Verdict => {
    for (const o of fake.issued.values()) {
      const t = o.tickets.find((x) => x.code === code);
      if (t) {
        return {
          result: 'admitted',
          ticket: { ticketId: t.ticketId, showId: o.show.showId, seatId: t.seatId, title: o.show.title, venue: o.show.venue, hall: o.show.hall, seat: t.seat, startsAt: o.show.startsAt, validFrom: t.validFrom, validUntil: t.validUntil },
        };
      }
    }
    return { result: 'rejected', reason: 'unknown_code' };
  };
  app.post('/v1/verify', async (req, reply) => {
    fake.calls.verify++;
    const odd = await behave(fake.mode.verify);
    if (odd) return reply.code(odd.status).send(odd.body);
    const { code, scanId } = req.body as { code: string; scanId: string };
    if (fake.conflictScanIds.has(scanId)) return reply.code(409).send({ error: 'scan_id_conflict', message: 'this scan ID was already used for another code' });
    return verdictFor(code);
  });
  app.post('/v1/redemptions', async (req, reply) => {
    fake.calls.batches++;
    if (!fake.batchRoute) return reply.code(404).type('text/html').send('<html><body><h1>404 Not Found</h1></body></html>');
    const odd = await behave(fake.mode.batch ?? fake.mode.verify);
    if (odd) return reply.code(odd.status).send(odd.body);
    const { redemptions } = req.body as { redemptions: { code: string; scanId: string }[] };
    return {
      results: redemptions.map((r) =>
        fake.conflictScanIds.has(r.scanId)
          ? { scanId: r.scanId, result: 'rejected', reason: 'scan_id_conflict' }
          : { scanId: r.scanId, ...verdictFor(r.code), ...(fake.batchWithoutTickets ? { ticket: undefined } : {}) },
      ),
    };
  });
  app.post('/v1/tickets/:ticketId/revoke', async (req) => ({ ticketId: (req.params as { ticketId: string }).ticketId, revokedAt: Math.floor(Date.now() / 1000) }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address() as { port: number };
  fake.url = `http://127.0.0.1:${addr.port}`;
  return fake;
}
