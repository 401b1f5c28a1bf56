// The verification server's tables. Tickets carry a copy of their show's
// title, venue, hall and start so a verify touches one table only.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../common/db.js';
import { schemaMigration } from '../common/table-definitions.js';
import { TICKET_SHOW_COPY_COLUMNS, type TicketShowCopy } from '../common/ticket-show-copy.js';

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
  /** the seat map's shape, as it was made (seatMap): rows A, B, … of seats 1 … seats_per_row */
  seat_rows: number;
  seats_per_row: number;
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

export interface TicketsTable extends TicketShowCopy {
  ticket_id: string;
  order_ref: string;
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

/**
 * PostgreSQL only: the nonces of signed requests, shared by every provider
 * process (shared-nonces.ts). The primary key is (bucket, nonce): a replay
 * carries the same signed timestamp, so the same bucket, and is refused by it.
 */
export interface NoncesTable {
  /** floor(t / NONCE_BUCKET_S) of its request's timestamp: rows are deleted by bucket */
  bucket: number;
  /** the nonce's 16 bytes */
  nonce: Buffer;
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

/** Every migration, in the order they run. A migration is known by its name: never rename one. */
export const providerMigrations = (dialect: Dialect): Record<string, Migration> => ({
  '001_initial': schemaMigration({
    tables: {
      shows: {
        columns: {
          show_id: 'text primary key',
          title: 'text not null',
          venue: 'text not null',
          hall: 'text not null',
          starts_at: 'bigint not null',
          ends_at: 'bigint not null',
          price_cents: 'integer not null',
          currency: 'text not null',
        },
      },
      seats: {
        columns: {
          show_id: 'text not null references shows(show_id)',
          seat_id: 'text not null',
          row_label: 'text not null',
          number: 'integer not null',
          status: "text not null default 'free'",
          order_ref: 'text',
        },
        primaryKey: { name: 'seats_pk', columns: ['show_id', 'seat_id'] },
      },
      orders: {
        columns: {
          order_ref: 'text primary key',
          show_id: 'text not null',
          seats: 'text not null',
          payment_reference: 'text not null',
          amount_cents: 'integer not null',
          currency: 'text not null',
          created_at: 'bigint not null',
        },
      },
      tickets: {
        columns: {
          ticket_id: 'text primary key',
          order_ref: 'text not null references orders(order_ref)',
          ...TICKET_SHOW_COPY_COLUMNS,
          code: 'text not null unique',
          valid_from: 'bigint not null',
          valid_until: 'bigint not null',
          created_at: 'bigint not null',
          revoked_at: 'bigint',
          redeemed_at: 'bigint',
          redeemed_gate: 'text',
          redeemed_scan_id: 'text',
        },
        indexes: { tickets_order: ['order_ref'] },
      },
      scans: { columns: { scan_id: 'text primary key', code: 'text not null', verdict: 'text not null', at: 'bigint not null' } },
    },
  }),
  // The shared nonce window (shared-nonces.ts). Made on SQLite too, where it stays empty:
  // one process owns a SQLite file, and its in-memory window is the whole truth there.
  '002_nonces': schemaMigration({
    tables: { nonces: { columns: { nonce: 'bytea primary key', bucket: 'bigint not null' }, indexes: { nonces_bucket: ['bucket'] } } },
  }),
  '004_annulments': schemaMigration({
    tables: {
      annulments: {
        columns: {
          scan_id: 'text primary key',
          ticket_id: 'text not null',
          code: 'text not null',
          annulled_by: 'text not null',
          reason: 'text',
          annulled_at: 'bigint not null',
        },
        indexes: { annulments_ticket: ['ticket_id'] },
      },
    },
  }),
  '005_show_cancellation': schemaMigration({ addColumns: { shows: { cancelled_at: 'bigint' } } }),
  '006_nonces_by_bucket': noncesByBucket(dialect),
  '007_seat_counts': seatCounts,
  '008_tickets_room_to_redeem': ticketsRoomToRedeem(dialect),
});

/**
 * PostgreSQL: ticket pages half filled, so that each ticket's redemption (and
 * revocation) finds room for its new version on its own page. Such an update
 * is a HOT update: no new entries in the tickets' three indexes and less WAL,
 * and the old version is pruned on the page. With full pages most redemptions
 * moved the row and added three index entries each, about a third of a
 * verify's work in the database. The cost is heap space before the tickets
 * are used (about twice the pages); once they are, about what the moved
 * versions took on new pages. Only pages made from now on are half filled;
 * SQLite has no such setting.
 */
function ticketsRoomToRedeem(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') await sql`alter table tickets set (fillfactor = 50)`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      if (dialect === 'postgres') await sql`alter table tickets reset (fillfactor)`.execute(db);
    },
  };
}

/**
 * A programme is listed with each show's seats free and sold, and its seat map's shape,
 * without reading every seat of every show: a multiplex selling two months ahead holds
 * hundreds of thousands of seats, and on SQLite a listing that read them all held the
 * server's thread (and every gate's verify) for most of a second. The shape is kept on
 * the show, the sold seats are counted in an index on (show_id, status), and the free ones
 * are the rest of the shape (programme.ts).
 */
const seatCounts = schemaMigration({
  addColumns: { shows: { seat_rows: 'integer not null default 0', seats_per_row: 'integer not null default 0' } },
  fill: async (db) => {
    await sql`update shows set
        seat_rows = (select count(distinct row_label) from seats where seats.show_id = shows.show_id),
        seats_per_row = coalesce((select max(number) from seats where seats.show_id = shows.show_id), 0)`.execute(db);
  },
  // Shows by their end: what is on sale (the catalogue) and what staff list (endsAfter), not the venue's years.
  indexes: { seats: { seats_status: ['show_id', 'status'] }, shows: { shows_ends: ['ends_at'] } },
});

/**
 * The nonce window keyed by (bucket, nonce), without its own index on bucket.
 * Keyed by the nonce alone, every verify inserted into a random page of an
 * index as large as the window (millions of rows at a busy platform), and the
 * first change to each page after a checkpoint writes the whole page to the
 * WAL; led by the bucket, the inserts stay in the current bucket's pages, and
 * the deletion by bucket uses the key. On PostgreSQL the key is changed in
 * place, keeping the window's rows and the table other processes use; on
 * SQLite the table is always empty (signature-auth.ts) and made again.
 */
function noncesByBucket(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`alter table nonces drop constraint nonces_pkey, add constraint nonces_pk primary key (bucket, nonce)`.execute(db);
        await sql`drop index nonces_bucket`.execute(db);
        return;
      }
      await db.schema.dropTable('nonces').execute();
      await sql`create table nonces (bucket bigint not null, nonce bytea not null, constraint nonces_pk primary key (bucket, nonce))`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('nonces').execute();
      await sql`create table nonces (nonce bytea primary key, bucket bigint not null)`.execute(db);
      await db.schema.createIndex('nonces_bucket').on('nonces').column('bucket').execute();
    },
  };
}
