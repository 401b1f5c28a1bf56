// A season's rows for the growth benchmark, written in bulk (bulk.ts): the
// verification server's shows, seats, orders and tickets (with their scans
// once redeemed), and the booking server's issued tickets and the offline
// bundle's events of one sold-out show. Codes and IDs are random, as the
// servers make them, so index pages fill in the order they would.
import { randomBytes } from 'node:crypto';
import type { Bulk, Column, Row } from './bulk.js';

const CHUNK = 20_000;
const SEATS_PER_SHOW = 1000;
const PER_ROW = 50;
const DAY = 86_400;

const hex16 = () => randomBytes(16).toString('hex');
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;
const seatOf = (i: number) => {
  const j = i % SEATS_PER_SHOW;
  const row = String.fromCharCode(65 + Math.floor(j / PER_ROW));
  return { show: `sc${Math.floor(i / SEATS_PER_SHOW)}`, seat: `${row}${(j % PER_ROW) + 1}`, row, number: (j % PER_ROW) + 1 };
};

const SHOWS: Column[] = [['show_id', 'text'], ['title', 'text'], ['venue', 'text'], ['hall', 'text'], ['starts_at', 'bigint'], ['ends_at', 'bigint'], ['price_cents', 'integer'], ['currency', 'text']];
const SEATS: Column[] = [['show_id', 'text'], ['seat_id', 'text'], ['row_label', 'text'], ['number', 'integer'], ['status', 'text'], ['order_ref', 'text']];
const ORDERS: Column[] = [['order_ref', 'text'], ['show_id', 'text'], ['seats', 'text'], ['payment_reference', 'text'], ['amount_cents', 'integer'], ['currency', 'text'], ['created_at', 'bigint']];
const TICKETS: Column[] = [
  ['ticket_id', 'text'], ['order_ref', 'text'], ['show_id', 'text'], ['seat_id', 'text'], ['seat_label', 'text'], ['title', 'text'], ['venue', 'text'], ['hall', 'text'],
  ['starts_at', 'bigint'], ['code', 'text'], ['valid_from', 'bigint'], ['valid_until', 'bigint'], ['created_at', 'bigint'], ['revoked_at', 'bigint'],
  ['redeemed_at', 'bigint'], ['redeemed_gate', 'text'], ['redeemed_scan_id', 'text'],
];
const SCANS: Column[] = [['scan_id', 'text'], ['code', 'text'], ['verdict', 'text'], ['at', 'bigint']];
const ADMITTED = JSON.stringify({ result: 'admitted' });

/** A show of the season: one every hour or so over the 60 days before now and the 30 after. */
function showStart(show: number, now: number): number {
  return now - 60 * DAY + ((show * 3571) % (90 * DAY));
}

export interface ProviderGrowth {
  /** tickets in the table before and after */
  from: number;
  to: number;
  /** the last `fresh` tickets added are valid now and unredeemed: the verify load's codes */
  fresh: number;
  /** every other ticket, old and new, is redeemed (with its scan), as at the end of a busy season */
  redeemAll: boolean;
  now: number;
}

/** Grows the verification server's tables to `to` tickets; returns the fresh codes. */
export async function growProvider(bulk: Bulk, g: ProviderGrowth): Promise<string[]> {
  const fresh: string[] = [];
  const firstFresh = g.to - g.fresh;
  await bulk.transaction(async () => {
    if (g.redeemAll) {
      const at = g.now - 3600;
      await bulk.exec(`insert into scans (scan_id, code, verdict, at) select 'fill-' || ticket_id, code, '${ADMITTED}', ${at} from tickets where redeemed_at is null`);
      await bulk.exec(`update tickets set redeemed_at = ${at}, redeemed_gate = 'Gate 1', redeemed_scan_id = 'fill-' || ticket_id where redeemed_at is null`);
    }
    for (let start = g.from; start < g.to; start += CHUNK) {
      const shows: Row[] = [];
      const seats: Row[] = [];
      const orders: Row[] = [];
      const tickets: Row[] = [];
      const scans: Row[] = [];
      for (let i = start; i < Math.min(start + CHUNK, g.to); i++) {
        const s = seatOf(i);
        const startsAt = showStart(Math.floor(i / SEATS_PER_SHOW), g.now);
        // Sizes are whole shows: a show's first seat brings the show, an order's first its order of four.
        if (i % SEATS_PER_SHOW === 0) shows.push([s.show, `Season ${s.show}`, 'Scale Arena', `Hall ${Math.floor(i / SEATS_PER_SHOW) % 12}`, startsAt, startsAt + 3 * 3600, 2500, 'EUR']);
        const orderRef = `sco-${Math.floor(i / 4)}`;
        if (i % 4 === 0) orders.push([orderRef, s.show, JSON.stringify([0, 1, 2, 3].map((k) => seatOf(i + k).seat)), 'bench', 10_000, 'EUR', startsAt - 20 * DAY]);
        seats.push([s.show, s.seat, s.row, s.number, 'sold', orderRef]);
        const isFresh = i >= firstFresh;
        const code = hex16();
        if (isFresh) fresh.push(code);
        const [validFrom, validUntil] = isFresh ? [g.now - 3600, g.now + 6 * 3600] : [startsAt - 6 * 3600, startsAt + 3 * 3600];
        const redeemed = !isFresh && g.redeemAll;
        const ticketId = id('tk');
        const redeemedAt = Math.min(g.now - 3600, startsAt);
        tickets.push([
          ticketId, orderRef, s.show, s.seat, `Row ${s.row}, seat ${s.number}`, `Season ${s.show}`, 'Scale Arena', `Hall ${Math.floor(i / SEATS_PER_SHOW) % 12}`,
          startsAt, code, validFrom, validUntil, startsAt - 20 * DAY, null,
          redeemed ? redeemedAt : null, redeemed ? `Gate ${(i % 8) + 1}` : null, redeemed ? `fill-${ticketId}` : null,
        ]);
        if (redeemed) scans.push([`fill-${ticketId}`, code, ADMITTED, redeemedAt]);
      }
      await bulk.insert('shows', SHOWS, shows);
      await bulk.insert('seats', SEATS, seats);
      await bulk.insert('orders', ORDERS, orders);
      await bulk.insert('tickets', TICKETS, tickets);
      await bulk.insert('scans', SCANS, scans);
    }
  });
  return fresh;
}

