// What the scanning capability reads added to the initial tables: each
// station event's ticket validity (station-events.ts prunes by it), and the
// index the start-up pages the still-valid tickets through (issued-payloads.ts).
import { sql } from 'kysely';
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
