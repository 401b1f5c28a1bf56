// The venue's time zone, stored with its provider: an IANA name (`Asia/Shanghai`),
// or null for a provider registered before it could be set, or without one —
// null means the booking server's own zone (venue-zone.ts).
import type { Kysely, Migration } from 'kysely';

export const providerTimeZoneMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('providers').addColumn('time_zone', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('providers').dropColumn('time_zone').execute();
  },
};
