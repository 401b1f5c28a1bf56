// The booking server's hot-path queries, built once per database and re-run
// with new parameters (see ../common/prepared.ts: Kysely otherwise spends tens
// of µs building and compiling the SQL of every query). The hot paths: the
// station token lookup and the record of an admitted scan (every relayed
// scan), the session lookup (every customer request), and an order's inserts,
// state changes and reads (every ticket issued).
import type { Kysely, Selectable } from 'kysely';
import { prepare, type Executor, type Prepared } from '../common/prepared.js';
import { TICKET_INFO_COLUMNS } from '../common/ticket-info.js';
import type { BookingDB, OrdersTable, TicketsTable } from './schema.js';

const ORDER_COLUMNS = [
  'order_id',
  'user_id',
  'provider_id',
  'show_id',
  'seats',
  'amount_cents',
  'currency',
  'state',
  'payment_method',
  'payment_reference',
  'idempotency_key',
  'failure_reason',
  'attempts',
  'next_attempt_at',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof OrdersTable)[];

const TICKET_COLUMNS = [
  'ticket_id',
  'order_id',
  'user_id',
  'provider_id',
  'provider_ticket_id',
  ...TICKET_INFO_COLUMNS,
  'code',
  'key_id',
  'payload',
  'share_generation',
  'share_hash',
  'revoked_at',
  'created_at',
  'remind_at',
] as const satisfies readonly (keyof TicketsTable)[];

/** `{column: p.column}` for each column: the stand-ins prepare() needs (it cannot enumerate them). */
function pick<T, K extends keyof T>(p: T, columns: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const c of columns) out[c] = p[c];
  return out;
}

function build(db: Kysely<BookingDB>) {
  return {
    /** Revoked stations too: they are told so (auth.ts). */
    stationByToken: prepare(db, (p: { hash: string }) =>
      db.selectFrom('stations').select(['station_id', 'provider_id', 'gate', 'revoked_at']).where('token_hash', '=', p.hash),
    ),
    /** An admission, for the stations' offline bundles (admission-log.ts). */
    recordRedeemed: prepare(db, (p: { providerId: string; code: string; at: number; gate: string; recordedAt: number; validUntil: number | null; scanId: string; stationId: string }) =>
      db
        .insertInto('station_events')
        .values({ provider_id: p.providerId, kind: 'redeemed', code: p.code, at: p.at, gate: p.gate, recorded_at: p.recordedAt, valid_until: p.validUntil, scan_id: p.scanId, station_id: p.stationId })
        .onConflict((oc) => oc.columns(['provider_id', 'kind', 'code']).doNothing()),
    ),
    userForSession: prepare(db, (p: { hash: string; now: number }) =>
      db.selectFrom('sessions').select('user_id').where('token_hash', '=', p.hash).where('expires_at', '>', p.now),
    ),
    orderById: prepare(db, (p: { orderId: string }) => db.selectFrom('orders').selectAll().where('order_id', '=', p.orderId)),
    orderByKey: prepare(db, (p: { userId: string; key: string }) =>
      db.selectFrom('orders').selectAll().where('user_id', '=', p.userId).where('idempotency_key', '=', p.key),
    ),
    /** The unique (user, key) index decides between racing requests: no row back means another order holds the key. */
    insertOrder: prepare(db, (p: Selectable<OrdersTable>) =>
      db
        .insertInto('orders')
        .values(pick(p, ORDER_COLUMNS))
        .onConflict((oc) => oc.columns(['user_id', 'idempotency_key']).doNothing())
        .returning('order_id'),
    ),
    markPaid: prepare(db, (p: { orderId: string; reference: string; nextAttemptAt: number; now: number }) =>
      db
        .updateTable('orders')
        .set({ state: 'paid', payment_reference: p.reference, next_attempt_at: p.nextAttemptAt, updated_at: p.now })
        .where('order_id', '=', p.orderId)
        .where('state', '=', 'pending'),
    ),
    markIssued: prepare(db, (p: { orderId: string; attempts: number; now: number }) =>
      db
        .updateTable('orders')
        .set({ state: 'issued', next_attempt_at: null, updated_at: p.now, attempts: p.attempts })
        .where('order_id', '=', p.orderId)
        .where('state', '=', 'paid'),
    ),
    insertTickets: ticketInserts(db),
    ticketsOfOrder: prepare(db, (p: { orderId: string }) => db.selectFrom('tickets').selectAll().where('order_id', '=', p.orderId)),
    /** The payload this server issued for a code (unique per provider): a scan that matches it needs no signature check. */
    issuedPayload: prepare(db, (p: { providerId: string; code: string }) =>
      db.selectFrom('tickets').select('payload').where('provider_id', '=', p.providerId).where('code', '=', p.code),
    ),
    ownedTicket: prepare(db, (p: { ticketId: string; userId: string }) =>
      db.selectFrom('tickets').selectAll().where('ticket_id', '=', p.ticketId).where('user_id', '=', p.userId),
    ),
  };
}

/** The tickets of one order in one INSERT: one prepared statement per ticket count (1–20 seats an order). */
function ticketInserts(db: Kysely<BookingDB>) {
  const MAX_ROWS = 20;
  type Flat = Record<string, unknown>;
  const byCount = new Map<number, Prepared<Flat, unknown>>();
  const statement = (n: number) => {
    let q = byCount.get(n);
    if (!q) {
      q = prepare(db, (p: Flat) =>
        db.insertInto('tickets').values(
          Array.from({ length: n }, (_, i) => {
            const row = {} as Record<string, unknown>;
            for (const c of TICKET_COLUMNS) row[c] = p[`${i}:${c}`];
            return row as unknown as Selectable<TicketsTable>;
          }),
        ),
      );
      byCount.set(n, q);
    }
    return q;
  };
  return async (executor: Executor, tickets: readonly Selectable<TicketsTable>[]): Promise<void> => {
    for (let start = 0; start < tickets.length; start += MAX_ROWS) {
      const chunk = tickets.slice(start, start + MAX_ROWS);
      const params: Flat = {};
      chunk.forEach((t, i) => {
        for (const c of TICKET_COLUMNS) params[`${i}:${c}`] = t[c];
      });
      await statement(chunk.length)(executor, params);
    }
  };
}

export type BookingQueries = ReturnType<typeof build>;

const byDb = new WeakMap<Kysely<BookingDB>, BookingQueries>();

/** The prepared queries of this database (built on first use). */
export function queries(db: Kysely<BookingDB>): BookingQueries {
  let q = byDb.get(db);
  if (!q) byDb.set(db, (q = build(db)));
  return q;
}
