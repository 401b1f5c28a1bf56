// Test support: where a server under test keeps its data. Suites run once on
// SQLite and once on PostgreSQL (skipped when no server is reachable, a
// failure under CI=true: postgres.ts); each run gets a fresh data folder and,
// on PostgreSQL, a fresh database, both removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, postgresAvailable } from './postgres.js';

export type Backend = 'sqlite' | 'postgres';

/** For `describe.each(BACKENDS)('… on $backend', ({ backend, run }) => …)` with `it.runIf(run)`. */
export const BACKENDS: { backend: Backend; run: boolean }[] = [
  { backend: 'sqlite', run: true },
  { backend: 'postgres', run: await postgresAvailable() },
];

export interface TestStorage {
  /** a fresh temporary folder: the server's data folder, or a parent of several */
  dir: string;
  /** the fresh database on PostgreSQL; undefined on SQLite (the file goes in the data folder) */
  databaseUrl: string | undefined;
  /** drops the database and removes the folder */
  remove(): Promise<void>;
}

/** `name` prefixes the folder (gp-name-XXXX) and the database (gp_name_…). */
export async function testStorage(backend: Backend, name: string): Promise<TestStorage> {
  const dir = mkdtempSync(join(tmpdir(), `gp-${name}-`));
  const pgdb = backend === 'postgres' ? await createTestDatabase(`gp_${name.replace(/-/g, '_')}`) : undefined;
  return {
    dir,
    databaseUrl: pgdb?.url,
    async remove() {
      await pgdb?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
