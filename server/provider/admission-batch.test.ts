// The batched admission on PostgreSQL (admission-batch.ts) against the
// one-by-one path it replaces (admission.ts's `redeem`, here on SQLite): the
// same tickets, the same batch, the same verdict for every item and the same
// rows stored — and one statement for a batch of fresh scans. Then two real
// provider processes on one database, racing for one code: exactly one admits.
// Skipped without a reachable PostgreSQL (a failure under CI).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodesResponse } from '../../protocol/provider-api.js';
import type { Verdict } from '../../protocol/verdict.js';
import { SIGNATURE_HEADER, signRequest } from '../../protocol/signature.js';
import { startGatepost, type RunningCommand } from '../../testing/processes.js';
import { openDatabase, type OpenedDatabase } from '../common/db.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../common/testing/postgres.js';
import { signedClient } from '../common/testing/signed-client.js';
import { admissionQueries, redeem, type Redemption } from './admission.js';
import { admissionPool, BatchAdmission, outcomeOf, type Outcome } from './admission-batch.js';
import { SharedNonces } from './shared-nonces.js';
import { providerMigrations, type ProviderDB } from './schema.js';

const run = await postgresAvailable();
const NOW = 1_900_000_000;
const HOUR = 3600;

/** code → [valid_from, valid_until, revoked] */
const TICKETS: Record<string, [number, number, boolean]> = {
  a: [NOW - HOUR, NOW + HOUR, false],
  b: [NOW - HOUR, NOW + HOUR, false],
  c: [NOW - HOUR, NOW + HOUR, false],
  d: [NOW - HOUR, NOW + HOUR, false],
  p: [NOW - HOUR, NOW + HOUR, false],
  revoked: [NOW - HOUR, NOW + HOUR, true],
  expired: [NOW - 3 * HOUR, NOW - HOUR, false],
  later: [NOW + 60, NOW + HOUR, false],
};

async function seed(db: Kysely<ProviderDB>): Promise<void> {
  await db.insertInto('orders').values({ order_ref: 'o1', show_id: 's1', seats: '[]', payment_reference: 'p', amount_cents: 0, currency: 'EUR', created_at: NOW }).execute();
  await db
    .insertInto('tickets')
    .values(
      Object.entries(TICKETS).map(([code, [from, until, revoked]], i) => ({
        ticket_id: `tk_${code}`,
        order_ref: 'o1',
        show_id: 's1',
        seat_id: `A${i + 1}`,
        seat_label: `Row A, seat ${i + 1}`,
        title: 'Batch Night',
        venue: 'Test Hall',
        hall: 'Hall 1',
        starts_at: NOW + HOUR,
        code,
        valid_from: from,
        valid_until: until,
        created_at: NOW - 2 * HOUR,
        revoked_at: revoked ? NOW - 10 : null,
        redeemed_at: null,
        redeemed_gate: null,
        redeemed_scan_id: null,
      })),
    )
    .execute();
}

const item = (code: string, scanId: string, gate: string, at = NOW): Redemption => ({ code, scanId, gate, at });

/** Unredeemed tickets valid for an hour either side of NOW, one per code, on seats `<row>0`, `<row>1`… */
async function addValidTickets(db: Kysely<ProviderDB>, codes: string[], row: string): Promise<void> {
  await db
    .insertInto('tickets')
    .values(
      codes.map((code, i) => ({
        ...{ ticket_id: `tk_${code}`, order_ref: 'o1', show_id: 's1', seat_id: `${row}${i}`, seat_label: `${row}${i}`, title: 'T', venue: 'V', hall: 'H', starts_at: NOW },
        ...{ code, valid_from: NOW - HOUR, valid_until: NOW + HOUR, created_at: NOW, revoked_at: null, redeemed_at: null, redeemed_gate: null, redeemed_scan_id: null },
      })),
    )
    .execute();
}

