// The tables of the limits every booking process counts together
// (shared-rate-limit.ts), migration 007_rate_limits. Made on SQLite too, where
// they stay empty: one process owns a SQLite file, and counts in memory.
import { schemaMigration } from './table-definitions.js';

export const rateLimitsMigration = schemaMigration({
  tables: {
    rate_limit_counts: {
      columns: { key: 'text not null', bucket: 'bigint not null', count: 'integer not null', expires_at: 'bigint not null' },
      primaryKey: { name: 'rate_limit_counts_pk', columns: ['key', 'bucket'] },
      indexes: { rate_limit_counts_expiry: ['expires_at'] },
    },
    rate_limit_backoff: {
      columns: { key: 'text primary key', failures: 'integer not null', last_at: 'bigint not null', until_at: 'bigint not null', expires_at: 'bigint not null' },
      indexes: { rate_limit_backoff_expiry: ['expires_at'] },
    },
  },
});
