// The Live page's tables (scan-outcomes.ts writes them, live.ts reads them) and
// their migration, 015_scan_outcomes. Typed here alone, not with BookingDB:
// schema.ts imports this file.
import { sql, type Migration } from 'kysely';
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

/**
 * The Live page's counts, kept as outcomes are written and annulled (scan-counts.ts), so that
 * a summary reads a few hundred rows however many scans a show has had.
 */
export interface ScanTotalsTable {
  provider_id: string;
  /** '' for outcomes of no show */
  show_id: string;
  /** 0 for a show's; for outcomes of no show, their minute: they count for three hours */
  bucket: number;
  gate: string;
  result: 'admitted' | 'rejected';
  /** '' for none */
  reason: string;
  n: number;
  /** the latest outcome counted: the row goes with the outcomes, two days after */
  last_at: number;
}

/** Admissions not annulled, per minute and gate, for the last hour's chart. */
export interface ScanMinutesTable {
  provider_id: string;
  /** '' for outcomes of no show */
  show_id: string;
  /** epoch seconds of the minute's start */
  minute: number;
  gate: string;
  admitted: number;
}

export interface ScanOutcomesDB {
  scan_outcomes: ScanOutcomesTable;
  journal_conflicts: JournalConflictsTable;
  scan_totals: ScanTotalsTable;
  scan_minutes: ScanMinutesTable;
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

const scanCountTables = schemaMigration({
  tables: {
    scan_totals: {
      columns: {
        provider_id: 'text not null',
        show_id: 'text not null',
        bucket: 'bigint not null',
        gate: 'text not null',
        result: 'text not null',
        reason: 'text not null',
        n: 'bigint not null',
        last_at: 'bigint not null',
      },
      primaryKey: { name: 'scan_totals_pk', columns: ['provider_id', 'show_id', 'bucket', 'gate', 'result', 'reason'] },
      indexes: { scan_totals_last: ['last_at'] },
    },
    scan_minutes: {
      columns: { provider_id: 'text not null', show_id: 'text not null', minute: 'bigint not null', gate: 'text not null', admitted: 'bigint not null' },
      primaryKey: { name: 'scan_minutes_pk', columns: ['provider_id', 'show_id', 'minute', 'gate'] },
    },
  },
});

/** 022_scan_counts: the counts, filled in from the outcomes recorded before them. */
export const scanCountsMigration: Migration = {
  async up(db) {
    await scanCountTables.up(db);
    await sql`insert into scan_totals (provider_id, show_id, bucket, gate, result, reason, n, last_at)
      select provider_id, coalesce(show_id, ''), case when show_id is null then at - (at % 60) else 0 end, gate, result, coalesce(reason, ''), count(*), max(at)
      from scan_outcomes where annulled_at is null
      group by provider_id, coalesce(show_id, ''), case when show_id is null then at - (at % 60) else 0 end, gate, result, coalesce(reason, '')`.execute(db);
    await sql`insert into scan_minutes (provider_id, show_id, minute, gate, admitted)
      select provider_id, coalesce(show_id, ''), at - (at % 60), gate, count(*)
      from scan_outcomes where result = 'admitted' and annulled_at is null
      group by provider_id, coalesce(show_id, ''), at - (at % 60), gate`.execute(db);
  },
  down: (db) => scanCountTables.down!(db),
};
