// Shows cancelled through this server (show-cancellation.ts), migration 019.
// An order the venue issued just before it cancelled the show can still be
// on its way back to this server when the cancellation reads its tickets: the
// order's tickets are stored after that read, and are found here instead.
import { schemaMigration } from '../../common/table-definitions.js';

export interface ShowCancellationsTable {
  provider_id: string;
  show_id: string;
  cancelled_at: number;
  /** when no order of the show was left in flight and none of its tickets was left to take back: nothing can come later */
  settled_at: number | null;
}

export interface ShowCancellationsDB {
  show_cancellations: ShowCancellationsTable;
}

export const showCancellationsMigration = schemaMigration({
  tables: {
    show_cancellations: {
      columns: { provider_id: 'text not null', show_id: 'text not null', cancelled_at: 'bigint not null', settled_at: 'bigint' },
      primaryKey: { name: 'show_cancellations_pk', columns: ['provider_id', 'show_id'] },
    },
  },
});