/** Before the batch, one by one: a code admitted under `pre-1`, an unknown code rejected under `pre-unknown`. */
const BEFORE = [item('p', 'pre-1', 'Gate P', NOW - 100), item('nope', 'pre-unknown', 'Gate P', NOW - 100)];

/** Every case a batch can hold, in an order where each item depends on the ones before it. */
const BATCH = [
  item('a', 's1', 'G1'), // fresh: admitted
  item('a', 's2', 'G2'), // the same code again: already redeemed by s1, at G1
  item('b', 's1', 'G3'), // s1 again for another code: scan_id_conflict
  item('a', 's1', 'G4'), // s1 retried for its code: s1's verdict (admitted)
  item('p', 'pre-1', 'G5'), // a scan retried from before the batch: admitted
  item('p', 's6', 'G6'), // redeemed before the batch: already redeemed at Gate P
  item('c', 'pre-1', 'G7'), // a scan ID from before the batch, for another code: scan_id_conflict
  item('revoked', 's8', 'G8'),
  item('expired', 's9', 'G9'),
  item('later', 's10', 'G10'), // not yet valid at NOW…
  item('nope', 's11', 'G11'), // unknown
  item('nope', 's11', 'G12'), // the same scan twice: unknown again
  item('b', 's13', 'G13'), // b's first item was a conflict: b is still free, admitted
  item('later', 's14', 'G14', NOW + 120), // …but valid by this offline scan's time: admitted, and s10 stays not_yet_valid
  item('nope', 'pre-unknown', 'G15'), // a rejection retried from before the batch
  item('c', 's16', 'G16', NOW + 2 * HOUR), // c past its window: expired
  item('c', 's17', 'G17'), // c in its window: admitted
  item('d', 's9', 'G18'), // s9 was this batch's rejection of another code: scan_id_conflict
  item('expired', 's9', 'G19'), // s9 retried: expired, with its ticket
  item('d', 's20', 'G20'), // d, not taken by its conflicting item: admitted
];

const plain = (outcomes: Outcome[]) => outcomes.map((o) => (o instanceof Error ? { conflict: (o as { reason?: string }).reason } : o));

async function oneByOne(db: Kysely<ProviderDB>, items: Redemption[]): Promise<Outcome[]> {
  const q = admissionQueries(db);
  const out: Outcome[] = [];
  for (const r of items) out.push(await outcomeOf(db.transaction().execute((trx) => redeem(q, trx, r))));
  return out;
}

async function stored(db: Kysely<ProviderDB>) {
  const scans = await db.selectFrom('scans').select(['scan_id', 'code', 'verdict', 'at']).orderBy('scan_id').execute();
  const tickets = await db.selectFrom('tickets').select(['code', 'redeemed_at', 'redeemed_gate', 'redeemed_scan_id']).orderBy('code').execute();
  return { scans: scans.map((s) => ({ ...s, at: Number(s.at), verdict: JSON.parse(s.verdict) as unknown })), tickets: tickets.map((t) => ({ ...t, redeemed_at: t.redeemed_at === null ? null : Number(t.redeemed_at) })) };
}