const B_ORDERS: Column[] = [
  ['order_id', 'text'], ['user_id', 'text'], ['provider_id', 'text'], ['show_id', 'text'], ['seats', 'text'], ['amount_cents', 'integer'], ['currency', 'text'],
  ['state', 'text'], ['payment_method', 'text'], ['payment_reference', 'text'], ['attempts', 'integer'], ['created_at', 'bigint'], ['updated_at', 'bigint'],
];
const B_TICKETS: Column[] = [
  ['ticket_id', 'text'], ['order_id', 'text'], ['user_id', 'text'], ['provider_id', 'text'], ['provider_ticket_id', 'text'], ['show_id', 'text'], ['seat_id', 'text'],
  ['seat_label', 'text'], ['title', 'text'], ['venue', 'text'], ['hall', 'text'], ['starts_at', 'bigint'], ['valid_from', 'bigint'], ['valid_until', 'bigint'],
  ['code', 'text'], ['key_id', 'integer'], ['payload', 'text'], ['share_generation', 'integer'], ['created_at', 'bigint'],
];
const B_EVENTS: Column[] = [['provider_id', 'text'], ['kind', 'text'], ['code', 'text'], ['at', 'bigint'], ['gate', 'text'], ['recorded_at', 'bigint'], ['valid_until', 'bigint']];

export interface BookingGrowth {
  from: number;
  to: number;
  userId: string;
  providerId: string;
  keyId: number;
  now: number;
}

/**
 * Grows the booking server's tickets to `to`, every one still valid (the shows
 * of the next 60 days, sold ahead): the start-up's worst case, since it loads
 * the digests of valid tickets only. Payloads are GP1-sized random text: the
 * start-up digests them, it does not check them.
 */
export async function growBooking(bulk: Bulk, g: BookingGrowth): Promise<void> {
  await bulk.transaction(async () => {
    for (let start = g.from; start < g.to; start += CHUNK) {
      const orders: Row[] = [];
      const tickets: Row[] = [];
      for (let i = start; i < Math.min(start + CHUNK, g.to); i++) {
        const s = seatOf(i);
        // From 3 hours on: none falls within the reminder sender's next two hours.
        const validUntil = g.now + 3 * 3600 + ((Math.floor(i / SEATS_PER_SHOW) * 3571) % (60 * DAY));
        const orderId = `o_sc${Math.floor(i / 4)}`;
        if (i % 4 === 0) orders.push([orderId, g.userId, g.providerId, s.show, '[]', 10_000, 'EUR', 'issued', 'demo', 'bench', 1, g.now - DAY, g.now - DAY]);
        tickets.push([
          id('t'), orderId, g.userId, g.providerId, id('tk'), s.show, s.seat, `Row ${s.row}, seat ${s.number}`, `Season ${s.show}`, 'Scale Arena', 'Hall 1',
          validUntil - 3 * 3600, validUntil - 9 * 3600, validUntil, hex16(), g.keyId, `GP1:${randomBytes(192).toString('base64url')}`, 0, g.now - DAY,
        ]);
      }
      await bulk.insert('orders', B_ORDERS, orders);
      await bulk.insert('tickets', B_TICKETS, tickets);
    }
  });
}

/** The offline bundle of a sold-out show tonight: `redeemed` codes admitted over the last two hours at eight gates, `revoked` refunded. */
export async function soldOutShowEvents(bulk: Bulk, providerId: string, now: number, redeemed: number, revoked: number): Promise<void> {
  await bulk.transaction(async () => {
    const rows: Row[] = [];
    for (let i = 0; i < revoked; i++) rows.push([providerId, 'revoked', hex16(), now - 86_400 + i, null, now - 86_400 + i, now + 3 * 3600]);
    for (let i = 0; i < redeemed; i++) {
      const at = now - 7200 + Math.floor((i * 7200) / redeemed);
      rows.push([providerId, 'redeemed', hex16(), at, `Gate ${(i % 8) + 1}`, at, now + 3 * 3600]);
    }
    for (let i = 0; i < rows.length; i += CHUNK) await bulk.insert('station_events', B_EVENTS, rows.slice(i, i + CHUNK));
  });
}
