// Prepared queries on a real SQLite file: through Kysely, and straight on the
// connection inside a transaction Kysely opened (the provider's verify path).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from './db.js';
import { prepare } from './prepared.js';

interface DB {
  seats: { seat_id: string; holder: string | null };
}

const migrations = {
  '001': {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('seats').addColumn('seat_id', 'text', (c) => c.primaryKey()).addColumn('holder', 'text').execute();
      await sql`insert into seats (seat_id, holder) values ('A1', null), ('A2', null)`.execute(db);
    },
  },
};

describe('prepared queries on SQLite', () => {
  let dir: string;
  let opened: OpenedDatabase<DB>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gp-prepared-'));
    opened = await openDatabase<DB>({ dataDir: dir, file: 'test.sqlite', migrations });
  });
  afterEach(async () => {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const queries = (db: Kysely<DB>) => ({
    claim: prepare(db, (p: { seatId: string; holder: string }) =>
      db.updateTable('seats').set({ holder: p.holder }).where('seat_id', '=', p.seatId).where('holder', 'is', null),
    ),
    holder: prepare(db, (p: { seatId: string }) => db.selectFrom('seats').select(['holder']).where('seat_id', '=', p.seatId)),
  });

  it('answer alike through Kysely and on the connection', async () => {
    const q = queries(opened.db);
    const sync = opened.sync!;
    expect((await q.claim(sync, { seatId: 'A1', holder: 'ann' })).numAffectedRows).toBe(1n);
    expect((await q.claim(opened.db, { seatId: 'A1', holder: 'bob' })).numAffectedRows).toBe(0n);
    expect((await q.claim(opened.db, { seatId: 'A2', holder: 'bob' })).numAffectedRows).toBe(1n);
    expect((await q.holder(sync, { seatId: 'A2' })).rows).toEqual([{ holder: 'bob' }]);
    expect((await q.holder(opened.db, { seatId: 'A1' })).rows).toEqual([{ holder: 'ann' }]);
  });

  it('run on the connection inside a Kysely transaction, they are part of it: a rollback undoes them', async () => {
    const q = queries(opened.db);
    const sync = opened.sync!;
    await expect(
      opened.db.transaction().execute(async () => {
        await q.claim(sync, { seatId: 'A1', holder: 'ann' });
        expect((await q.holder(sync, { seatId: 'A1' })).rows).toEqual([{ holder: 'ann' }]);
        throw new Error('the order failed');
      }),
    ).rejects.toThrow('the order failed');
    expect((await q.holder(opened.db, { seatId: 'A1' })).rows).toEqual([{ holder: null }]);

    await opened.db.transaction().execute(async () => {
      await q.claim(sync, { seatId: 'A1', holder: 'bob' });
    });
    // A second connection sees the committed write: it reached the file.
    const other = await openDatabase<DB>({ dataDir: dir, file: 'test.sqlite', migrations });
    try {
      expect((await q.holder(other.db, { seatId: 'A1' })).rows).toEqual([{ holder: 'bob' }]);
    } finally {
      await other.close();
    }
  });
});
