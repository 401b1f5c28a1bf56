// The nonce window shared on PostgreSQL, between two real `gatepost provider`
// processes on one database: a signed request captured on its way to one is
// refused by the other, in either order (a verify too, whose nonce is claimed
// in its admission statement, and one whose body is refused); a verify carrying a
// NUL character is refused with 400, not a failed statement; distinct requests sent to both at
// once are all taken; and buckets out of the window are deleted by a process
// that starts; and the window kept across the upgrade that re-keyed it.
// Skipped without a reachable PostgreSQL (a failure under CI).
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeSignature, SIGNATURE_HEADER, signRequest } from '../../protocol/signature.js';
import type { RunningCommand } from '../../testing/processes.js';
import { postgresAvailable } from '../common/testing/postgres.js';
import { sharedDatabase } from '../common/testing/shared-database.js';
import { openDatabase } from '../common/db.js';
import { providerMigrations, type ProviderDB } from './schema.js';
import { NONCE_BUCKET_S } from './shared-nonces.js';

const SECRET = 'shared-nonce-secret-0123456789';
const run = await postgresAvailable();

/** A signed GET /v1/shows: the header bytes, to be sent as often as a replayer likes. */
function capture(t = Math.floor(Date.now() / 1000)): string {
  const n = randomBytes(16).toString('hex');
  return `t=${t},n=${n},v1=${computeSignature(SECRET, t, n, 'GET', '/v1/shows', '')}`;
}

/** statements and nonces of the shared window so far, from the process's metrics */
async function batches(url: string): Promise<{ statements: number; nonces: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers: { [SIGNATURE_HEADER]: signRequest(SECRET, 'GET', '/metrics', '') } })).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { statements: value('gatepost_provider_nonce_batch_size_count'), nonces: value('gatepost_provider_nonce_batch_size_sum') };
}

async function send(url: string, header: string) {
  const res = await fetch(`${url}/v1/shows`, { headers: { [SIGNATURE_HEADER]: header } });
  return { status: res.status, body: (await res.json()) as { error?: string; shows?: unknown[] } };
}

