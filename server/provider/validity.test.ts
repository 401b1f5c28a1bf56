// Validity windows against a clock the test moves: a ticket opens an hour
// before its show and closes when the show ends. In-process server (so the
// clock can be injected), still real HTTP on loopback and a real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CodesResponse } from '../../protocol/provider-api.js';
import type { Verdict } from '../../protocol/verdict.js';
import { signRequest } from '../../protocol/signature.js';
import { startProvider, type RunningProvider } from './server.js';

const SECRET = 'validity-secret-0123456789';
const T0 = 1_900_000_000;
let clock = T0;
let dataDir: string;
let provider: RunningProvider;

async function post<T>(path: string, body: unknown): Promise<T> {
  const text = JSON.stringify(body);
  const res = await fetch(provider.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'gatepost-signature': signRequest(SECRET, 'POST', path, text, clock) },
    body: text,
  });
  return (await res.json()) as T;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gp-validity-'));
  provider = await startProvider({
    port: 0,
    dataDir,
    bookingSecret: SECRET,
    now: () => clock,
    logger: false,
    programme: {
      venue: 'Clock Cinema',
      shows: [{ showId: 's1', title: 'Timed', hall: 'Hall 9', startsAt: T0 + 7200, endsAt: T0 + 14400, priceCents: 100, currency: 'EUR', rows: 2, seatsPerRow: 2 }],
    },
  });
});
afterAll(async () => {
  await provider.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('opens an hour before the start and closes at the end of the show', async () => {
  const order = await post<CodesResponse>('/v1/codes', { orderRef: 'o1', showId: 's1', seats: ['A1', 'A2', 'B1'], payment: { reference: 'p', amountCents: 300, currency: 'EUR' } });
  const [a, b, c] = order.tickets;
  expect(a!.validFrom).toBe(T0 + 3600);
  expect(a!.validUntil).toBe(T0 + 14400);

  clock = T0 + 3599;
  expect(await post<Verdict>('/v1/verify', { code: a!.code, gate: 'G', scanId: 'v1' })).toMatchObject({ reason: 'not_yet_valid' });
  clock = T0 + 3600;
  expect(await post<Verdict>('/v1/verify', { code: a!.code, gate: 'G', scanId: 'v2' })).toMatchObject({ result: 'admitted' });
  clock = T0 + 14400;
  expect(await post<Verdict>('/v1/verify', { code: b!.code, gate: 'G', scanId: 'v3' })).toMatchObject({ result: 'admitted' });
  clock = T0 + 14401;
  expect(await post<Verdict>('/v1/verify', { code: c!.code, gate: 'G', scanId: 'v4' })).toMatchObject({ result: 'rejected', reason: 'expired' });
  // a ticket used and then expired still says where it was used
  expect(await post<Verdict>('/v1/verify', { code: a!.code, gate: 'G2', scanId: 'v5' })).toMatchObject({ reason: 'already_redeemed', redeemedGate: 'G' });
  // no sales once the show is over
  expect(await post('/v1/codes', { orderRef: 'o2', showId: 's1', seats: ['B2'], payment: { reference: 'p', amountCents: 100, currency: 'EUR' } })).toMatchObject({ error: 'show_ended' });
});
