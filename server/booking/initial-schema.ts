// The booking server's first migration, 001_initial: its accounts, providers,
// orders, tickets and gate stations (the tables' types are in schema.ts).
import type { Migration } from 'kysely';
import type { Dialect } from '../common/db.js';
import { schemaMigration, serialPrimaryKey } from '../common/table-definitions.js';
import { TICKET_SHOW_COPY_COLUMNS } from '../common/ticket-show-copy.js';

export function initialMigration(dialect: Dialect): Migration {
  return schemaMigration({
    tables: {
      signing_keys: {
        columns: { key_id: 'integer primary key', private_key: 'text not null', public_key: 'text not null', created_at: 'bigint not null' },
      },
      settings: { columns: { name: 'text primary key', value: 'text not null' } },
      users: {
        columns: {
          user_id: 'text primary key',
          email: 'text not null unique',
          password_hash: 'text not null',
          phone: 'text',
          created_at: 'bigint not null',
        },
      },
      sessions: {
        columns: {
          token_hash: 'text primary key',
          user_id: 'text not null references users(user_id)',
          created_at: 'bigint not null',
          expires_at: 'bigint not null',
        },
      },
      providers: {
        columns: {
          provider_id: 'text primary key',
          name: 'text not null',
          verify_url: 'text not null',
          secret: 'text not null',
          created_at: 'bigint not null',
        },
      },
      orders: {
        columns: {
          order_id: 'text primary key',
          user_id: 'text not null references users(user_id)',
          provider_id: 'text not null references providers(provider_id)',
          show_id: 'text not null',
          seats: 'text not null',
          amount_cents: 'integer not null',
          currency: 'text not null',
          state: 'text not null',
          payment_method: 'text not null',
          payment_reference: 'text',
          idempotency_key: 'text',
          failure_reason: 'text',
          attempts: 'integer not null default 0',
          next_attempt_at: 'bigint',
          created_at: 'bigint not null',
          updated_at: 'bigint not null',
        },
        indexes: {
          // One order per (user, Idempotency-Key): the database enforces it across processes.
          orders_idempotency: { unique: ['user_id', 'idempotency_key'] },
          orders_user: ['user_id', 'created_at'],
          orders_retry: ['state', 'next_attempt_at'],
        },
      },
      tickets: {
        columns: {
          ticket_id: 'text primary key',
          order_id: 'text not null references orders(order_id)',
          user_id: 'text not null',
          provider_id: 'text not null',
          provider_ticket_id: 'text not null',
          ...TICKET_SHOW_COPY_COLUMNS,
          valid_from: 'bigint not null',
          valid_until: 'bigint not null',
          code: 'text not null',
          key_id: 'integer not null',
          payload: 'text not null',
          share_generation: 'integer not null default 0',
          share_hash: 'text unique',
          revoked_at: 'bigint',
          created_at: 'bigint not null',
        },
        indexes: { tickets_order: ['order_id'], tickets_code: { unique: ['provider_id', 'code'] } },
      },
      stations: {
        columns: {
          station_id: 'text primary key',
          provider_id: 'text not null references providers(provider_id)',
          gate: 'text not null',
          enrollment_hash: 'text not null unique',
          enrollment_expires_at: 'bigint not null',
          enrolled_at: 'bigint',
          token_hash: 'text unique',
          created_at: 'bigint not null',
          revoked_at: 'bigint',
        },
      },
      station_events: {
        columns: {
          // A sequence number both dialects assign: the offline bundle's cursor.
          seq: serialPrimaryKey(dialect),
          provider_id: 'text not null',
          kind: 'text not null',
          code: 'text not null',
          at: 'bigint not null',
          gate: 'text',
          recorded_at: 'bigint not null',
        },
        indexes: { station_events_code: { unique: ['provider_id', 'kind', 'code'] }, station_events_cursor: ['provider_id', 'seq'] },
      },
    },
  });
}
