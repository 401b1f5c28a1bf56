// Sign-in and sign-up limits counted in PostgreSQL, between two real
// `gatepost booking` processes on one database behind a trusted proxy
// (127.0.0.1, whose X-Forwarded-For names the client): failures spread over
// both processes hit the limit one process would set, not twice it; and
// counts no limit needs any more are deleted. And the shared limiters' arithmetic,
// with a clock the test moves, beside the in-memory ones'. Skipped without a reachable
// PostgreSQL (a failure under CI).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { RunningCommand } from '../../../testing/processes.js';
import { openDatabase, type OpenedDatabase } from '../../common/db.js';
import { BackoffLimiter, RejectionLimiter } from '../../common/rate-limit.js';
import { pruneRateLimits, SharedBackoffLimiter, SharedRejectionLimiter } from '../../common/shared-rate-limit.js';
import { postgresAvailable } from '../../common/testing/postgres.js';
import { sharedDatabase } from '../../common/testing/shared-database.js';
import { bookingMigrations, type BookingDB } from '../schema.js';
import { SIGN_IN_LIMITS } from './routes.js';

const PASSWORD = 'correct horse battery staple';
const run = await postgresAvailable();

interface Answer {
  status: number;
  body: { error?: string; token?: string };
  retryAfter: number;
}

async function post(url: string, path: string, body: unknown, client: string): Promise<Answer> {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Answer['body'], retryAfter: Number(res.headers.get('retry-after') ?? 0) };
}

