// The Live page's tables (scan-outcomes.ts writes them, live.ts reads them) and
// their migration, 015_scan_outcomes. Typed here alone, not with BookingDB:
// schema.ts imports this file.
import type { Kysely, Migration } from 'kysely';

export interface ScanOutcomesTable {
  provider_id: string;
  /** null: the provider named no show (not a ticket, or never asked) */
  show_id: string | null;
  gate: string;
  station_id: string;
  at: number;
  result: 'admitted' | 'rejected';
  reason: string | null;
  seat: string | null;
}

export interface JournalConflictsTable {
  /** derived from the station and its scan ID: the same upload twice records one conflict */
  conflict_id: string;
  provider_id: string;
  show_id: string | null;
  /** the provider's ticket ID (never the code: that would let a reader redeem it) */
  ticket_id: string | null;
  seat: string | null;
  /** the offline admission */
  gate: string;
  at: number;
  /** the admission that came first, as the provider answered it */
  first_gate: string | null;
  first_at: number | null;
  recorded_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}

export interface ScanOutcomesDB {
  scan_outcomes: ScanOutcomesTable;
  journal_conflicts: JournalConflictsTable;
}

export const scanOutcomesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('scan_outcomes')
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('show_id', 'text')
      .addColumn('gate', 'text', (c) => c.notNull())
      .addColumn('station_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('seat', 'text')
      .execute();
    await db.schema.createIndex('scan_outcomes_show').on('scan_outcomes').columns(['provider_id', 'show_id', 'at']).execute();
    await db.schema.createIndex('scan_outcomes_at').on('scan_outcomes').columns(['at']).execute();
    await db.schema
      .createTable('journal_conflicts')
      .addColumn('conflict_id', 'text', (c) => c.primaryKey())
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('show_id', 'text')
      .addColumn('ticket_id', 'text')
      .addColumn('seat', 'text')
      .addColumn('gate', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('first_gate', 'text')
      .addColumn('first_at', 'bigint')
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .addColumn('acknowledged_at', 'bigint')
      .addColumn('acknowledged_by', 'text')
      .execute();
    await db.schema.createIndex('journal_conflicts_provider').on('journal_conflicts').columns(['provider_id', 'recorded_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('journal_conflicts').execute();
    await db.schema.dropTable('scan_outcomes').execute();
  },
};
