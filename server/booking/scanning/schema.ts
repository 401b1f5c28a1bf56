// What the scanning capability reads added to the initial tables: each
// station event's ticket validity (station-events.ts prunes by it), and the
// index the start-up pages the still-valid tickets through (issued-payloads.ts).
import { sql, type Kysely, type Migration } from 'kysely';
import { schemaMigration } from '../../common/table-definitions.js';

/** 004_station_event_validity */
export const stationEventValidityMigration = schemaMigration({
  addColumns: { station_events: { valid_until: 'bigint' } },
  // Events of tickets issued here learn their validity now; the others age out (LEGACY_KEEP_S).
  fill: async (db) => {
    await sql`update station_events set valid_until = (
        select t.valid_until from tickets t where t.provider_id = station_events.provider_id and t.code = station_events.code)`.execute(db);
  },
  indexes: { station_events: { station_events_validity: ['valid_until'] } },
});

/**
 * 012_scale_indexes: the start-up reads the still-valid tickets soonest-ending first, a page
 * at a time after the last (valid_until, ticket_id) read: an index range, not a sort.
 */
export const validityPageMigration = schemaMigration({ indexes: { tickets: { tickets_validity_page: ['valid_until', 'ticket_id'] } } });

/**
 * 023_one_validity_index: 002's index on tickets (valid_until) is the first column of 012's
 * (valid_until, ticket_id), which serves every query the older one served (a range or an
 * order on valid_until). Each issued ticket was written into both.
 */
export const oneValidityIndexMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('tickets_valid_until').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.createIndex('tickets_valid_until').on('tickets').column('valid_until').execute();
  },
};
