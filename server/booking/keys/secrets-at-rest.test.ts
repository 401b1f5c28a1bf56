// Secrets at rest (sealed.ts, secrets-at-rest.ts): with --secrets-key-file the
// signing keys, provider secrets and share secret are nowhere in the database's
// bytes — after a database that held them in plaintext is opened with a key
// (sealed in place), and after real use with the key (a provider registered,
// a key rotated, tickets issued, scanned and shared). Read from the SQLite
// file and its WAL, and from the raw column values on the local PostgreSQL.
// Without the key, or with another one, the server refuses to start, saying why.
// The booking server runs in process (the test reads its key material), a fake
// provider over real HTTP.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import type { ScanVerdict } from '../../../protocol/verdict.js';
import { BACKENDS, testStorage, type TestStorage } from '../../common/testing/storage.js';
import { SEALED_PREFIX } from './sealed.js';
import type { BookingOptions, RunningBooking } from '../server.js';
import { FAKE_SHOW, startFakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { bookingClient, type BookingClient } from '../testing/http.js';
import { enrollStation, registerProvider, signUp, startTestBooking } from '../testing/setup.js';

const ADMIN = 'admin-token-for-sealing-tests-01';
const SECRET_A = 'provider-a-secret-for-sealing-0123';
const SECRET_B = 'provider-b-secret-for-sealing-4567';

/** Every way a secret could sit in a file: raw, base64, base64url, hex (both cases). */
function forms(secret: Buffer | string): Buffer[] {
  const b = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  return [b, b.toString('base64'), b.toString('base64url'), b.toString('hex'), b.toString('hex').toUpperCase()].map((f) => (typeof f === 'string' ? Buffer.from(f) : f));
}

/** The secrets (by name) found in `bytes` in any form. */
function found(bytes: Buffer, secrets: Record<string, Buffer | string>): string[] {
  return Object.entries(secrets)
    .filter(([, s]) => forms(s).some((f) => bytes.includes(f)))
    .map(([name]) => name);
}

describe.each(BACKENDS)('secrets at rest on $backend', ({ backend, run }) => {
  let store: TestStorage | undefined;
  let dir: string;
  let fakeA: FakeProvider;
  let fakeB: FakeProvider;
  let booking: RunningBooking | undefined;
  let api: BookingClient;
  const keyFile = () => join(dir, 'secrets.key');
  const secrets: Record<string, Buffer | string> = { providerA: SECRET_A, providerB: SECRET_B };
  let userToken: string;
  let providerA: string;
  let seat = 0;
  const clock = FAKE_SHOW.startsAt - 600;

  const start = async (over: Partial<BookingOptions> = {}) => {
    booking = await startTestBooking({ dataDir: join(dir, 'data'), databaseUrl: store!.databaseUrl, adminToken: ADMIN, demo: true, now: () => clock, ...over });
    api = bookingClient(booking.url);
    return booking;
  };
  const stop = async () => {
    await booking?.close();
    booking = undefined;
  };
  /** The signing keys and share secret this server holds, as the test must not find them. */
  const remember = (b: RunningBooking) => {
    const der = b.ctx.keys.signer().privateKey.export({ format: 'der', type: 'pkcs8' });
    secrets[`signingKey${b.ctx.keys.activeKeyId}`] = der;
    // The Ed25519 seed: the last 32 bytes of the PKCS#8 DER.
    secrets[`signingSeed${b.ctx.keys.activeKeyId}`] = der.subarray(der.length - 32);
    secrets.shareSecret = b.ctx.shareSecret;
  };
  /** A ticket ordered, scanned at a gate and shared: every secret in use. */
  const use = async (providerId: string) => {
    const ordered = await api.post<Order>('/api/v1/orders', { providerId, showId: FAKE_SHOW.showId, seats: [`S${++seat}`], payment: { method: 'demo' } }, { token: userToken });
    expect(ordered.status, ordered.text).toBe(201);
    const ticket = ordered.body.tickets[0]!;
    const station = await enrollStation(api, ADMIN, providerId, `Gate ${seat}`);
    const scan = await api.post<ScanVerdict>('/api/v1/station/scan', { payload: ticket.payload, providerId, scanId: `s${seat}` }, { token: station });
    expect(scan.body.result).toBe('admitted');
    expect((await api.post(`/api/v1/tickets/${ticket.ticketId}/share`, undefined, { token: userToken })).status).toBe(200);
  };
  /** The bytes of the database as they are on disk now: the SQLite file with its WAL and shared memory. */
  const sqliteBytes = () =>
    Buffer.concat(
      ['booking.sqlite', 'booking.sqlite-wal', 'booking.sqlite-shm']
        .map((f) => join(dir, 'data', f))
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f)),
    );
  /** The secret columns' values as PostgreSQL holds them. */
  const pgValues = async (): Promise<string[]> => {
    const client = new pg.Client({ connectionString: store!.databaseUrl });
    await client.connect();
    try {
      const rows = [
        ...(await client.query<{ v: string }>('select private_key as v from signing_keys where retired_at is null')).rows,
        ...(await client.query<{ v: string }>('select secret as v from providers')).rows,
        ...(await client.query<{ v: string }>(`select value as v from settings where name = 'share_secret'`)).rows,
      ];
      return rows.map((r) => r.v);
    } finally {
      await client.end();
    }
  };
  /** The secrets found at rest now (all stored secrets on PostgreSQL must also be sealed values). */
  const atRest = async (): Promise<string[]> => {
    if (!store!.databaseUrl) return found(sqliteBytes(), secrets);
    const values = await pgValues();
    return found(Buffer.from(values.join('\n')), secrets).concat(values.filter((v) => !v.startsWith(SEALED_PREFIX)).map((v) => `unsealed value ${v.slice(0, 8)}…`));
  };

  beforeAll(async () => {
    if (!run) return;
    store = await testStorage(backend, 'sealed');
    dir = store.dir;
    fakeA = await startFakeProvider(SECRET_A);
    fakeB = await startFakeProvider(SECRET_B);
  });
  afterAll(async () => {
    await stop();
    await fakeA?.close();
    await fakeB?.close();
    await store?.remove();
  });

  it.runIf(run)('a database used without a key holds its secrets in plaintext (what the search looks for)', async () => {
    const b = await start();
    userToken = await signUp(api, 'sealed@example.com');
    providerA = await registerProvider(api, ADMIN, { name: 'A', verifyUrl: fakeA.url, secret: SECRET_A });
    await use(providerA);
    remember(b);
    await stop();
    expect((await atRest()).sort()).toEqual(expect.arrayContaining(['providerA', 'shareSecret', 'signingKey1']));
  });

  it.runIf(run)('given a key file, the server seals them in place; after real use none is in the database', async () => {
    writeFileSync(keyFile(), randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    chmodSync(keyFile(), 0o600);
    await start({ secretsKeyFile: keyFile() });
    // The sealed values still work: the share link made before is the same, the old provider still answers.
    await use(providerA);
    expect((await api.post<{ keyId: number }>('/api/v1/admin/keys', undefined, { token: ADMIN })).body.keyId).toBe(2);
    const providerB = await registerProvider(api, ADMIN, { name: 'B', verifyUrl: fakeB.url, secret: SECRET_B });
    await use(providerB);
    remember(booking!);
    // A secret changed through the API is sealed too.
    const changed = 'provider-b-secret-changed-89abcdef';
    secrets.providerBChanged = changed;
    expect((await api.call('PATCH', `/api/v1/admin/providers/${providerB}`, { body: { secret: changed }, token: ADMIN })).status).toBe(200);
    expect(fakeA.calls.badSignatures + fakeB.calls.badSignatures).toBe(0);
    expect(await atRest()).toEqual([]); // while running: the WAL too
    await stop();
    expect(await atRest()).toEqual([]);
  });

  it.runIf(run)('refuses to start without the key, with another key, or with a value moved to another row', async () => {
    await expect(start()).rejects.toThrow(/encrypted.*--secrets-key-file FILE \(env GATEPOST_SECRETS_KEY_FILE\)/);
    const other = join(dir, 'other.key');
    writeFileSync(other, randomBytes(32).toString('hex'), { mode: 0o600 });
    chmodSync(other, 0o600);
    await expect(start({ secretsKeyFile: other })).rejects.toThrow(/does not open with this key/);

    // Provider A's sealed secret copied over provider B's: it opens for A's row only.
    const swap = async (sqlText: string) => {
      if (store!.databaseUrl) {
        const client = new pg.Client({ connectionString: store!.databaseUrl });
        await client.connect();
        await client.query(sqlText);
        await client.end();
      } else {
        const Database = (await import('better-sqlite3')).default;
        const db = new Database(join(dir, 'data', 'booking.sqlite'));
        db.exec(sqlText);
        db.close();
      }
    };
    await swap(`update providers set secret = (select secret from providers where name = 'A') where name = 'B'`);
    await expect(start({ secretsKeyFile: keyFile() })).rejects.toThrow(/providers\.secret of p_\w+ does not open/);
  });

  it.runIf(run)('refuses a key file others may read, or one of the wrong size', async () => {
    const open = join(dir, 'open.key');
    writeFileSync(open, randomBytes(32).toString('base64'));
    chmodSync(open, 0o644);
    await expect(start({ secretsKeyFile: open })).rejects.toThrow(/may be read by group or others \(mode 644\): run chmod 600/);
    const short = join(dir, 'short.key');
    writeFileSync(short, randomBytes(31).toString('base64'), { mode: 0o600 });
    chmodSync(short, 0o600);
    await expect(start({ secretsKeyFile: short })).rejects.toThrow(/must hold 32 random bytes as one line of base64/);
    await expect(start({ secretsKeyFile: join(dir, 'missing.key') })).rejects.toThrow(/cannot be read: ENOENT/);
  });
});
