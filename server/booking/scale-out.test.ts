// Gatepost scaled out, as the README's "Several processes" runs it: two real
// `gatepost booking` processes on one PostgreSQL database and two instances of
// one provider on another (testing/scale-out.ts), requests spread over both
// booking processes as a load balancer without sticky sessions would. What
// must hold however the requests fall:
// - one ticket scanned at once from several doors through both processes is
//   admitted once, and redeemed once on the provider;
// - one seat ordered at once by many customers through both processes is sold
//   once, to one order, with one ticket;
// - a station scanning things that are not tickets through both processes is
//   stopped at the limit one process sets, not at twice it.
// A signed provider request sent to one instance and replayed byte for byte to
// the other is refused (`signature_replayed`): server/provider/shared-nonces.test.ts
// shows that between two provider processes on one database.
//
// A scan gets 1.5 s for its provider's answer, whatever the load. On a busy
// machine a burst can outlast that: the provider takes a batch of scans in one
// transaction, and a second batch for the same ticket waits for its row. A scan
// answered `provider_unavailable` is asked again under its scan ID, which the
// provider answers with the verdict it decided, if it decided one; what the
// scans end with is what must hold. A customer whose order is answered 202
// (paid, tickets not issued yet) asks again with its Idempotency-Key, which
// drives the order on.
// Skipped without a reachable PostgreSQL (a failure under CI).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_HEADER, type Order } from '../../protocol/booking-api.js';
import type { ScanVerdict } from '../../protocol/verdict.js';
import { DEFAULT_RATE_LIMIT } from '../common/rate-limit.js';
import { postgresAvailable } from '../common/testing/postgres.js';
import type { BookingClient } from './testing/http.js';
import { codeOf, customersInDatabase, enrollAt, signUpFrom, startScaleOut, type ScaleOut } from './testing/scale-out.js';

const run = await postgresAvailable();
const BURST = 64;
const SHOW = 'demo-1';
/** how long a client keeps asking again after a late answer */
const PATIENCE_MS = 60_000;

interface Station {
  gate: string;
  token: string;
}

const tally = (reasons: string[]) => reasons.reduce<Record<string, number>>((m, r) => ({ ...m, [r]: (m[r] ?? 0) + 1 }), {});

