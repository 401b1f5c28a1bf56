// A verification server upgraded under a programme already on sale: the
// release before kept no seat-map shape on its shows and counted seats by
// reading them all. After the upgrade (migration 007_seat_counts), the staff
// programme and the catalogue give the same shapes and counts as before, read
// from the shows and the (show_id, status) index. A database made by the
// release before, then a real `gatepost provider` process on it, on SQLite and
// on the local PostgreSQL.
import { describe, expect, it } from 'vitest';
import type { ManagedShow, Show } from '../../protocol/provider-api.js';
import { startGatepost } from '../../testing/processes.js';
import { openDatabase } from '../common/db.js';
import { signedClient } from '../common/testing/signed-client.js';
import { BACKENDS, testStorage } from '../common/testing/storage.js';
import { seatMap } from './programme.js';
import { providerMigrations, type ProviderDB } from './schema.js';

const SECRET = 'seat-counts-secret-0123456789';

describe.each(BACKENDS)('seat counts across the upgrade, on $backend', ({ backend, run }) => {
  it.runIf(run)('lists every show with its shape and its seats free and sold as before', { timeout: 60_000 }, async () => {
    const store = await testStorage(backend, 'seat-counts');
    try {
      const dialect = backend === 'postgres' ? 'postgres' : 'sqlite';
      const before = Object.fromEntries(Object.entries(providerMigrations(dialect)).filter(([name]) => name < '007_seat_counts'));
      const old = await openDatabase<ProviderDB>({ dataDir: store.dir, file: 'provider.sqlite', databaseUrl: store.databaseUrl, migrations: before });
      const starts = Math.floor(Date.now() / 1000) + 86_400;
      // Two shows as the release before stored them (no shape columns yet); the first with 5 seats sold.
      for (const [showId, rows, perRow] of [['hall-a', 3, 4], ['hall-b', 2, 11]] as const) {
        await old.db
          .insertInto('shows')
          .values({ show_id: showId, title: `Show ${showId}`, venue: 'Old Cinema', hall: showId, starts_at: starts, ends_at: starts + 7200, price_cents: 900, currency: 'EUR', cancelled_at: null } as never)
          .execute();
        await old.db.insertInto('seats').values(seatMap(showId, rows, perRow)).execute();
      }
      await old.db.updateTable('seats').set({ status: 'sold', order_ref: 'o-1' }).where('show_id', '=', 'hall-a').where('seat_id', 'in', ['A1', 'A2', 'B3', 'C1', 'C4']).execute();
      await old.close();

      const provider = await startGatepost(['provider', '--port', '0', '--data', store.dir, '--booking-secret', SECRET], { DATABASE_URL: store.databaseUrl ?? '' });
      try {
        const api = signedClient(provider.url, SECRET);
        const programme = await api.get<{ shows: ManagedShow[] }>('/v1/programme');
        expect(programme.status).toBe(200);
        expect(programme.body.shows.map(({ showId, rows, seatsPerRow, seatsFree, seatsSold }) => ({ showId, rows, seatsPerRow, seatsFree, seatsSold }))).toEqual([
          { showId: 'hall-a', rows: 3, seatsPerRow: 4, seatsFree: 7, seatsSold: 5 },
          { showId: 'hall-b', rows: 2, seatsPerRow: 11, seatsFree: 22, seatsSold: 0 },
        ]);
        const shows = await api.get<{ shows: Show[] }>('/v1/shows');
        expect(shows.body.shows.map((s) => [s.showId, s.seatsFree])).toEqual([
          ['hall-a', 7],
          ['hall-b', 22],
        ]);
        // A change of shape before the first sale is kept on the show.
        expect((await api.call<ManagedShow>('PATCH', '/v1/shows/hall-b', { rows: 4, seatsPerRow: 6 })).body).toMatchObject({ rows: 4, seatsPerRow: 6, seatsFree: 24 });
        expect((await api.get<{ shows: ManagedShow[] }>('/v1/programme')).body.shows[1]).toMatchObject({ showId: 'hall-b', rows: 4, seatsPerRow: 6, seatsFree: 24 });
      } finally {
        await provider.stop();
      }
    } finally {
      await store.remove();
    }
  });
});