describe.runIf(run)('a batch of redemptions on PostgreSQL', () => {
  let pgdb: TestDatabase;
  let postgres: OpenedDatabase<ProviderDB>;
  let sqlite: OpenedDatabase<ProviderDB>;
  let counted: Kysely<ProviderDB>;
  const statements: string[] = [];
  let dir: string;

  beforeAll(async () => {
    pgdb = await createTestDatabase('gp_admission_batch');
    dir = mkdtempSync(join(tmpdir(), 'gp-admission-batch-'));
    postgres = await openDatabase<ProviderDB>({ dataDir: dir, file: 'unused.sqlite', databaseUrl: pgdb.url, migrations: providerMigrations('postgres') });
    sqlite = await openDatabase<ProviderDB>({ dataDir: dir, file: 'provider.sqlite', migrations: providerMigrations('sqlite') });
    // The same database through a Kysely that counts the statements sent.
    counted = new Kysely<ProviderDB>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: pgdb.url, max: 2 }) }),
      log: (e) => void (e.level === 'query' && statements.push(e.query.sql)),
    });
    for (const { db } of [postgres, sqlite]) {
      await seed(db);
      await oneByOne(db, BEFORE);
    }
  });
  afterAll(async () => {
    await counted?.destroy();
    await postgres?.close();
    await sqlite?.close();
    await pgdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives every item the verdict the one-by-one path gives, and stores the same rows', async () => {
    const batched = plain(await new BatchAdmission(counted).redeem(BATCH));
    const reference = plain(await oneByOne(sqlite.db, BATCH));
    expect(batched).toEqual(reference);
    // The reference itself, spelled out: the rules, not just agreement.
    const byScan = (i: number) => batched[i] as Verdict & { conflict?: string };
    expect(byScan(0)).toMatchObject({ result: 'admitted', ticket: { ticketId: 'tk_a' } });
    expect(byScan(1)).toMatchObject({ result: 'rejected', reason: 'already_redeemed', redeemedAt: NOW, redeemedGate: 'G1', ticket: { ticketId: 'tk_a' } });
    expect(byScan(2)).toEqual({ conflict: 'scan_id_conflict' });
    expect(byScan(3)).toEqual(byScan(0));
    expect(byScan(4)).toMatchObject({ result: 'admitted', ticket: { ticketId: 'tk_p' } });
    expect(byScan(5)).toMatchObject({ reason: 'already_redeemed', redeemedAt: NOW - 100, redeemedGate: 'Gate P' });
    expect(byScan(6)).toEqual({ conflict: 'scan_id_conflict' });
    expect(batched.slice(7, 12).map((v) => (v as Verdict).reason)).toEqual(['revoked', 'expired', 'not_yet_valid', 'unknown_code', 'unknown_code']);
    expect(byScan(12)).toMatchObject({ result: 'admitted', ticket: { ticketId: 'tk_b' } });
    expect(byScan(13)).toMatchObject({ result: 'admitted', ticket: { ticketId: 'tk_later' } });
    expect(byScan(14)).toEqual({ result: 'rejected', reason: 'unknown_code' });
    expect(byScan(15)).toMatchObject({ reason: 'expired', ticket: { ticketId: 'tk_c' } });
    expect(byScan(16)).toMatchObject({ result: 'admitted', ticket: { ticketId: 'tk_c' } });
    expect(byScan(17)).toEqual({ conflict: 'scan_id_conflict' });
    expect(byScan(18)).toMatchObject({ reason: 'expired', ticket: { ticketId: 'tk_expired' } });
    expect(byScan(19)).toMatchObject({ result: 'admitted', ticket: { ticketId: 'tk_d' } });
    // The same redemptions and first verdicts, whichever path stored them.
    expect(await stored(postgres.db)).toEqual(await stored(sqlite.db));
  });

  it('retried as a whole, every item gets its first verdict', async () => {
    const again = BATCH.map((r) => ({ ...r, gate: 'Later Gate', at: NOW + 30 }));
    const before = await stored(postgres.db);
    expect(plain(await new BatchAdmission(counted).redeem(again))).toEqual(plain(await oneByOne(sqlite.db, again)));
    expect(await stored(postgres.db)).toEqual(before);
  });

  it('decides a batch of fresh scans in one statement, and one with rejections in three', async () => {
    const fresh = Array.from({ length: 50 }, (_, i) => `fresh${i}`);
    for (const db of [counted, sqlite.db]) await addValidTickets(db, fresh, 'F');
    statements.length = 0;
    const firstHalf = fresh.slice(0, 25).map((code, i) => item(code, `fresh-scan-${i}`, 'G'));
    const outcomes = await new BatchAdmission(counted).redeem(firstHalf);
    expect(outcomes.every((o) => !(o instanceof Error) && o.result === 'admitted')).toBe(true);
    expect(statements).toHaveLength(1);

    statements.length = 0;
    const mixed = [...fresh.slice(25).map((code, i) => item(code, `mixed-scan-${i}`, 'G')), item('a', 'mixed-a', 'G'), item('nope', 'mixed-nope', 'G')];
    const batched = plain(await new BatchAdmission(counted).redeem(mixed));
    expect(statements).toHaveLength(3);
    await oneByOne(sqlite.db, firstHalf);
    expect(batched).toEqual(plain(await oneByOne(sqlite.db, mixed)));
  });

  it('redeems tickets in place: nearly every new version on its old page, so the indexes of tickets do not grow', async () => {
    // Tickets as a box office sells them (orders of up to 20 seats, sold together and so on
    // the same pages), redeemed 24 at a time as a gate's rush batches them. A version that
    // leaves its page adds an entry to each of the three indexes of tickets.
    const codes = Array.from({ length: 240 }, () => randomBytes(16).toString('hex'));
    await postgres.db
      .insertInto('tickets')
      .values(
        codes.map((code, i) => ({
          ...{ ticket_id: `tk_${code.slice(0, 16)}`, order_ref: 'o1', show_id: 's1', seat_id: `K${i}`, seat_label: `Row K, seat ${i}`, starts_at: NOW },
          ...{ title: 'The Long Night of the Gate Attendants', venue: 'Grand Cinema Riverside', hall: 'Hall 7 (Dolby Atmos)' },
          ...{ code, valid_from: NOW - HOUR, valid_until: NOW + HOUR, created_at: NOW, revoked_at: null, redeemed_at: null, redeemed_gate: null, redeemed_scan_id: null },
        })),
      )
      .execute();
    const pages = async () => {
      const { rows } = await sql<{ code: string; page: string }>`select code, (ctid::text::point)[0]::text as page from tickets where code = any(${codes})`.execute(postgres.db);
      return new Map(rows.map((r) => [r.code, r.page]));
    };
    const before = await pages();
    for (let i = 0; i < codes.length; i += 24) {
      const outcomes = await new BatchAdmission(postgres.db).redeem(codes.slice(i, i + 24).map((code) => item(code, randomUUID(), 'North Gate 3')));
      expect(outcomes.every((o) => !(o instanceof Error) && o.result === 'admitted')).toBe(true);
    }
    const after = await pages();
    const stayed = codes.filter((c) => after.get(c) === before.get(c)).length;
    // Half-filled pages keep 89 % here (the rest are the last of a page redeemed in the batch
    // that redeems the whole page); full pages kept under a third.
    expect(stayed).toBeGreaterThanOrEqual(codes.length * 0.8);
  });

  it('claims the nonces of verifies in the same statement: a replay is refused and left out as if it had not come', async () => {
    const codes = ['nonce0', 'nonce1', 'nonce2'];
    await addValidTickets(counted, codes, 'N');
    const window = new SharedNonces(counted as Kysely<unknown>);
    const [seen, y, z, w] = Array.from({ length: 4 }, () => randomBytes(16).toString('hex'));
    expect(await window.claim(seen!, NOW)).toBe(true);

    statements.length = 0;
    const outcomes = await new BatchAdmission(counted, window).redeem(
      [item('nonce0', 'nonce-scan-0', 'G'), item('nonce1', 'nonce-scan-1', 'G'), item('nonce1', 'nonce-scan-2', 'G'), item('nonce2', 'nonce-scan-1', 'G')],
      [{ nonce: w!, t: NOW }, { nonce: seen!, t: NOW }, { nonce: y!, t: NOW }, { nonce: z!, t: NOW }],
    );
    expect(statements).toHaveLength(1);
    expect(outcomes[1]).toMatchObject({ statusCode: 401, reason: 'signature_replayed' });
    // Without the replay, nonce1 and the scan ID nonce-scan-1 were still unused.
    expect([0, 2, 3].map((i) => (outcomes[i] as Verdict).ticket?.ticketId)).toEqual(['tk_nonce0', 'tk_nonce1', 'tk_nonce2']);
    const scans = await counted.selectFrom('scans').select(['scan_id', 'code']).where('scan_id', 'like', 'nonce-scan-%').orderBy('scan_id').execute();
    expect(scans).toEqual([
      { scan_id: 'nonce-scan-0', code: 'nonce0' },
      { scan_id: 'nonce-scan-1', code: 'nonce2' },
      { scan_id: 'nonce-scan-2', code: 'nonce1' },
    ]);
    // The fresh nonces were claimed with the admissions.
    for (const n of [w!, y!, z!]) expect(await window.claim(n, NOW)).toBe(false);
  });
});