// Every sign-in costs a real scrypt at full cost (a second or more on a busy two-core machine).
describe.runIf(run)('sign-in limits shared by two booking processes on PostgreSQL', { timeout: 180_000 }, () => {
  const db = sharedDatabase('gp_shared_limits');
  let a: RunningCommand;
  let b: RunningCommand;

  const booking = () => db.start('booking', ['--trust-proxy', '127.0.0.1']);
  const signUp = (server: RunningCommand, email: string, address: string) => post(server.url, '/api/v1/users', { email, password: PASSWORD }, address);
  const signIn = (server: RunningCommand, email: string, password: string, address: string) => post(server.url, '/api/v1/sessions', { email, password }, address);

  beforeAll(async () => {
    // One after the other: the first makes the tables.
    a = await booking();
    b = await booking();
  });

  it('closes an account to a guesser after the free failures, however they were spread over the processes', async () => {
    const email = `owner-${Date.now()}@example.com`;
    const owner = '198.51.100.7';
    const guesser = '203.0.113.66';
    expect((await signUp(a, email, owner)).status).toBe(201);
    const { free, baseS } = SIGN_IN_LIMITS.perAccountAddress;
    for (let i = 0; i < free; i++) {
      expect((await signIn(i % 2 ? b : a, email, `guess ${i}`, guesser)).body).toMatchObject({ error: 'bad_credentials' });
    }
    // One process alone would still have taken free − ⌈free/2⌉ more; both refuse, the right password too.
    for (const server of [a, b]) {
      const refused = await signIn(server, email, PASSWORD, guesser);
      expect(refused).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
      expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfter).toBeLessThanOrEqual(baseS);
    }
    // The owner from their own address is not affected, at either process.
    expect((await signIn(b, email, PASSWORD, owner)).status).toBe(200);
    // After the wait, one more guess, then a longer wait, whichever process is asked.
    await new Promise((r) => setTimeout(r, (baseS + 1) * 1000));
    expect((await signIn(b, email, 'after the wait', guesser)).body).toMatchObject({ error: 'bad_credentials' });
    const longer = await signIn(a, email, 'right away', guesser);
    expect(longer.status).toBe(429);
    expect(longer.retryAfter).toBeGreaterThan(baseS);
  });

  it('limits sign-ups per address to one count over both processes', async () => {
    const { maxRejections } = SIGN_IN_LIMITS.signUpsPerAddress;
    const address = '198.51.100.20';
    const email = `taken-${Date.now()}@example.com`;
    expect((await signUp(a, email, address)).status).toBe(201);
    // Probing taken addresses costs no scrypt and counts all the same.
    for (let i = 1; i < maxRejections; i++) expect((await signUp(i % 2 ? b : a, email, address)).body.error).toBe('email_taken');
    for (const server of [a, b]) {
      const refused = await signUp(server, `new-${Date.now()}@example.com`, address);
      expect(refused).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
      expect(refused.retryAfter).toBeGreaterThan(60);
    }
    expect((await signUp(b, `other-${Date.now()}@example.com`, '198.51.100.21')).status).toBe(201);
    // Stored by digest: no e-mail or client address in the table.
    const keys = await db.client.query<{ key: string }>('select key from rate_limit_counts union all select key from rate_limit_backoff');
    expect(keys.rows.length).toBeGreaterThan(0);
    for (const { key } of keys.rows) expect(key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('deletes counts and waits past their expiry once a process has started, and keeps the live ones', async () => {
    const past = Math.floor(Date.now() / 1000) - 10;
    await db.client.query(`insert into rate_limit_counts (key, bucket, count, expires_at) values ('old-count', 1, 3, $1)`, [past]);
    await db.client.query(`insert into rate_limit_backoff (key, failures, last_at, until_at, expires_at) values ('old-wait', 9, 1, 2, $1)`, [past]);
    const live = async () => Number((await db.client.query<{ n: string }>('select (select count(*) from rate_limit_counts) + (select count(*) from rate_limit_backoff) as n')).rows[0]!.n);
    const before = await live();
    await booking();
    // The pruner runs a second after start.
    const deadline = Date.now() + 15_000;
    while ((await live()) > before - 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await live()).toBe(before - 2);
    const gone = await db.client.query(`select key from rate_limit_counts where key = 'old-count' union all select key from rate_limit_backoff where key = 'old-wait'`);
    expect(gone.rows).toEqual([]);
  });
});

describe.runIf(run)('the shared limiters beside the in-memory ones, with a clock the test moves', () => {
  const db = sharedDatabase('gp_shared_limits_clock');
  let opened: OpenedDatabase<BookingDB>;
  let shared: Kysely<unknown>;
  const T0 = 1_900_000_000;
  let now = T0;
  const clock = () => now;

  beforeAll(async () => {
    opened = await openDatabase<BookingDB>({ dataDir: db.folder('gp-shared-limits-clock-'), file: 'unused.sqlite', databaseUrl: db.url, migrations: bookingMigrations('postgres') });
    shared = opened.db as Kysely<unknown>;
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('closes a key past maxRejections in the window and opens it when the oldest failures leave, as in memory', async () => {
    const opts = { maxRejections: 3, windowS: 60 };
    now = T0;
    const memory = new RejectionLimiter(opts, clock);
    // Two processes' limiters on one database.
    const [p1, p2] = [new SharedRejectionLimiter(shared, 'test', opts, clock), new SharedRejectionLimiter(shared, 'test', opts, clock)];
    for (let i = 0; i < 4; i++) {
      memory.record('k');
      await (i % 2 ? p2 : p1).record('k');
      now += 1;
    }
    expect(memory.blocked('k')).toBe(true);
    // The one whose failure closed it knows without asking; the other learns when it asks or counts.
    expect(p2.blocked('k')).toBe(true);
    expect(p1.blocked('k')).toBe(false);
    expect(await p1.retryAfterS('k')).toBe(memory.retryAfterS('k'));
    expect(p1.blocked('k')).toBe(true);
    // Further failures while closed are not counted, so the wait does not grow.
    const wait = await p1.retryAfterS('k');
    await p1.record('k');
    expect(await p2.retryAfterS('k')).toBe(wait);
    now += wait;
    expect(await p1.retryAfterS('k')).toBe(0);
    expect(memory.blocked('k')).toBe(false);
    expect(p1.blocked('k')).toBe(false);
    expect(await p1.retryAfterS('other')).toBe(0);
    await p1.clear('k');
    expect(await opened.db.selectFrom('rate_limit_counts').selectAll().execute()).toEqual([]);
  });

  it('doubles the wait after `free` failures up to its cap and forgets the key an hour on, as in memory', async () => {
    const opts = { free: 3, baseS: 2, maxS: 30, forgetS: 3600, maxKeys: 1000 };
    now = T0;
    const memory = new BackoffLimiter(opts, clock);
    const [p1, p2] = [new SharedBackoffLimiter(shared, 'test', opts, clock), new SharedBackoffLimiter(shared, 'test', opts, clock)];
    for (let i = 0; i < 2; i++) {
      memory.record('a');
      await (i % 2 ? p2 : p1).record('a');
    }
    expect(await p2.retryAfterS('a')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      memory.record('a');
      await (i % 2 ? p2 : p1).record('a');
      const wait = await (i % 2 ? p1 : p2).retryAfterS('a');
      expect(wait).toBe(memory.retryAfterS('a'));
      waits.push(wait);
      now += wait;
    }
    expect(waits).toEqual([2, 4, 8, 16, 30, 30]);
    now += 3600;
    await p1.record('a');
    expect(await p2.retryAfterS('a')).toBe(0); // a first failure again
    await p2.clear('a');
    expect(await p1.retryAfterS('a')).toBe(0);
  });

  it('prunes counts once their bucket has left the window and waits an hour after the last failure', async () => {
    now = T0;
    const counts = new SharedRejectionLimiter(shared, 'prune', { maxRejections: 1, windowS: 60 }, clock);
    const waits = new SharedBackoffLimiter(shared, 'prune', { free: 1, baseS: 2, maxS: 30, forgetS: 3600, maxKeys: 1000 }, clock);
    await counts.record('x');
    await counts.record('x');
    await waits.record('y');
    expect(await counts.retryAfterS('x')).toBeGreaterThan(0);
    expect(await pruneRateLimits(shared, now + 59)).toBe(0);
    // Failures at T leave a 60 s window at T + 60.
    expect(await pruneRateLimits(shared, now + 60)).toBe(1);
    expect(await pruneRateLimits(shared, now + 3599)).toBe(0);
    expect(await pruneRateLimits(shared, now + 3600)).toBe(1);
    expect(await counts.retryAfterS('x')).toBe(0);
  });
});
