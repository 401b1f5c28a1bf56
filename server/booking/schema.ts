// The booking server's tables. Every token is stored as its sha256 (a leaked
// database row cannot be replayed as a bearer token); provider secrets, the
// signing keys and the share secret are stored as given, since each is used
// as it is — sealed with the secrets key when the server has one (sealed.ts).
import { type Generated, type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../common/db.js';
import type { OrderState } from '../../protocol/booking-api.js';
import { reminderLeadMigration, reminderMigration, type ReminderDB } from './reminders/schema.js';
import type { RateLimitDB } from '../common/shared-rate-limit.js';
import { refundsMigration, type RefundDB } from './ordering/refunds-schema.js';
import { outboxMigration, type OutboxDB } from './mail/schema.js';
import { staffMigration, type StaffDB } from './staff/schema.js';
import { scanOutcomesMigration, type ScanOutcomesDB } from './scanning/scan-outcomes-schema.js';
import { ticketSearchMigration } from './ticket-search/schema.js';
import { providerTimeZoneMigration } from './providers/time-zone-schema.js';

export interface SigningKeysTable {
  key_id: number;
  /** PKCS#8 DER, base64, or that sealed (sealed.ts); empty once the key is retired */
  private_key: string;
  /** raw 32 bytes, base64url */
  public_key: string;
  created_at: number;
  /** when the key stopped being trusted (key-retirement.ts); never cleared */
  retired_at: number | null;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface UsersTable {
  user_id: string;
  /** trimmed, lower case */
  email: string;
  password_hash: string;
  phone: string | null;
  created_at: number;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

export interface ProvidersTable {
  provider_id: string;
  name: string;
  /** the first instance's base URL (the only one, for rows from before 008) */
  verify_url: string;
  /** JSON array of every instance's base URL, verify_url first; null: verify_url alone */
  verify_urls: string | null;
  /** as given, or sealed (sealed.ts) */
  secret: string;
  created_at: number;
  /** 1: scans arriving together may go in one call (verify-coalescer.ts); 0: one /v1/verify per scan */
  batch_scans: Generated<number>;
  /** a customer may cancel a ticket until this long before its show starts (s) */
  cancel_cutoff_s: Generated<number>;
  /** the venue's IANA time zone; null: the booking server's (providers/venue-zone.ts) */
  time_zone: string | null;
}

export interface OrdersTable {
  order_id: string;
  user_id: string;
  provider_id: string;
  show_id: string;
  seats: string; // JSON array of seat IDs, in request order
  amount_cents: number;
  currency: string;
  state: OrderState;
  payment_method: string;
  payment_reference: string | null;
  idempotency_key: string | null;
  failure_reason: string | null;
  /** provider calls made to issue it (for backoff) */
  attempts: number;
  /** when the background issuer may try again (paid orders only) */
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface TicketsTable {
  ticket_id: string;
  order_id: string;
  user_id: string;
  provider_id: string;
  provider_ticket_id: string;
  show_id: string;
  seat_id: string;
  seat_label: string;
  title: string;
  venue: string;
  hall: string;
  starts_at: number;
  valid_from: number;
  valid_until: number;
  code: string;
  key_id: number;
  payload: string;
  /** bumped when the owner revokes the share link, so the next link differs */
  share_generation: number;
  /** sha256 of the active share token; null while not shared */
  share_hash: string | null;
  revoked_at: number | null;
  created_at: number;
}

export interface StationsTable {
  station_id: string;
  provider_id: string;
  gate: string;
  enrollment_hash: string;
  enrollment_expires_at: number;
  enrolled_at: number | null;
  token_hash: string | null;
  created_at: number;
  revoked_at: number | null;
  /** epoch s of the last heartbeat or scan (stations/last-seen.ts) */
  last_seen_at: number | null;
  /** the last heartbeat's body as JSON (HeartbeatRequest); null until the first */
  status: string | null;
}

/** What stations need for offline admission: codes redeemed or revoked, in order. */
export interface StationEventsTable {
  seq: Generated<number>;
  provider_id: string;
  /** `annulled`: a redemption undone, so the code counts as unredeemed again (annulments/annulments.ts) */
  kind: 'redeemed' | 'revoked' | 'annulled';
  code: string;
  at: number;
  gate: string | null;
  recorded_at: number;
  /** the ticket's validity end: the event is pruned a day after it (station-events.ts); null for events recorded before it was kept */
  valid_until: number | null;
  /** redeemed: the scan that admitted it, as its station named it, and that station (null before 011, and for revocations) */
  scan_id: string | null;
  station_id: string | null;
}

/** Admissions undone at a station or by staff: the provider's answer, kept so a repeat gets it again. */
export interface AnnulmentsTable {
  /** the scan as the provider knows it: `<stationId>/<the station's scan ID>` */
  provider_scan_id: string;
  provider_id: string;
  station_id: string;
  code: string;
  /** `station <stationId>` or `staff` */
  annulled_by: string;
  annulled_at: number;
  /** the admission undone: when and at which gate (null for annulments before 016) */
  admitted_at: number | null;
  gate: string | null;
}

/** rate_limit_*: PostgreSQL only, the sign-in and scan limits every process shares (shared-rate-limit.ts) */
export interface BookingDB extends ReminderDB, RateLimitDB, StaffDB, RefundDB, OutboxDB, ScanOutcomesDB {
  signing_keys: SigningKeysTable;
  settings: SettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  providers: ProvidersTable;
  orders: OrdersTable;
  tickets: TicketsTable;
  stations: StationsTable;
  station_events: StationEventsTable;
  annulments: AnnulmentsTable;
}

export function bookingMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('signing_keys')
          .addColumn('key_id', 'integer', (c) => c.primaryKey())
          .addColumn('private_key', 'text', (c) => c.notNull())
          .addColumn('public_key', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('settings')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('users')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('phone', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('providers')
          .addColumn('provider_id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('verify_url', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('orders')
          .addColumn('order_id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id'))
          .addColumn('provider_id', 'text', (c) => c.notNull().references('providers.provider_id'))
          .addColumn('show_id', 'text', (c) => c.notNull())
          .addColumn('seats', 'text', (c) => c.notNull())
          .addColumn('amount_cents', 'integer', (c) => c.notNull())
          .addColumn('currency', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('payment_method', 'text', (c) => c.notNull())
          .addColumn('payment_reference', 'text')
          .addColumn('idempotency_key', 'text')
          .addColumn('failure_reason', 'text')
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        // One order per (user, Idempotency-Key): the database enforces it across processes.
        await db.schema.createIndex('orders_idempotency').on('orders').columns(['user_id', 'idempotency_key']).unique().execute();
        await db.schema.createIndex('orders_user').on('orders').columns(['user_id', 'created_at']).execute();
        await db.schema.createIndex('orders_retry').on('orders').columns(['state', 'next_attempt_at']).execute();
        await db.schema
          .createTable('tickets')
          .addColumn('ticket_id', 'text', (c) => c.primaryKey())
          .addColumn('order_id', 'text', (c) => c.notNull().references('orders.order_id'))
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('provider_id', 'text', (c) => c.notNull())
          .addColumn('provider_ticket_id', 'text', (c) => c.notNull())
          .addColumn('show_id', 'text', (c) => c.notNull())
          .addColumn('seat_id', 'text', (c) => c.notNull())
          .addColumn('seat_label', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('venue', 'text', (c) => c.notNull())
          .addColumn('hall', 'text', (c) => c.notNull())
          .addColumn('starts_at', 'bigint', (c) => c.notNull())
          .addColumn('valid_from', 'bigint', (c) => c.notNull())
          .addColumn('valid_until', 'bigint', (c) => c.notNull())
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('key_id', 'integer', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('share_generation', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('share_hash', 'text', (c) => c.unique())
          .addColumn('revoked_at', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('tickets_order').on('tickets').column('order_id').execute();
        await db.schema.createIndex('tickets_code').on('tickets').columns(['provider_id', 'code']).unique().execute();
        await db.schema
          .createTable('stations')
          .addColumn('station_id', 'text', (c) => c.primaryKey())
          .addColumn('provider_id', 'text', (c) => c.notNull().references('providers.provider_id'))
          .addColumn('gate', 'text', (c) => c.notNull())
          .addColumn('enrollment_hash', 'text', (c) => c.notNull().unique())
          .addColumn('enrollment_expires_at', 'bigint', (c) => c.notNull())
          .addColumn('enrolled_at', 'bigint')
          .addColumn('token_hash', 'text', (c) => c.unique())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('revoked_at', 'bigint')
          .execute();
        // A sequence number both dialects assign: the offline bundle's cursor.
        await db.schema
          .createTable('station_events')
          .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('provider_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('gate', 'text')
          .addColumn('recorded_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('station_events_code').on('station_events').columns(['provider_id', 'kind', 'code']).unique().execute();
        await db.schema.createIndex('station_events_cursor').on('station_events').columns(['provider_id', 'seq']).execute();
        await sql`select 1`.execute(db);
      },
    },
    '002_reminders': reminderMigration,
    '003_reminder_lead': reminderLeadMigration,
    '004_station_event_validity': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('station_events').addColumn('valid_until', 'bigint').execute();
        // Events of tickets issued here learn their validity now; the others age out (LEGACY_KEEP_S).
        await sql`update station_events set valid_until = (
            select t.valid_until from tickets t where t.provider_id = station_events.provider_id and t.code = station_events.code)`.execute(db);
        await db.schema.createIndex('station_events_validity').on('station_events').column('valid_until').execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropIndex('station_events_validity').execute();
        await db.schema.alterTable('station_events').dropColumn('valid_until').execute();
      },
    },
    '005_provider_batch_scans': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('providers').addColumn('batch_scans', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('providers').dropColumn('batch_scans').execute();
      },
    },
    '006_signing_key_retirement': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('signing_keys').addColumn('retired_at', 'bigint').execute();
        // A retired key's tickets still valid are found to be signed again, by any process, at any time.
        await db.schema.createIndex('tickets_key').on('tickets').columns(['key_id', 'valid_until']).execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropIndex('tickets_key').execute();
        await db.schema.alterTable('signing_keys').dropColumn('retired_at').execute();
      },
    },
    // The limits every process counts together (shared-rate-limit.ts). Made on SQLite too, where
    // they stay empty: one process owns a SQLite file, and counts in memory.
    '007_rate_limits': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('rate_limit_counts')
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('bucket', 'bigint', (c) => c.notNull())
          .addColumn('count', 'integer', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('rate_limit_counts_pk', ['key', 'bucket'])
          .execute();
        await db.schema.createIndex('rate_limit_counts_expiry').on('rate_limit_counts').column('expires_at').execute();
        await db.schema
          .createTable('rate_limit_backoff')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('failures', 'integer', (c) => c.notNull())
          .addColumn('last_at', 'bigint', (c) => c.notNull())
          .addColumn('until_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('rate_limit_backoff_expiry').on('rate_limit_backoff').column('expires_at').execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('rate_limit_backoff').execute();
        await db.schema.dropTable('rate_limit_counts').execute();
      },
    },
    // Several instances of one verification server (provider-client.ts); verify_url stays the first.
    '008_provider_verify_urls': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('providers').addColumn('verify_urls', 'text').execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('providers').dropColumn('verify_urls').execute();
      },
    },
    // Operator accounts, their sessions and the audit log (staff/schema.ts).
    '009_staff': staffMigration(dialect),
    // What each gate station last said of itself (stations/heartbeat.ts). A revoked station keeps
    // its token hash, so that its next call is told it was revoked rather than that it is unknown.
    '010_station_status': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('stations').addColumn('last_seen_at', 'bigint').execute();
        await db.schema.alterTable('stations').addColumn('status', 'text').execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('stations').dropColumn('status').execute();
        await db.schema.alterTable('stations').dropColumn('last_seen_at').execute();
      },
    },
    // Annulments (annulments/annulments.ts): an admission is found by its scan ID, and undone ones are kept.
    '011_annulments': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('station_events').addColumn('scan_id', 'text').execute();
        await db.schema.alterTable('station_events').addColumn('station_id', 'text').execute();
        await db.schema.createIndex('station_events_scan').on('station_events').columns(['provider_id', 'scan_id']).execute();
        await db.schema
          .createTable('annulments')
          .addColumn('provider_scan_id', 'text', (c) => c.primaryKey())
          .addColumn('provider_id', 'text', (c) => c.notNull())
          .addColumn('station_id', 'text', (c) => c.notNull())
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('annulled_by', 'text', (c) => c.notNull())
          .addColumn('annulled_at', 'bigint', (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('annulments').execute();
        await db.schema.dropIndex('station_events_scan').execute();
        await db.schema.alterTable('station_events').dropColumn('station_id').execute();
        await db.schema.alterTable('station_events').dropColumn('scan_id').execute();
      },
    },
    // The start-up reads the still-valid tickets soonest-ending first, a page at a time
    // after the last (valid_until, ticket_id) read (issued-payloads.ts): an index range, not a sort.
    '012_scale_indexes': {
      async up(db: Kysely<unknown>) {
        await db.schema.createIndex('tickets_validity_page').on('tickets').columns(['valid_until', 'ticket_id']).execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropIndex('tickets_validity_page').execute();
      },
    },
    '013_refunds': refundsMigration,
    '014_outbox': outboxMigration,
    // What each gate saw and the journal conflicts, for the console's Live page (scanning/scan-outcomes.ts).
    '015_scan_outcomes': scanOutcomesMigration,
    // The console's ticket search and a ticket's story (ticket-search/).
    '016_ticket_search': ticketSearchMigration,
    '017_provider_time_zone': providerTimeZoneMigration,
  };
}
