// One query layer (Kysely) over either SQLite (better-sqlite3, the default, a
// file under the data folder) or PostgreSQL (when DATABASE_URL is set).
// Durability first: SQLite runs WAL with synchronous=FULL, so a commit that
// returned has reached the disk; PostgreSQL keeps its durable defaults.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Migration, Migrator, type MigrationProvider, type Transaction } from 'kysely';
import pg from 'pg';
import { databaseLocation } from './database-url.js';
import { StartError } from './start-error.js';
import type { SqliteExecutor } from './prepared.js';
import { ensurePrivateDir, ensurePrivateFile, restrictIfPresent } from './private-files.js';

export type Dialect = 'sqlite' | 'postgres';

export interface OpenedDatabase<DB> {
  db: Kysely<DB>;
  dialect: Dialect;
  /** where it lives, without credentials, for the ready log line */
  location: string;
  /**
   * SQLite only: the same connection and statement cache, for prepared
   * statements run synchronously inside a transaction opened through `db`
   * (prepared.ts), or for a read that may see an open transaction's rows
   * without harm. PostgreSQL has none: there each statement is a round trip.
   */
  sync?: SqliteExecutor;
  /**
   * A transaction whose commit does not wait for the disk, for rows that only
   * cache another server's durable record (the booking server's log of the
   * admissions a provider answered). SQLite commits it at synchronous=NORMAL:
   * in WAL mode no fsync, and the next durable commit or checkpoint carries it
   * to disk. PostgreSQL commits it with synchronous_commit off. A power cut
   * may lose its last moments; it never corrupts anything, and every other
   * transaction stays as durable as before.
   */
  relaxedTransaction<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  dataDir: string;
  /** SQLite file name inside dataDir */
  file: string;
  databaseUrl?: string;
  migrations: Record<string, Migration>;
  /**
   * PostgreSQL only: an idle pooled connection was closed by the server (a
   * restart, a failover, an administrator, idle_session_timeout). The pool
   * drops it and opens a new one for the next query; this is for the log.
   */
  onConnectionLost?: (err: Error & { code?: string }) => void;
}

/** The log line for onConnectionLost: the error's code, not its text (which may name hosts). */
export function logConnectionLost(log: { warn(fields: object, msg: string): void } | undefined, err: Error & { code?: string }): void {
  log?.warn({ reason: 'database_connection_lost', pgCode: err.code }, 'the database closed an idle connection; the next query opens a new one');
}

export async function openDatabase<DB>(opts: OpenOptions): Promise<OpenedDatabase<DB>> {
  let opened: OpenedDatabase<DB>;
  if (opts.databaseUrl) {
    const location = databaseLocation(opts.databaseUrl);
    // int8 (bigint) columns hold epoch seconds and counters: parse them as numbers.
    pg.types.setTypeParser(20, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // Without a listener, node-postgres throws this event as an uncaught
    // exception: a database restart would take the whole server down.
    pool.on('error', (err) => opts.onConnectionLost?.(err));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    opened = {
      db,
      dialect: 'postgres',
      location,
      relaxedTransaction: (work) =>
        db.transaction().execute(async (trx) => {
          await sql`SET LOCAL synchronous_commit = off`.execute(trx);
          return work(trx);
        }),
      close: () => db.destroy(),
    };
  } else {
    // Only the server's user may read the database: it holds every ticket and
    // (unless --secrets-key-file) the keys that sign them. SQLite creates its
    // -wal and -shm files with the database file's mode, so 0600 carries over.
    const path = join(opts.dataDir, opts.file);
    let sqlite: Database.Database;
    try {
      ensurePrivateDir(opts.dataDir);
      ensurePrivateFile(path);
      for (const suffix of ['-wal', '-shm', '-journal']) restrictIfPresent(path + suffix);
      sqlite = new Database(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new StartError(`--data (GATEPOST_DATA): cannot keep the database in "${opts.dataDir}" (${code}); give a folder this user may write`);
    }
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    // Checkpoint the WAL less often (every ~40 MB instead of ~4 MB): each checkpoint
    // fsyncs the database file, and commits are durable in the WAL either way.
    sqlite.pragma('wal_autocheckpoint = 10000');
    // A gate's lookups land on random pages (codes are random): SQLite's default
    // 2 MB page cache holds little of a season's tickets. 64 MB holds a venue's.
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
    opened = {
      db,
      sync: { statement: (text) => database.prepare(text) },
      dialect: 'sqlite',
      location: path,
      // The pragma is the connection's: holding Kysely's one connection keeps
      // every other transaction out until it is FULL again.
      relaxedTransaction: (work) =>
        db.connection().execute(async (conn) => {
          sqlite.pragma('synchronous = NORMAL');
          try {
            return await conn.transaction().execute(work);
          } finally {
            sqlite.pragma('synchronous = FULL');
          }
        }),
      close: () => db.destroy(),
    };
  }
  await migrate(opened.db, opts.migrations);
  return opened;
}

async function migrate<DB>(db: Kysely<DB>, migrations: Record<string, Migration>): Promise<void> {
  // A database another server migrated (a booking server given the provider's, or a newer
  // version's) is named as such, rather than left to Kysely's "corrupted migrations".
  const done = await sql<{ name: string }>`select name from kysely_migration`.execute(db).then(
    (r) => r.rows.map((row) => row.name),
    () => [] as string[],
  );
  const unknown = done.find((name) => !(name in migrations));
  if (unknown) {
    throw new StartError(`the database holds migration ${unknown}, which this server does not know: it is another Gatepost server's database (each server needs its own) or a newer version's`);
  }
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const detail = error instanceof Error ? error.message : String(error ?? failed?.migrationName);
    throw new StartError(`database migration failed: ${detail}`, 'E_START');
  }
}
