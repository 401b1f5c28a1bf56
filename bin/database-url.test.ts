// DATABASE_URL as venue IT write it, with real `gatepost` processes and the
// local PostgreSQL: a server on the same host reaches it over its Unix socket
// (the libpq forms the WHATWG URL parser refuses), and a URL that is not a
// PostgreSQL one, or a database out of reach, stops the start with one line
// that names the setting, no stack trace and nothing of the password.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../server/common/db.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../server/common/testing/postgres.js';
import { providerMigrations } from '../server/provider/schema.js';
import { runRefused, startGatepost, type RunningCommand } from '../testing/processes.js';

const PASSWORD = 'pw-never-printed-7f3a9c';

/** The tables of a database, to see that a refused start left it alone. */
async function tablesOf(d: TestDatabase): Promise<string[]> {
  const client = new pg.Client({ connectionString: d.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = 'public' order by 1`);
    return rows.map((r) => r.t);
  } finally {
    await client.end();
  }
}

const hasPostgres = await postgresAvailable();

describe.skipIf(!hasPostgres)('DATABASE_URL', { timeout: 120_000 }, () => {
  let dir: string;
  let db: TestDatabase;
  let bookingDb: TestDatabase;
  let socketDir: string;
  const running: RunningCommand[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gp-database-url-'));
    writeFileSync(join(dir, 'secret'), 'booking-secret-0123456789abcdef', { mode: 0o600 });
    db = await createTestDatabase('gp_dburl');
    bookingDb = await createTestDatabase('gp_dburl_b');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    socketDir = (await client.query<{ d: string }>("select current_setting('unix_socket_directories') as d")).rows[0]!.d.split(',')[0]!.trim();
    await client.end();
  });
  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await db?.drop();
    await bookingDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const provider = (name: string, databaseUrl: string) =>
    ['provider', '--port', '0', '--data', join(dir, name), '--booking-secret-file', join(dir, 'secret'), '--database-url-file', file(name, databaseUrl)];
  const file = (name: string, text: string) => {
    const path = join(dir, `${name}.url`);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  const nameOf = (d: TestDatabase) => new URL(d.url).pathname.slice(1);

  it('a provider and a booking server on the same host reach PostgreSQL over its Unix socket, in both libpq forms', async () => {
    if (!socketDir.startsWith('/')) throw new Error(`this PostgreSQL listens on no Unix socket (unix_socket_directories = "${socketDir}")`);
    const asQuery = `postgresql://postgres@/${nameOf(db)}?host=${socketDir}`;
    const asHost = `postgres://postgres@${encodeURIComponent(socketDir)}/${nameOf(bookingDb)}`;
    const p = await startGatepost(provider('p', asQuery), { DATABASE_URL: '' });
    running.push(p);
    const b = await startGatepost(['booking', '--port', '0', '--data', join(dir, 'b'), '--database-url-file', file('b', asHost)], { DATABASE_URL: '' });
    running.push(b);
    // The ready line says where the data is, with the socket for a host.
    const ready = (output: string[]) => JSON.parse(output.find((l) => l.includes('ready at'))!) as { database: string };
    expect(ready(p.output).database).toBe(`postgresql:///${nameOf(db)}?host=${socketDir}`);
    expect(ready(b.output).database).toBe(`postgresql:///${nameOf(bookingDb)}?host=${socketDir}`);
    // Each migrated the database it was given, and the booking server answers from its own.
    for (const [d, table] of [[db, 'nonces'], [bookingDb, 'providers']] as const) {
      const client = new pg.Client({ connectionString: d.url });
      await client.connect();
      try {
        expect((await client.query(`select 1 from information_schema.tables where table_name = $1`, [table])).rowCount, table).toBe(1);
      } finally {
        await client.end();
      }
    }
    expect((await fetch(`${b.url}/api/v1/shows`)).status).toBe(200);
  });

  it('a URL that is not a PostgreSQL one is refused in one line naming the setting, with nothing of its value', async () => {
    for (const url of [`mysql://root:${PASSWORD}@127.0.0.1/gatepost`, `${PASSWORD}`, `postgresql://postgres:${PASSWORD}@127.0.0.1:5432`]) {
      const { code, stderr } = await runRefused(provider('bad', url), { DATABASE_URL: '' });
      expect(code, url).toBe(2);
      expect(stderr, url).toMatch(/^gatepost provider: --database-url \(DATABASE_URL\) (must be a postgresql:\/\/ URL|names no database)/);
      expect(stderr.trim().split('\n'), url).toHaveLength(1);
      expect(stderr, url).not.toContain(PASSWORD);
    }
  });

  it("a booking server given the provider's database says so, and leaves it as it was", async () => {
    // The provider's database, as a provider leaves it.
    const provider = await openDatabase({ dataDir: dir, file: 'unused', databaseUrl: db.url, migrations: providerMigrations('postgres') });
    await provider.close();
    const before = await tablesOf(db);
    const { code, stderr } = await runRefused(['booking', '--port', '0', '--data', join(dir, 'b2'), '--database-url-file', file('b2', db.url)], { DATABASE_URL: '' });
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^gatepost booking: the database holds migration \S+, which this server does not know: it is another Gatepost server's database \(each server needs its own\)/);
    expect(await tablesOf(db)).toEqual(before);
  });

  it('a database out of reach stops the start with one line and status 1, for a supervisor to try again', async () => {
    // Port 1 on loopback: nothing listens there.
    const { code, stderr } = await runRefused(provider('gone', `postgresql://postgres:${PASSWORD}@127.0.0.1:1/gatepost`), { DATABASE_URL: '' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('gatepost provider: database migration failed: connect ECONNREFUSED 127.0.0.1:1');
    expect(stderr).not.toContain(PASSWORD);
  });
});
