// Password hashes at today's scrypt cost (OWASP's minimum, N=2^17, r=8, p=1),
// in process against a real SQLite file: new accounts get it, and an account
// whose hash was made at an older, cheaper cost still signs in and is moved
// to today's cost by that sign-in. Every hash here is computed at full cost.
// A flood of hashes queues in front of scrypt, not in libuv's thread pool.
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../secrets.js';
import { startBooking, type RunningBooking } from '../server.js';
import { bookingClient, type BookingClient } from '../testing/http.js';

const PASSWORD = 'correct horse battery staple';

describe('password hashing', { timeout: 60_000 }, () => {
  let dataDir: string;
  let booking: RunningBooking;
  let api: BookingClient;
  const storedHash = async (userId: string) =>
    (await booking.ctx.db.selectFrom('users').select('password_hash').where('user_id', '=', userId).executeTakeFirstOrThrow()).password_hash;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gp-passwords-'));
    booking = await startBooking({ port: 0, dataDir, reminderIntervalMs: 0, retryIntervalMs: 0, pruneIntervalMs: 0, logger: false });
    api = bookingClient(booking.url);
  });
  afterAll(async () => {
    await booking?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('hashes new passwords with scrypt N=2^17, r=8, p=1', async () => {
    const res = await api.post<{ userId: string }>('/api/v1/users', { email: 'new@example.com', password: PASSWORD });
    expect(res.status, res.text).toBe(201);
    const hash = await storedHash(res.body.userId);
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(hash).not.toContain(PASSWORD);
  });

  it('signs in with a hash made at an older cost, and stores it again at today’s', async () => {
    const res = await api.post<{ userId: string }>('/api/v1/users', { email: 'old@example.com', password: 'placeholder password' });
    const { userId } = res.body;
    // What an account made before the cost was raised holds: N=2^15.
    const salt = randomBytes(16);
    const key = scryptSync(PASSWORD.normalize('NFC'), salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const old = ['scrypt', 1 << 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    await booking.ctx.db.updateTable('users').set({ password_hash: old }).where('user_id', '=', userId).execute();

    expect((await api.post('/api/v1/sessions', { email: 'old@example.com', password: 'wrong password' })).status).toBe(401);
    expect(await storedHash(userId)).toBe(old);
    const first = await api.post('/api/v1/sessions', { email: 'old@example.com', password: PASSWORD });
    expect(first.status, first.text).toBe(200);
    const upgraded = await storedHash(userId);
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    // The new hash is the same password's: signing in again works, and leaves it as it is.
    expect((await api.post('/api/v1/sessions', { email: 'old@example.com', password: PASSWORD })).status).toBe(200);
    expect(await storedHash(userId)).toBe(upgraded);
  });
});

describe('a flood of password hashes', { timeout: 120_000 }, () => {
  it('leaves libuv threads free for file work: a read queued behind 12 hashes finishes before the third of them', async () => {
    // Queued in this order on libuv's pool: 12 hashes, then one file read.
    let done = 0;
    const hashes = Array.from({ length: 12 }, () => hashPassword(PASSWORD).then(() => done++));
    const readDoneAfter = await readFile(fileURLToPath(import.meta.url)).then(() => done);
    await Promise.all(hashes);
    expect(readDoneAfter).toBeLessThanOrEqual(2);
    expect(done).toBe(12);
  });
});