describe.runIf(run)('the nonce window shared by two provider processes on PostgreSQL', { timeout: 120_000 }, () => {
  const db = sharedDatabase('gp_shared_nonces');
  let a: RunningCommand;
  let b: RunningCommand;

  const provider = (demo: boolean) => db.start('provider', ['--booking-secret', SECRET, ...(demo ? ['--demo'] : [])]);
  const rows = async () => Number((await db.client.query<{ n: string }>('select count(*) as n from nonces')).rows[0]!.n);

  beforeAll(async () => {
    // One after the other: the first makes the tables and the programme.
    a = await provider(true);
    b = await provider(false);
  });

  it('refuses a request sent to A when it is replayed to B, and the other way round', async () => {
    const first = capture();
    expect((await send(a.url, first)).status).toBe(200);
    expect(await send(b.url, first)).toMatchObject({ status: 401, body: { error: 'signature_replayed' } });
    expect(await send(a.url, first)).toMatchObject({ status: 401, body: { error: 'signature_replayed' } });

    const second = capture();
    const taken = await send(b.url, second);
    expect(taken.status).toBe(200);
    expect(taken.body.shows).toHaveLength(3);
    expect(await send(a.url, second)).toMatchObject({ status: 401, body: { error: 'signature_replayed' } });
  });

  it('refuses a verify replayed to the other process, where its nonce is claimed with the admission', async () => {
    const body = JSON.stringify({ code: randomBytes(16).toString('hex'), gate: 'North', scanId: `replay-${randomBytes(4).toString('hex')}` });
    const header = signRequest(SECRET, 'POST', '/v1/verify', body);
    const verify = async (url: string) => {
      const res = await fetch(`${url}/v1/verify`, { method: 'POST', headers: { [SIGNATURE_HEADER]: header, 'content-type': 'application/json' }, body });
      return { status: res.status, body: (await res.json()) as { error?: string; result?: string; reason?: string } };
    };
    const before = await rows();
    expect(await verify(a.url)).toMatchObject({ status: 200, body: { result: 'rejected', reason: 'unknown_code' } });
    expect(await rows()).toBe(before + 1);
    expect(await verify(b.url)).toMatchObject({ status: 401, body: { error: 'signature_replayed' } });
    expect(await verify(a.url)).toMatchObject({ status: 401, body: { error: 'signature_replayed' } });
    // A body the verify refuses (no code) spends its nonce too: replayed elsewhere, it is a replay.
    const bad = JSON.stringify({ gate: 'North', scanId: `bad-${randomBytes(4).toString('hex')}` });
    const badHeader = signRequest(SECRET, 'POST', '/v1/verify', bad);
    const sendBad = async (url: string) => {
      const res = await fetch(`${url}/v1/verify`, { method: 'POST', headers: { [SIGNATURE_HEADER]: badHeader, 'content-type': 'application/json' }, body: bad });
      return { status: res.status, body: (await res.json()) as { error?: string } };
    };
    expect(await sendBad(a.url)).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(await sendBad(b.url)).toMatchObject({ status: 401, body: { error: 'signature_replayed' } });
    expect(await sendBad(a.url)).toMatchObject({ status: 401, body: { error: 'signature_replayed' } });
    // Sent to both at the same moment, a fresh one is answered once.
    for (let i = 0; i < 10; i++) {
      const fresh = JSON.stringify({ code: randomBytes(16).toString('hex'), gate: 'North', scanId: `both-${i}-${randomBytes(4).toString('hex')}` });
      const signed = signRequest(SECRET, 'POST', '/v1/verify', fresh);
      const send = (url: string) =>
        fetch(`${url}/v1/verify`, { method: 'POST', headers: { [SIGNATURE_HEADER]: signed, 'content-type': 'application/json' }, body: fresh }).then((r) => r.status);
      expect((await Promise.all([send(a.url), send(b.url), send(a.url), send(b.url)])).sort()).toEqual([200, 401, 401, 401]);
    }
  });

  it('answers a signed verify whose text carries a NUL with 400, where PostgreSQL would refuse the statement', async () => {
    const verify = async (gate: string) => {
      const body = JSON.stringify({ code: randomBytes(16).toString('hex'), gate, scanId: `nul-${randomBytes(4).toString('hex')}` });
      const res = await fetch(`${a.url}/v1/verify`, { method: 'POST', headers: { [SIGNATURE_HEADER]: signRequest(SECRET, 'POST', '/v1/verify', body), 'content-type': 'application/json' }, body });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    // Sent at the same moment: the clean verify is decided whatever batch the other would have joined.
    const [nul, clean] = await Promise.all([verify('North\u0000'), verify('North')]);
    expect(nul).toEqual({ status: 400, body: { error: 'bad_request', message: 'body.gate: text may not contain the NUL character (U+0000)' } });
    expect(clean).toMatchObject({ status: 200, body: { result: 'rejected', reason: 'unknown_code' } });
  });

  it('takes many distinct requests sent to both at once, and one of a request sent to both at the same moment', async () => {
    const [a0, b0] = await Promise.all([batches(a.url), batches(b.url)]);
    const before = await rows();
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => send(i % 2 ? a.url : b.url, capture())));
    const ms = performance.now() - started;
    expect(answers.filter((r) => r.status !== 200)).toEqual([]);
    expect(await rows()).toBe(before + 400);
    const [a1, b1] = await Promise.all([batches(a.url), batches(b.url)]);
    // The metrics requests are signed too: each process claimed its 200 and the one that asked after.
    const nonces = a1.nonces - a0.nonces + b1.nonces - b0.nonces;
    const statements = a1.statements - a0.statements + b1.statements - b0.statements;
    expect(nonces).toBe(402);
    expect(statements).toBeLessThan(nonces);
    console.info(`400 signed requests over two processes on PostgreSQL: ${ms.toFixed(0)} ms, ${statements} INSERT statements (${(nonces / statements).toFixed(1)} nonces each)`);

    // The same captured request at both processes at once, many times: each is taken exactly once.
    for (let i = 0; i < 20; i++) {
      const header = capture();
      const both = await Promise.all([send(a.url, header), send(b.url, header), send(a.url, header), send(b.url, header)]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 401, 401, 401]);
    }
  });

  it('deletes the buckets out of the window when a process starts, and keeps the live ones', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const old = Math.floor((nowS - 400) / NONCE_BUCKET_S);
    await db.client.query(`insert into nonces (nonce, bucket) values (decode($1, 'hex'), $2), (decode($3, 'hex'), $4)`, [
      randomBytes(16).toString('hex'),
      old,
      randomBytes(16).toString('hex'),
      old - 1000,
    ]);
    const live = await rows();
    const live0 = live - 2;
    expect(live0).toBeGreaterThan(0);
    await provider(false);
    expect(await rows()).toBe(live0);
    const left = await db.client.query<{ bucket: string }>('select min(bucket) as bucket from nonces');
    expect(Number(left.rows[0]!.bucket)).toBeGreaterThan(old);
  });
});

describe.runIf(run)('the shared nonce window across the upgrade that keys it by bucket', { timeout: 120_000 }, () => {
  const db = sharedDatabase('gp_nonce_upgrade');

  it('still refuses a request taken before the upgrade, replayed after it', async () => {
    // The database as the release before made it: nonces keyed by the nonce alone, one of them taken.
    const before = Object.fromEntries(Object.entries(providerMigrations('postgres')).filter(([name]) => name < '006_nonces_by_bucket'));
    const old = await openDatabase<ProviderDB>({ dataDir: db.folder('gp-provider-old-'), file: 'unused.sqlite', databaseUrl: db.url, migrations: before });
    await old.close();
    const t = Math.floor(Date.now() / 1000);
    const taken = capture(t);
    const nonce = /n=([0-9a-f]{32})/.exec(taken)![1]!;
    await db.client.query(`insert into nonces (nonce, bucket) values (decode($1, 'hex'), $2)`, [nonce, Math.floor(t / NONCE_BUCKET_S)]);

    const upgraded = await db.start('provider', ['--booking-secret', SECRET, '--demo']);
    expect(await send(upgraded.url, taken)).toMatchObject({ status: 401, body: { error: 'signature_replayed' } });
    expect((await send(upgraded.url, capture())).status).toBe(200);
    const key = await db.client.query<{ columns: string }>(
      `select string_agg(a.attname, ',' order by k.i) as columns
       from pg_index x cross join unnest(x.indkey) with ordinality as k(attnum, i)
       join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum
       where x.indrelid = 'nonces'::regclass and x.indisprimary`,
    );
    expect(key.rows[0]!.columns).toBe('bucket,nonce');
    const indexes = await db.client.query<{ n: string }>(`select count(*) as n from pg_indexes where tablename = 'nonces'`);
    expect(Number(indexes.rows[0]!.n)).toBe(1);
  });
});
