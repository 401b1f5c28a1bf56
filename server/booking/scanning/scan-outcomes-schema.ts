// The Live page's tables (scan-outcomes.ts writes them, live.ts reads them) and
// their migration, 015_scan_outcomes. Typed here alone, not with BookingDB:
// schema.ts imports this file.
import { schemaMigration } from '../../common/table-definitions.js';

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
  /** the station's scan ID: staff annul an admission from the Live page by it */
  scan_id: string | null;
  /** set when the admission was annulled: it no longer counts as admitted */
  annulled_at: number | null;
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

export const scanOutcomesMigration = schemaMigration({
  tables: {
    scan_outcomes: {
      columns: {
        provider_id: 'text not null',
        show_id: 'text',
        gate: 'text not null',
        station_id: 'text not null',
        at: 'bigint not null',
        result: 'text not null',
        reason: 'text',
        seat: 'text',
      },
      indexes: { scan_outcomes_show: ['provider_id', 'show_id', 'at'], scan_outcomes_at: ['at'] },
    },
    journal_conflicts: {
      columns: {
        conflict_id: 'text primary key',
        provider_id: 'text not null',
        show_id: 'text',
        ticket_id: 'text',
        seat: 'text',
        gate: 'text not null',
        at: 'bigint not null',
        first_gate: 'text',
        first_at: 'bigint',
        recorded_at: 'bigint not null',
        acknowledged_at: 'bigint',
        acknowledged_by: 'text',
      },
      indexes: { journal_conflicts_provider: ['provider_id', 'recorded_at'] },
    },
  },
});

/** 018: each scan's ID and, for an admission undone, when; staff annul from the Live page's list and the counts leave it out. */
export const scanOutcomeAnnulMigration = schemaMigration({
  addColumns: { scan_outcomes: { scan_id: 'text', annulled_at: 'bigint' } },
  indexes: { scan_outcomes: { scan_outcomes_scan: ['station_id', 'scan_id'] } },
});