describe.runIf(run)('two booking processes and two provider instances on PostgreSQL', { timeout: 240_000 }, () => {
  let stack: ScaleOut;
  /** doors enrolled, two through each booking process */
  let doors: Station[];
  /** the first customer's account and tickets: A1 (scanned at once), A2 (for the guessing station), row B (warm-up) */
  const FIRST = 'first@example.com';
  let tickets: Order['tickets'];

  const scan = async (api: BookingClient, station: Station, payload: string, scanId: string) => {
    const res = await api.post<ScanVerdict>('/api/v1/station/scan', { payload, providerId: stack.providerId, scanId, source: 'test' }, { token: station.token });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  /**
   * A burst of scans at once; each answered `provider_unavailable` is then asked again under its scan ID,
   * one at a time. The first answers, and the verdicts the scans end with.
   */
  const burst = async (requests: { api: BookingClient; station: Station; payload: string; scanId: string }[]) => {
    const started = performance.now();
    const first = await Promise.all(requests.map((r) => scan(r.api, r.station, r.payload, r.scanId)));
    const ms = performance.now() - started;
    const verdicts = [...first];
    const deadline = performance.now() + PATIENCE_MS;
    for (const [i, r] of requests.entries()) {
      while (verdicts[i]!.reason === 'provider_unavailable' && performance.now() < deadline) verdicts[i] = await scan(r.api, r.station, r.payload, r.scanId);
    }
    return { first: tally(first.map((v) => v.reason ?? v.result)), verdicts, ms };
  };
  /** One scan, and the verdict it ends with. */
  const settled = async (api: BookingClient, station: Station, payload: string, scanId: string) => (await burst([{ api, station, payload, scanId }])).verdicts[0]!;
  /** An order as a customer's browser places it: asked again with its Idempotency-Key while the answer is 202 (paid, not issued yet). */
  const order = async (api: BookingClient, token: string, seats: string[]) => {
    const key = randomBytes(16).toString('hex');
    const place = () =>
      api.post<Order & { error?: string }>('/api/v1/orders', { providerId: stack.providerId, showId: SHOW, seats, payment: { method: 'demo' } }, { token, headers: { [IDEMPOTENCY_KEY_HEADER]: key } });
    let res = await place();
    let late = 0;
    const deadline = performance.now() + PATIENCE_MS;
    while (res.status === 202 && performance.now() < deadline) {
      late++;
      res = await place();
    }
    return { ...res, late };
  };

  beforeAll(async () => {
    stack = await startScaleOut();
    const [a, b] = stack.apis;
    doors = await Promise.all([enrollAt(a, stack.providerId, 'Door 1'), enrollAt(b, stack.providerId, 'Door 2'), enrollAt(a, stack.providerId, 'Door 3'), enrollAt(b, stack.providerId, 'Door 4')]);
    const customer = await signUpFrom(b, FIRST, '198.51.100.1');
    // Ordered through the process the customer did not sign up at: sessions are in the database.
    const ordered = await order(a, customer, ['A1', 'A2', ...Array.from({ length: 12 }, (_, i) => `B${i + 1}`)]);
    expect([200, 201], ordered.text).toContain(ordered.status);
    tickets = ordered.body.tickets;
    // A first burst through every path (both processes, every door, both instances), before the ones measured.
    const warm = await burst(Array.from({ length: BURST }, (_, i) => ({ api: stack.apis[i % 2]!, station: doors[i % 4]!, payload: tickets[2 + (i % 12)]!.payload, scanId: `warm-${i}` })));
    expect(tally(warm.verdicts.map((v) => v.reason ?? v.result))).toEqual({ admitted: 12, already_redeemed: BURST - 12 });
    console.info(`warm-up: ${BURST} scans of 12 tickets in ${warm.ms.toFixed(0)} ms, first answers ${JSON.stringify(warm.first)}`);
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it(`admits one of ${BURST} scans of one ticket at once from four doors through both processes, and redeems it once`, async () => {
    const ticket = tickets[0]!;
    const scanIds = Array.from({ length: BURST }, (_, i) => `same-${i}`);
    const doorOf = (i: number) => doors[Math.floor(i / 2) % doors.length]!;
    const { first, verdicts: scans, ms } = await burst(scanIds.map((scanId, i) => ({ api: stack.apis[i % 2]!, station: doorOf(i), payload: ticket.payload, scanId })));
    const reasons = scans.map((v) => v.reason ?? v.result);
    expect(reasons.filter((r) => r === 'provider_unavailable')).toEqual([]);
    expect(reasons.filter((r) => r === 'admitted')).toHaveLength(1);
    expect(reasons.filter((r) => r === 'already_redeemed')).toHaveLength(BURST - 1);
    const winner = reasons.indexOf('admitted');
    // Every door turned away is told where the ticket was used: at the winner's door.
    for (const v of scans.filter((v) => v.reason === 'already_redeemed')) expect(v.redeemedGate).toBe(doorOf(winner).gate);

    // The provider's database: the ticket redeemed by the winning scan, and one admission recorded for its code.
    const code = codeOf(ticket.payload);
    const row = await stack.providerDb.query<{ redeemed_gate: string; redeemed_scan_id: string }>('select redeemed_gate, redeemed_scan_id from tickets where code = $1', [code]);
    expect(row.rows).toEqual([{ redeemed_gate: doorOf(winner).gate, redeemed_scan_id: expect.stringMatching(new RegExp(`/${scanIds[winner]}$`)) }]);
    const admissions = await stack.providerDb.query<{ n: string }>(`select count(*) as n from scans where code = $1 and verdict like '%"admitted"%'`, [code]);
    expect(Number(admissions.rows[0]!.n)).toBe(1);
    // And it stays used, whichever process and door asks next.
    for (const [i, api] of stack.apis.entries()) expect((await settled(api, doors[i + 2]!, ticket.payload, `after-${i}`)).reason).toBe('already_redeemed');
    console.info(`${BURST} scans of one ticket at once through two booking processes: ${ms.toFixed(0)} ms, first answers ${JSON.stringify(first)}`);
  });

  it(`sells one seat once when ${BURST} customers order it at once through both processes`, async () => {
    const customers = await customersInDatabase(stack.bookingDb, FIRST, BURST);
    const seat = 'J12';
    const started = performance.now();
    const answers = await Promise.all(customers.map((token, i) => order(stack.apis[i % 2]!, token, [seat])));
    const ms = performance.now() - started;
    const summary = answers.map((r) => `${r.status} ${r.body.error ?? ''}`).join(', ');
    // Issued: 201, or 200 to a customer who had to ask again after a 202.
    const sold = answers.filter((r) => r.status === 201 || r.status === 200);
    expect(sold, summary).toHaveLength(1);
    const refused = answers.filter((r) => !sold.includes(r));
    expect(refused.map((r) => [r.status, r.body.error]), summary).toEqual(refused.map(() => [409, 'seat_taken']));
    const winner = sold[0]!.body;
    expect(winner.tickets).toHaveLength(1);

    // On the provider: the seat sold to the winning order (the booking order ID is the provider's orderRef), one ticket for it.
    const seatRow = await stack.providerDb.query<{ status: string; order_ref: string }>('select status, order_ref from seats where show_id = $1 and seat_id = $2', [SHOW, seat]);
    expect(seatRow.rows).toEqual([{ status: 'sold', order_ref: winner.orderId }]);
    const providerTickets = await stack.providerDb.query<{ order_ref: string }>('select order_ref from tickets where show_id = $1 and seat_id = $2', [SHOW, seat]);
    expect(providerTickets.rows).toEqual([{ order_ref: winner.orderId }]);
    // On the booking side: one ticket, the winner's; every other order failed as seat_taken (and was refunded).
    const bookingTickets = await stack.bookingDb.query('select order_id, ticket_id from tickets where show_id = $1 and seat_id = $2', [SHOW, seat]);
    expect(bookingTickets.rows).toEqual([{ order_id: winner.orderId, ticket_id: winner.tickets[0]!.ticketId }]);
    const states = await stack.bookingDb.query<{ state: string; failure_reason: string | null; n: string }>(
      `select state, failure_reason, count(*) as n from orders where seats = $1 group by state, failure_reason order by state`,
      [JSON.stringify([seat])],
    );
    expect(states.rows.map((r) => [r.state, r.failure_reason, Number(r.n)])).toEqual([
      ['failed', 'seat_taken', BURST - 1],
      ['issued', null, 1],
    ]);
    // Customers at either process see it sold.
    for (const api of stack.apis) {
      const seats = await api.get<{ seats: { seatId: string; status: string }[] }>(`/api/v1/providers/${stack.providerId}/shows/${SHOW}/seats`);
      expect(seats.body.seats.find((s) => s.seatId === seat)?.status).toBe('sold');
    }
    const late = answers.reduce((n, r) => n + r.late, 0);
    console.info(`${BURST} orders for one seat through two booking processes: ${ms.toFixed(0)} ms, ${late} answers 202 (asked again)`);
  });

  it('stops a station guessing through both processes at the limit one process sets, not twice it', async () => {
    const { maxRejections } = DEFAULT_RATE_LIMIT;
    const [a, b] = stack.apis;
    const guesser = await enrollAt(b, stack.providerId, 'Side door');
    // Four scans in flight at a time, two at each process: garbage, and bare codes no ticket has.
    const STREAMS = 4;
    const answered: string[] = [];
    let sent = 0;
    const stream = async (api: BookingClient) => {
      for (;;) {
        const n = sent++;
        const payload = n % 2 ? randomBytes(16).toString('hex') : `not a ticket ${n}`;
        const verdict = await scan(api, guesser, payload, `guess-${n}`);
        answered.push(verdict.reason!);
        if (verdict.reason === 'rate_limited') return;
        // A provider too slow to answer says nothing of the code, and is not counted.
        expect(verdict.reason).toMatch(/^(malformed|unknown_code|provider_unavailable)$/);
        // Far past what both processes together would let through if each counted alone.
        expect(sent).toBeLessThan(4 * maxRejections);
      }
    };
    await Promise.all(Array.from({ length: STREAMS }, (_, i) => stream(i % 2 ? b : a)));
    const guesses = answered.filter((r) => r === 'malformed' || r === 'unknown_code').length;
    // One process lets maxRejections + 1 through (the one that closes it); two counting alone would let twice that.
    // A process learns the station is closed at its next counted rejection, so a scan in flight may still
    // get through: at most one per stream, and one more where an answer read before the close arrives after it.
    expect(guesses).toBeGreaterThanOrEqual(maxRejections + 1);
    expect(guesses).toBeLessThanOrEqual(maxRejections + 2 * STREAMS);
    // Closed at both processes, for a real ticket too; the other doors go on admitting.
    for (const [i, api] of [a, b].entries()) expect((await scan(api, guesser, tickets[1]!.payload, `real-${i}`)).reason).toBe('rate_limited');
    expect((await settled(b, doors[0]!, tickets[1]!.payload, 'other-door')).result).toBe('admitted');
    console.info(`a station guessing through two booking processes, ${STREAMS} scans in flight: ${guesses} answered before rate_limited (limit ${maxRejections})`);
  });
});
