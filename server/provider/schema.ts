// The verification server's tables. Tickets carry a copy of their show's
// title, venue, hall and start so a verify touches one table only.
import { type Kysely, type Migration, sql } from 'kysely';

export interface ShowsTable {
  show_id: string;
  title: string;
  venue: string;
  hall: string;
  starts_at: number;
  ends_at: number;
  price_cents: number;
  currency: string;
  /** set once the venue cancelled the show: nothing more is sold for it */
  cancelled_at: number | null;
}

export interface SeatsTable {
  show_id: string;
  seat_id: string;
  row_label: string;
  number: number;
  status: 'free' | 'sold';
  order_ref: string | null;
}

export interface OrdersTable {
  order_ref: string;
  show_id: string;
  seats: string; // JSON array of seat IDs, in request order
  payment_reference: string;
  amount_cents: number;
  currency: string;
  created_at: number;
}

export interface TicketsTable {
  ticket_id: string;
  order_ref: string;
  show_id: string;
  seat_id: string;
  seat_label: string;
  title: string;
  venue: string;
  hall: string;
  starts_at: number;
  code: string;
  valid_from: number;
  valid_until: number;
  created_at: number;
  revoked_at: number | null;
  redeemed_at: number | null;
  redeemed_gate: string | null;
  redeemed_scan_id: string | null;
}

export interface ScansTable {
  scan_id: string;
  code: string;
  verdict: string; // the JSON verdict first answered for this scan ID
  at: number;
}

/** Admissions undone (annulment.ts): one row per annulled scan, the answer a repeat gets. */
export interface AnnulmentsTable {
  scan_id: string;
  ticket_id: string;
  code: string;
  /** who annulled it: a station or a staff member, as the booking server names them */
  annulled_by: string;
  reason: string | null;
  annulled_at: number;
}

/** PostgreSQL only: the nonces of signed requests, shared by every provider process (shared-nonces.ts) */
export interface NoncesTable {
  /** the nonce's 16 bytes */
  nonce: Buffer;
  /** floor(t / NONCE_BUCKET_S) of its request's timestamp: rows are deleted by bucket */
  bucket: number;
}

export interface ProviderDB {
  nonces: NoncesTable;
  shows: ShowsTable;
  seats: SeatsTable;
  orders: OrdersTable;
  tickets: TicketsTable;
  scans: ScansTable;
  annulments: AnnulmentsTable;
}

export const migrations: Record<string, Migration> = {
  '001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('shows')
        .addColumn('show_id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('venue', 'text', (c) => c.notNull())
        .addColumn('hall', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'bigint', (c) => c.notNull())
        .addColumn('ends_at', 'bigint', (c) => c.notNull())
        .addColumn('price_cents', 'integer', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('seats')
        .addColumn('show_id', 'text', (c) => c.notNull().references('shows.show_id'))
        .addColumn('seat_id', 'text', (c) => c.notNull())
        .addColumn('row_label', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('free'))
        .addColumn('order_ref', 'text')
        .addPrimaryKeyConstraint('seats_pk', ['show_id', 'seat_id'])
        .execute();
      await db.schema
        .createTable('orders')
        .addColumn('order_ref', 'text', (c) => c.primaryKey())
        .addColumn('show_id', 'text', (c) => c.notNull())
        .addColumn('seats', 'text', (c) => c.notNull())
        .addColumn('payment_reference', 'text', (c) => c.notNull())
        .addColumn('amount_cents', 'integer', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('tickets')
        .addColumn('ticket_id', 'text', (c) => c.primaryKey())
        .addColumn('order_ref', 'text', (c) => c.notNull().references('orders.order_ref'))
        .addColumn('show_id', 'text', (c) => c.notNull())
        .addColumn('seat_id', 'text', (c) => c.notNull())
        .addColumn('seat_label', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('venue', 'text', (c) => c.notNull())
        .addColumn('hall', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'bigint', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('valid_from', 'bigint', (c) => c.notNull())
        .addColumn('valid_until', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('redeemed_at', 'bigint')
        .addColumn('redeemed_gate', 'text')
        .addColumn('redeemed_scan_id', 'text')
        .execute();
      await db.schema.createIndex('tickets_order').on('tickets').column('order_ref').execute();
      await db.schema
        .createTable('scans')
        .addColumn('scan_id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await sql`select 1`.execute(db);
    },
  },
  // The shared nonce window (shared-nonces.ts). Made on SQLite too, where it stays empty:
  // one process owns a SQLite file, and its in-memory window is the whole truth there.
  '002_nonces': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('nonces')
        .addColumn('nonce', 'bytea', (c) => c.primaryKey())
        .addColumn('bucket', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('nonces_bucket').on('nonces').column('bucket').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('nonces').execute();
    },
  },
  '004_annulments': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('annulments')
        .addColumn('scan_id', 'text', (c) => c.primaryKey())
        .addColumn('ticket_id', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('annulled_by', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('annulled_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('annulments_ticket').on('annulments').column('ticket_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('annulments').execute();
    },
  },
  '005_show_cancellation': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('shows').addColumn('cancelled_at', 'bigint').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('shows').dropColumn('cancelled_at').execute();
    },
  },
};
