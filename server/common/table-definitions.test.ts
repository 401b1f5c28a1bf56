// schemaMigration (table-definitions.ts) on a real SQLite file and the local
// PostgreSQL: the tables, keys, defaults and indexes it describes hold as the
// database enforces them, a fill sets the columns just added, and undoing the
// migrations leaves nothing behind.
import { type Kysely, type Migration, Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { schemaMigration, serialPrimaryKey } from './table-definitions.js';
import { BACKENDS, testStorage, type TestStorage } from './testing/storage.js';

interface DB {
  parents: { id?: number; name?: string; label?: string | null };
  children: { a: string; b: number; c: number; parent_id: number | null };
}

const first = (dialect: 'sqlite' | 'postgres'): Migration =>
  schemaMigration({
    tables: {
      parents: { columns: { id: serialPrimaryKey(dialect), name: "text not null default 'unnamed'" } },
      children: {
        columns: { a: 'text not null', b: 'bigint not null', c: 'integer not null', parent_id: 'bigint references parents(id)' },
        primaryKey: { name: 'children_pk', columns: ['a', 'b'] },
        indexes: { children_parent: ['parent_id'], children_c: { unique: ['c'] } },
      },
    },
  });

const second = schemaMigration({
  addColumns: { parents: { label: 'text' } },
  fill: async (db) => {
    await sql`update parents set label = 'label of ' || name`.execute(db);
  },
  indexes: { parents: { parents_label: { unique: ['label'] } } },
});

/** Whether the database refuses the statement. */
async function refused(work: Promise<unknown>): Promise<boolean> {
  return work.then(
    () => false,
    () => true,
  );
}

describe.each(BACKENDS)('schemaMigration on $backend', ({ backend, run }) => {
  let store: TestStorage | undefined;
  afterEach(async () => {
    await store?.remove();
    store = undefined;
  });

  it.runIf(run)('makes what it describes, fills the columns it adds, and undoes it all', async () => {
    store = await testStorage(backend, 'table-definitions');
    const open = (migrations: Record<string, Migration>) =>
      openDatabase<DB>({ dataDir: store!.dir, file: 'test.sqlite', databaseUrl: store!.databaseUrl, migrations });

    const before = await open({ '001': first(backend) });
    await before.db.insertInto('parents').values([{ name: 'one' }, { name: 'two' }]).execute();
    await before.db.insertInto('parents').defaultValues().execute();
    await before.close();

    const opened = await open({ '001': first(backend), '002': second });
    const db = opened.db;
    const parents = await db.selectFrom('parents').selectAll().orderBy('id').execute();
    expect(parents.map((p) => [p.name, p.label])).toEqual([
      ['one', 'label of one'],
      ['two', 'label of two'],
      ['unnamed', 'label of unnamed'],
    ]);
    const ids = parents.map((p) => Number(p.id));
    expect(ids[0]).toBeLessThan(ids[1]!);
    expect(ids[1]).toBeLessThan(ids[2]!);

    expect(await refused(db.insertInto('parents').values({ name: 'four', label: 'label of one' }).execute())).toBe(true);
    await db.insertInto('children').values({ a: 'x', b: 1, c: 10, parent_id: ids[0]! }).execute();
    expect(await refused(db.insertInto('children').values({ a: 'x', b: 1, c: 11, parent_id: null }).execute())).toBe(true);
    expect(await refused(db.insertInto('children').values({ a: 'y', b: 1, c: 10, parent_id: null }).execute())).toBe(true);
    expect(await refused(db.insertInto('children').values({ a: 'y', b: 2, c: 12, parent_id: 999_999 }).execute())).toBe(true);
    // The key is both columns: neither alone is unique.
    await db.insertInto('children').values([
      { a: 'x', b: 2, c: 13, parent_id: null },
      { a: 'y', b: 1, c: 14, parent_id: ids[1]! },
    ]).execute();

    const migrator = new Migrator({ db: db as Kysely<unknown>, provider: { getMigrations: async () => ({ '001': first(backend), '002': second }) } });
    const { error, results } = await migrator.migrateTo(NO_MIGRATIONS);
    expect(error).toBeUndefined();
    expect(results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual([
      ['002', 'Down', 'Success'],
      ['001', 'Down', 'Success'],
    ]);
    const left =
      backend === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where name not like 'kysely%' and name not like 'sqlite%'`.execute(db)
        : await sql<{ name: string }>`select relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = 'public' and relname not like 'kysely%'`.execute(db);
    expect(left.rows).toEqual([]);
    await opened.close();
  });
});
