// One query layer (Kysely) over either SQLite (better-sqlite3, the default, a
// file under the data folder) or PostgreSQL (when DATABASE_URL is set).
// Durability first: SQLite runs WAL with synchronous=FULL, so a commit that
// returned has reached the disk (group-commit batches sync the same WAL from a
// libuv thread, see commitBatch); PostgreSQL keeps its durable defaults.
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Migration, Migrator, type MigrationProvider, type Transaction } from 'kysely';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

export interface OpenedDatabase<DB> {
  db: Kysely<DB>;
  dialect: Dialect;
  /** where it lives, without credentials, for the ready log line */
  location: string;
  /**
   * Runs a group commit's batch in one transaction and resolves once it is
   * durable. On SQLite the WAL is synced off the event loop (see below).
   */
  commitBatch<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  dataDir: string;
  /** SQLite file name inside dataDir */
  file: string;
  databaseUrl?: string;
  migrations: Record<string, Migration>;
}

export async function openDatabase<DB>(opts: OpenOptions): Promise<OpenedDatabase<DB>> {
  let opened: OpenedDatabase<DB>;
  if (opts.databaseUrl) {
    // int8 (bigint) columns hold epoch seconds and counters: parse them as numbers.
    pg.types.setTypeParser(20, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(opts.databaseUrl);
    opened = {
      db,
      dialect: 'postgres',
      location: `postgresql://${url.host}${url.pathname}`,
      commitBatch: (work) => db.transaction().execute(work),
      close: () => db.destroy(),
    };
  } else {
    mkdirSync(opts.dataDir, { recursive: true });
    const path = join(opts.dataDir, opts.file);
    const sqlite = new Database(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    // Checkpoint the WAL less often (every ~40 MB instead of ~4 MB): each checkpoint
    // fsyncs the database file, and commits are durable in the WAL either way.
    sqlite.pragma('wal_autocheckpoint = 10000');
    // A gate's lookups land on random pages (codes are random): with SQLite's
    // default 2 MB cache each one costs several page reads from the OS, ~40 µs
    // a lookup on a 50,000-ticket table. 64 MB holds a venue's working set.
    sqlite.pragma('cache_size = -65536');
    // Kysely prepares every query anew; keeping prepared statements saves that
    // work on the hot paths (a verify runs the same three statements each time).
    const statements = new Map<string, Database.Statement>();
    const database = {
      prepare(sql: string) {
        let stmt = statements.get(sql);
        if (!stmt) {
          stmt = sqlite.prepare(sql);
          if (statements.size > 500) statements.clear();
          statements.set(sql, stmt);
        }
        return stmt;
      },
      close() {
        sqlite.close();
      },
    };
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: database as never }) });
    // A batch's durability, without blocking the event loop: COMMIT with
    // synchronous=FULL fsyncs the WAL inside the call, on the event loop, for
    // ~170 µs here, during which no request is read or answered. A batch instead
    // commits with synchronous=NORMAL (WAL written, not yet synced; checkpoints
    // still sync) and is answered only after fdatasync of the WAL file has
    // returned on a libuv thread: what FULL does, in another thread. The next
    // batch starts only then (GroupCommit runs one at a time on SQLite), so no
    // batch reads another's writes before they are on disk. Every other write
    // keeps synchronous=FULL.
    let wal: Promise<FileHandle> | undefined;
    const relaxed = sqlite.prepare('PRAGMA synchronous = NORMAL');
    const full = sqlite.prepare('PRAGMA synchronous = FULL');
    const commitBatch = async <T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> => {
      // Holding Kysely's one SQLite connection: no other statement runs until it is back to FULL.
      const result = await db.connection().execute(async (conn) => {
        relaxed.run();
        try {
          return await conn.transaction().execute(work);
        } finally {
          full.run();
        }
      });
      try {
        wal ??= open(`${path}-wal`, 'r');
        await (await wal).datasync();
      } catch (err) {
        // Not known to be on disk, so not answered as if it were; the next batch opens the file again.
        wal = undefined;
        throw err;
      }
      return result;
    };
    opened = {
      db,
      dialect: 'sqlite',
      location: path,
      commitBatch,
      close: async () => {
        await db.destroy();
        if (wal) await (await wal).close();
      },
    };
  }
  await migrate(opened.db, opts.migrations);
  return opened;
}

async function migrate<DB>(db: Kysely<DB>, migrations: Record<string, Migration>): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const detail = error instanceof Error ? error.message : String(error ?? failed?.migrationName);
    throw new Error(`database migration failed: ${detail}`);
  }
}
