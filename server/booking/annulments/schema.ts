// Annulments (annulments.ts), migration 011_annulments: an admission is found
// by its scan ID and station, and each one undone is kept with the provider's
// answer, so a repeat gets it again.
import { schemaMigration } from '../../common/table-definitions.js';

export const annulmentsMigration = schemaMigration({
  addColumns: { station_events: { scan_id: 'text', station_id: 'text' } },
  indexes: { station_events: { station_events_scan: ['provider_id', 'scan_id'] } },
  tables: {
    annulments: {
      columns: {
        provider_scan_id: 'text primary key',
        provider_id: 'text not null',
        station_id: 'text not null',
        code: 'text not null',
        annulled_by: 'text not null',
        annulled_at: 'bigint not null',
      },
    },
  },
});
