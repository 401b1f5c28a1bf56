// Test support: a fresh PostgreSQL database per test run, dropped afterwards.
// Uses DATABASE_URL's server when set, else the local one on 127.0.0.1:5432.
// Without a reachable server the PostgreSQL half of a suite skips — except
// under CI=true, where that is a failure.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URL = process.env.GATEPOST_TEST_PG_ADMIN_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required under CI and is not reachable at ${ADMIN_URL}: ${(err as Error).message}`);
    console.warn(`PostgreSQL not reachable at ${ADMIN_URL}: skipping its tests (apt package postgresql)`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'gp_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
