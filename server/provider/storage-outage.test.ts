// A real `gatepost provider` process whose PostgreSQL connections are killed
// under a verify (what a database restart or a failover does to it): the verify
// answers 503 `storage_unavailable` with Retry-After — the booking server's cue
// to try another instance — rather than a 500 `internal`, nothing is logged as
// an error, the process stays up, and the next verify is decided on fresh
// connections. The kill is made deterministic by holding a lock the verify's
// statement waits on, then terminating the provider's backends. On SQLite the
// same answer when another local process holds the file's write lock past the
// busy timeout.
// The PostgreSQL case is skipped without a reachable PostgreSQL (a failure under CI).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startGatepost } from '../../testing/processes.js';
import { SIGNATURE_HEADER, signRequest } from '../../protocol/signature.js';
import { postgresAvailable } from '../common/testing/postgres.js';
import { sharedDatabase } from '../common/testing/shared-database.js';

const SECRET = 'storage-outage-secret-0123456789';
/** the busy timeout of the servers' SQLite connections (common/db.ts) */
const BUSY_TIMEOUT_MS = 5000;
const run = await postgresAvailable();

async function verify(url: string, code = randomBytes(16).toString('hex')) {
  const body = JSON.stringify({ code, gate: 'North', scanId: `outage-${randomBytes(8).toString('hex')}` });
  const res = await fetch(`${url}/v1/verify`, { method: 'POST', headers: { [SIGNATURE_HEADER]: signRequest(SECRET, 'POST', '/v1/verify', body), 'content-type': 'application/json' }, body });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
}

describe.runIf(run)('a provider whose PostgreSQL connections are killed under a verify', { timeout: 60_000 }, () => {
  const db = sharedDatabase('gp_storage_outage');

  it('answers 503 storage_unavailable for the verify in flight, logs no error, and decides the next one', async () => {
    const provider = await db.start('provider', ['--booking-secret', SECRET, '--demo']);
    expect(await verify(provider.url)).toMatchObject({ status: 200, body: { result: 'rejected', reason: 'unknown_code' } });

    const { client } = db;
    await client.query('begin');
    await client.query('lock table tickets in access exclusive mode');
    const inFlight = verify(provider.url);
    // The verify's statement is queued behind the lock: the moment to cut its connection.
    // Inside the transaction, the activity view answers from its first read unless told to look again.
    const waiting = async () => {
      await client.query('select pg_stat_clear_snapshot()');
      const { rows } = await client.query<{ n: string }>("select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
      return Number(rows[0]!.n);
    };
    await expect.poll(waiting, { timeout: 10_000, interval: 20 }).toBeGreaterThan(0);
    const killed = await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    expect(killed.rowCount).toBeGreaterThan(0);
    await client.query('rollback');

    const answer = await inFlight;
    expect(answer).toMatchObject({ status: 503, retryAfter: '1', body: { error: 'storage_unavailable' } });
    expect(JSON.stringify(answer.body)).not.toMatch(/terminat|57P01|at .*\.(ts|js):\d+/);

    // Fresh connections: the same process decides the next verify, and admits an issued code.
    expect(await verify(provider.url)).toMatchObject({ status: 200, body: { result: 'rejected', reason: 'unknown_code' } });
    const errors = provider.output.filter((line) => /"level":(50|60)/.test(line));
    expect(errors, errors.join('\n')).toEqual([]);
    expect(provider.output.some((line) => line.includes('the database is unavailable'))).toBe(true);
  });
});

describe('a provider on SQLite whose file another process keeps locked for writing', { timeout: 180_000 }, () => {
  it('answers verifies 503 storage_unavailable, the server blocked for one busy timeout rather than one per verify, and decides the next one when the lock is gone', async () => {
    const data = mkdtempSync(join(tmpdir(), 'gp-outage-'));
    const provider = await startGatepost(['provider', '--port', '0', '--data', data, '--booking-secret', SECRET, '--demo'], { DATABASE_URL: undefined });
    const other = new Database(join(data, 'provider.sqlite'));
    try {
      expect(await verify(provider.url)).toMatchObject({ status: 200, body: { result: 'rejected', reason: 'unknown_code' } });
      other.exec('begin immediate');
      // A gate scanning on, one ticket after another. SQLite waits out its 5 s busy timeout with
      // the server's one thread blocked: were each verify to wait it out (or each unit of a failed
      // batch retried alone), the 20 answers would take 20 timeouts or more, the server frozen
      // throughout. After one failure the next second's verifies are answered at once.
      const started = Date.now();
      for (let i = 0; i < 20; i++) {
        expect(await verify(provider.url)).toMatchObject({ status: 503, retryAfter: '1', body: { error: 'storage_unavailable' } });
      }
      expect(Date.now() - started).toBeLessThan(3 * BUSY_TIMEOUT_MS);
      // A gate's burst at once, as well.
      const burst = await Promise.all(Array.from({ length: 20 }, () => verify(provider.url)));
      for (const answer of burst) expect(answer).toMatchObject({ status: 503, retryAfter: '1', body: { error: 'storage_unavailable' } });
      other.exec('rollback');
      // Decided again once the Retry-After has passed.
      await expect.poll(async () => (await verify(provider.url)).status, { timeout: 5000, interval: 250 }).toBe(200);
      expect(await verify(provider.url)).toMatchObject({ status: 200, body: { result: 'rejected', reason: 'unknown_code' } });
      expect(provider.output.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
    } finally {
      other.close();
      await provider.stop();
      rmSync(data, { recursive: true, force: true });
    }
  });
});
