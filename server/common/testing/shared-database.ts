// Test support for server processes sharing one PostgreSQL database (several
// instances of a server, or a booking server and a provider): the database,
// the processes and their folders live as long as a describe block.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export interface SharedDatabase {
  /** the database's URL, once the describe block's beforeAll has run */
  readonly url: string;
  /** a client connected to it, for the test's own queries */
  readonly client: pg.Client;
  /** A fresh folder, removed after the block. */
  folder(prefix: string): string;
  /** `gatepost COMMAND --port PORT --data FOLDER FLAGS…` on this database (unless `env` says otherwise), stopped after the block. */
  start(command: 'booking' | 'provider', flags: string[], options?: { port?: string; env?: Record<string, string> }): Promise<RunningCommand>;
}

/**
 * For a describe block whose server processes share one fresh database: the
 * database and a client on it before its tests, and after them the processes
 * stopped, the database dropped and the folders removed.
 */
export function sharedDatabase(prefix: string): SharedDatabase {
  let db: TestDatabase | undefined;
  let client: pg.Client | undefined;
  const folders: string[] = [];
  const running: RunningCommand[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(prefix);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await Promise.all(running.map((r) => r.stop()));
    await db?.drop();
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });
  const shared: SharedDatabase = {
    get url() {
      if (!db) throw new Error('the shared database is used before its beforeAll');
      return db.url;
    },
    get client() {
      if (!client) throw new Error('the shared database is used before its beforeAll');
      return client;
    },
    folder(folderPrefix) {
      const f = mkdtempSync(join(tmpdir(), folderPrefix));
      folders.push(f);
      return f;
    },
    async start(command, flags, options = {}) {
      const data = shared.folder(`gp-${command}-`);
      const started = await startGatepost([command, '--port', options.port ?? '0', '--data', data, ...flags], { DATABASE_URL: shared.url, ...options.env });
      running.push(started);
      return started;
    },
  };
  return shared;
}