/** Resolves once `n` statements on the client's database wait for a lock (PostgreSQL has no event for it: polled). */
async function waitForLockWaiters(client: pg.Client, n: number): Promise<void> {
  for (;;) {
    // The client is inside the transaction holding the lock, where the activity view would
    // otherwise answer from the snapshot its first read took.
    await client.query('select pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
    );
    if (rows[0]!.n >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.runIf(run)('the winners\' statement on a new database', () => {
  let pgdb: TestDatabase;
  let opened: OpenedDatabase<ProviderDB>;
  let pool: pg.Pool;
  let dir: string;

  beforeAll(async () => {
    pgdb = await createTestDatabase('gp_admission_plan');
    dir = mkdtempSync(join(tmpdir(), 'gp-admission-plan-'));
    opened = await openDatabase<ProviderDB>({ dataDir: dir, file: 'unused.sqlite', databaseUrl: pgdb.url, migrations: providerMigrations('postgres') });
    pool = admissionPool(pgdb.url, () => undefined);
  });
  afterAll(async () => {
    await pool?.end();
    await opened?.close();
    await pgdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('looks scan IDs up by key even in a plan made while the verdict table was empty', async () => {
    // The plan a connection keeps for the named statement is made on its first use. Made while
    // the verdict table was empty, it could read the whole table for every batch from then on,
    // a table that grows by every scan, until PostgreSQL next analyzed it.
    await seed(opened.db);
    await sql`analyze scans`.execute(opened.db);
    const client = await pool.connect();
    await client.query('set plan_cache_mode = force_generic_plan');
    client.release();
    const outcomes = await new BatchAdmission(opened.db, undefined, pool).redeem([item('a', 'plan-1', 'G')]);
    expect(outcomes).toMatchObject([{ result: 'admitted' }]);
    const same = await pool.connect();
    try {
      const { rows } = await same.query<{ 'QUERY PLAN': string }>(`explain (costs off) execute gatepost_verify_win('{b}', '{G}', '{plan-2}', '{${NOW}}', 'x', '{NULL}', '{NULL}')`);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/scans_pkey/);
      expect(plan).not.toMatch(/Seq Scan on scans/);
    } finally {
      same.release();
    }
  });
});

describe.runIf(run)('two provider processes on one PostgreSQL database', { timeout: 120_000 }, () => {
  const SECRET = 'admission-batch-secret-0123456789';
  let db: TestDatabase;
  const dirs: string[] = [];
  const servers: RunningCommand[] = [];

  const provider = async (demo: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'gp-admission-race-'));
    dirs.push(dir);
    const server = await startGatepost(['provider', '--port', '0', '--data', dir, '--booking-secret', SECRET, ...(demo ? ['--demo'] : [])], { DATABASE_URL: db.url });
    servers.push(server);
    return server;
  };
  /** verifies decided in admission batches so far, from the process's metrics */
  const batchedVerifies = async (url: string) => {
    const text = await (await fetch(`${url}/metrics`, { headers: { [SIGNATURE_HEADER]: signRequest(SECRET, 'GET', '/metrics', '') } })).text();
    return Number(/^gatepost_provider_admission_batch_size_sum (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
  };

  beforeAll(async () => {
    db = await createTestDatabase('gp_admission_race');
    // One after the other: the first makes the tables and the programme.
    await provider(true);
    await provider(false);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('64 concurrent verifies of one code, half to each: exactly one admitted, 63 already redeemed where it was', async () => {
    const [a, b] = servers.map((s) => signedClient(s.url, SECRET));
    const order = await a!.post<CodesResponse>('/v1/codes', { orderRef: 'race', showId: 'demo-1', seats: ['J11'], payment: { reference: 'p', amountCents: 4500, currency: 'CNY' } });
    expect(order.status).toBe(201);
    const code = order.body.tickets[0]!.code;
    // The ticket's row held locked until statements of both processes wait on it: they then
    // overlap for certain, each having read the ticket unredeemed before the other's redemption.
    const race = () => Promise.all(Array.from({ length: 64 }, (_, i) => (i % 2 ? b! : a!).post<Verdict>('/v1/verify', { code, gate: `Gate ${i}`, scanId: `race-${i}` })));
    let results: Awaited<ReturnType<typeof race>>;
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from tickets where code = $1 for update', [code]);
      const pending = race();
      await waitForLockWaiters(holder, 2);
      await holder.query('commit');
      results = await pending;
    } finally {
      await holder.end();
    }
    expect(results.every((r) => r.status === 200)).toBe(true);
    const admitted = results.filter((r) => r.body.result === 'admitted');
    expect(admitted).toHaveLength(1);
    const winnerGate = `Gate ${results.indexOf(admitted[0]!)}`;
    const rejected = results.filter((r) => r.body.reason === 'already_redeemed');
    expect(rejected).toHaveLength(63);
    expect(rejected.every((r) => r.body.redeemedGate === winnerGate && typeof r.body.redeemedAt === 'number')).toBe(true);
    // Both processes took their share through the batched path.
    for (const s of servers) expect(await batchedVerifies(s.url)).toBeGreaterThanOrEqual(32);
  });

  it('one scan ID for two tickets at once, one to each process: one admitted, the other 409 scan_id_conflict and its ticket left unused', async () => {
    const [a, b] = servers.map((s) => signedClient(s.url, SECRET));
    const order = await a!.post<CodesResponse>('/v1/codes', { orderRef: 'scan-id-race', showId: 'demo-1', seats: ['H11', 'H12'], payment: { reference: 'p', amountCents: 9000, currency: 'CNY' } });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    const [first, second] = order.body.tickets.map((t) => t.code);
    // Both statements read "scan ID not stored" before either stores it: the tickets are held
    // until both wait, so the second learns of the first's verdict only from its unique key.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    let results;
    try {
      await holder.query('begin');
      await holder.query('select 1 from tickets where code = any($1) for update', [[first, second]]);
      const pending = Promise.all([a!.post<Verdict>('/v1/verify', { code: first, gate: 'Gate A', scanId: 'one-scan' }), b!.post<Verdict>('/v1/verify', { code: second, gate: 'Gate B', scanId: 'one-scan' })]);
      await waitForLockWaiters(holder, 2);
      await holder.query('commit');
      results = await pending;
    } finally {
      await holder.end();
    }
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect(results.find((r) => r.status === 200)!.body.result).toBe('admitted');
    expect(results.find((r) => r.status === 409)!.body).toMatchObject({ error: 'scan_id_conflict' });
    // The refused one's ticket was not redeemed by the statement that failed: a new scan admits it.
    const refusedCode = results[0]!.status === 409 ? first : second;
    const again = await a!.post<Verdict>('/v1/verify', { code: refusedCode, gate: 'Gate C', scanId: 'another-scan' });
    expect(again.body.result).toBe('admitted');
  });
});
