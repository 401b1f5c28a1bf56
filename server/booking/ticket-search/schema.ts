// What the console's ticket search and a ticket's story read (search.ts): the
// indexes that find a ticket by e-mail (through its owner) and by seat, and
// what an annulment keeps of the admission it undid — that admission's row
// leaves station_events when it is undone, so its time and gate are kept here.
import { schemaMigration } from '../../common/table-definitions.js';

export const ticketSearchMigration = schemaMigration({
  addColumns: { annulments: { admitted_at: 'bigint', gate: 'text' } },
  indexes: {
    tickets: { tickets_user: ['user_id'], tickets_show_seat: ['show_id', 'seat_label'] },
    annulments: { annulments_code: ['provider_id', 'code'] },
  },
});
