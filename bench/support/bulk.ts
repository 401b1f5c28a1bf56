// Bulk writes for the growth benchmark: rows straight into a server's tables,
// many to a statement, chunk after chunk inside one transaction — a season's
// tickets in seconds, where one HTTP call per ticket would take an hour.
// SQLite: multi-row INSERTs on the server's file (the server stopped);
// PostgreSQL: one INSERT … SELECT FROM unnest(arrays) per chunk.
import Database from 'better-sqlite3';
import pg from 'pg';

/** A column and its PostgreSQL array type for unnest. */
export type Column = [name: string, type: 'text' | 'bigint' | 'integer'];
export type Row = (string | number | null)[];

export interface Bulk {
  insert(table: string, columns: Column[], rows: Row[]): Promise<void>;
  exec(statement: string): Promise<void>;
  /** the first column of the first row */
  value(query: string): Promise<unknown>;
  transaction(work: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

// SQLite's limit is 32,766 variables a statement.
const SQLITE_ROWS = 500;

export function sqliteBulk(file: string): Bulk {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // The fill's own connection: a crash mid-fill only loses the benchmark's rows.
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = ON');
  // Codes are random: a season's index pages do not fit SQLite's default cache.
  db.pragma('cache_size = -262144');
  const statements = new Map<string, Database.Statement>();
  const statement = (table: string, columns: Column[], rows: number) => {
    const key = `${table} ${rows}`;
    let s = statements.get(key);
    if (!s) {
      const one = `(${columns.map(() => '?').join(',')})`;
      s = db.prepare(`insert into ${table} (${columns.map((c) => c[0]).join(',')}) values ${Array(rows).fill(one).join(',')}`);
      statements.set(key, s);
    }
    return s;
  };
  return {
    async insert(table, columns, rows) {
      for (let i = 0; i < rows.length; i += SQLITE_ROWS) {
        const chunk = rows.slice(i, i + SQLITE_ROWS);
        statement(table, columns, chunk.length).run(chunk.flat());
      }
    },
    async exec(text) {
      db.exec(text);
    },
    async value(query) {
      return db.prepare(query).pluck().get();
    },
    async transaction(work) {
      db.exec('begin');
      try {
        await work();
        db.exec('commit');
      } catch (err) {
        db.exec('rollback');
        throw err;
      }
    },
    async close() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

export async function postgresBulk(url: string): Promise<Bulk> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async insert(table, columns, rows) {
      if (rows.length === 0) return;
      const arrays = columns.map((_, c) => rows.map((r) => r[c]));
      const unnest = columns.map((col, c) => `$${c + 1}::${col[1]}[]`).join(',');
      await client.query(`insert into ${table} (${columns.map((c) => c[0]).join(',')}) select * from unnest(${unnest})`, arrays);
    },
    async exec(text) {
      await client.query(text);
    },
    async value(query) {
      const res = await client.query({ text: query, rowMode: 'array' });
      return (res.rows[0] as unknown[] | undefined)?.[0];
    },
    async transaction(work) {
      await client.query('begin');
      try {
        // The fill's own transaction: its commit need not wait for the disk.
        await client.query('set local synchronous_commit = off');
        await work();
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw err;
      }
    },
    async close() {
      // Settled as a database in service is: there autovacuum keeps up with a season's
      // writes, spread over months. Left to run during the load, the vacuum of a
      // million-row fill and the checkpoint of its pages would be measured as growth.
      await client.query('vacuum analyze');
      await client.query('checkpoint');
      await client.end();
    },
  };
}

/** Creates (after dropping any left by an interrupted run) a PostgreSQL database; returns its URL and what drops it. */
export async function ownPostgresDatabase(adminUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const run = async (text: string) => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(text);
    } finally {
      await admin.end();
    }
  };
  await run(`drop database if exists ${name} with (force)`);
  await run(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}
