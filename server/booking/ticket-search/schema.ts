// What the console's ticket search and a ticket's story read (search.ts): the
// indexes that find a ticket by e-mail (through its owner) and by seat, and
// what an annulment keeps of the admission it undid — that admission's row
// leaves station_events when it is undone, so its time and gate are kept here.
import type { Kysely, Migration } from 'kysely';

export const ticketSearchMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('tickets_user').on('tickets').column('user_id').execute();
    await db.schema.createIndex('tickets_show_seat').on('tickets').columns(['show_id', 'seat_label']).execute();
    await db.schema.alterTable('annulments').addColumn('admitted_at', 'bigint').execute();
    await db.schema.alterTable('annulments').addColumn('gate', 'text').execute();
    await db.schema.createIndex('annulments_code').on('annulments').columns(['provider_id', 'code']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('annulments_code').execute();
    await db.schema.alterTable('annulments').dropColumn('gate').execute();
    await db.schema.alterTable('annulments').dropColumn('admitted_at').execute();
    await db.schema.dropIndex('tickets_show_seat').execute();
    await db.schema.dropIndex('tickets_user').execute();
  },
};
