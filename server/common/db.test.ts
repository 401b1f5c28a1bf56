// Relaxed transactions (db.ts): the booking server's cache of admissions
// commits without waiting for the disk. What must hold: its rows are
// committed like any others, and no other transaction loses its durability —
// not one after it, not one that arrived while it was open, not after it
// failed. On a real SQLite file and on the local PostgreSQL. And a server on
// PostgreSQL outlives the database closing its connections.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from './db.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './testing/postgres.js';

interface DB {
  events: { code: string };
}

const migrations = {
  '001': {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('events').addColumn('code', 'text', (c) => c.primaryKey()).execute();
    },
  },
};

const pgUp = await postgresAvailable();

describe.each([
  { name: 'SQLite', dialect: 'sqlite' as const },
  { name: 'PostgreSQL', dialect: 'postgres' as const },
])('relaxed transactions on $name', ({ dialect }) => {
  let dir: string;
  let pgdb: TestDatabase | undefined;
  let opened: OpenedDatabase<DB>;
  const skip = dialect === 'postgres' && !pgUp;

  beforeAll(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), 'gp-db-'));
    if (dialect === 'postgres') pgdb = await createTestDatabase('gp_db');
    opened = await openDatabase<DB>({ dataDir: dir, file: 'test.sqlite', databaseUrl: pgdb?.url, migrations });
  });
  afterAll(async () => {
    if (skip) return;
    await opened.close();
    await pgdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Whether a commit in this transaction would wait for the disk. */
  const durable = async (trx: Kysely<DB>): Promise<boolean> => {
    if (dialect === 'sqlite') {
      // 2 = FULL: the WAL is synced at every commit.
      const { rows } = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(trx);
      return rows[0]!.synchronous === 2;
    }
    const { rows } = await sql<{ synchronous_commit: string }>`SHOW synchronous_commit`.execute(trx);
    return rows[0]!.synchronous_commit === 'on';
  };
  /** Durable on every connection: ten at once take each pooled PostgreSQL connection, the relaxed one's too. */
  const allDurable = async () => (await Promise.all(Array.from({ length: 10 }, () => opened.db.transaction().execute(durable)))).every(Boolean);
  const codes = async () => (await opened.db.selectFrom('events').select('code').orderBy('code').execute()).map((r) => r.code);

  it.skipIf(skip)('commit their rows without waiting for the disk, and leave every other transaction durable', async () => {
    expect(await opened.db.transaction().execute(durable)).toBe(true);

    let inside: boolean | undefined;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const relaxed = opened.relaxedTransaction(async (trx) => {
      inside = await durable(trx);
      await trx.insertInto('events').values({ code: 'cached-1' }).execute();
      await held;
    });
    // A durable transaction that arrives while the relaxed one is open.
    const during = opened.db.transaction().execute(async (trx) => {
      await trx.insertInto('events').values({ code: 'order-1' }).execute();
      return durable(trx);
    });
    // Let both start before the relaxed one may finish.
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await relaxed;
    expect(inside).toBe(false);
    expect(await during).toBe(true);
    expect(await allDurable()).toBe(true);
    expect(await codes()).toEqual(['cached-1', 'order-1']);
  });

  it.skipIf(skip)('that fail write nothing, and the next transaction is durable', async () => {
    await expect(
      opened.relaxedTransaction(async (trx) => {
        await trx.insertInto('events').values({ code: 'cached-2' }).execute();
        throw new Error('the batch failed');
      }),
    ).rejects.toThrow('the batch failed');
    expect(await codes()).not.toContain('cached-2');
    expect(await allDurable()).toBe(true);
  });

});

describe.skipIf(!pgUp)('a PostgreSQL pool', () => {
  it('survives PostgreSQL closing its idle connections, and the next queries reconnect', async () => {
    // What a database restart or an administrator does to a running server's pool.
    const pgdb = await createTestDatabase('gp_db_lost');
    const dir = mkdtempSync(join(tmpdir(), 'gp-db-'));
    const url = new URL(pgdb.url);
    url.searchParams.set('application_name', 'gp-db-test-lost');
    const lost: (string | undefined)[] = [];
    let expected = Infinity;
    let allLost!: () => void;
    const gone = new Promise<void>((resolve) => (allLost = resolve));
    const opened = await openDatabase<DB>({
      dataDir: dir,
      file: 'unused.sqlite',
      databaseUrl: url.toString(),
      migrations,
      onConnectionLost: (err) => {
        lost.push(err.code);
        if (lost.length >= expected) allLost();
      },
    });
    try {
      // Ten transactions at once: ten connections, idle in the pool afterwards.
      await Promise.all(Array.from({ length: 10 }, () => opened.db.transaction().execute((trx) => sql`select 1`.execute(trx))));
      const admin = new pg.Client({ connectionString: pgdb.url });
      await admin.connect();
      const { rows } = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'gp-db-test-lost'`);
      await admin.end();
      expect(rows.length).toBeGreaterThan(0);
      expected = rows.length;
      if (lost.length >= expected) allLost();
      await gone;
      // 57P01: terminating connection due to administrator command
      expect(new Set(lost)).toEqual(new Set(['57P01']));
      await opened.db.insertInto('events').values({ code: 'after-restart' }).execute();
      expect((await opened.db.selectFrom('events').select('code').execute()).map((r) => r.code)).toEqual(['after-restart']);
    } finally {
      await opened.close();
      await pgdb.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
