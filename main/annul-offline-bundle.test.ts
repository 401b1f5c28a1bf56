// An admission annulled at one gate reaches every other gate's offline bundle:
// a station offline with policy `signed` that had the code as redeemed admits
// it again once its bundle carries the annulment. Real booking and provider
// processes; the other gate is the station's own server client (ScanVerifier).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseScanText } from '../protocol/gp1.js';
import { BookingClient, ScanVerifier } from '../server-client/index.js';
import { startStack, type Stack } from './testing/stack.js';

let stack: Stack;
let dir: string;
let verifier: ScanVerifier;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  stack = await startStack();
  dir = mkdtempSync(join(tmpdir(), 'gp-annul-bundle-'));
}, 120_000);
afterAll(async () => {
  await verifier?.close();
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const enrolled = async (gate: string) => {
  const config = (await stack.enrolledConfig(gate)) as { enrollment: { token: string } };
  return config.enrollment.token;
};

it('an offline station with policy signed admits a ticket again once its bundle carries the annulment', async () => {
  const [ticket] = await stack.buyTickets(1);
  const payload = ticket!.payload;
  const north = new BookingClient({ baseUrl: stack.bookingUrl, token: await enrolled('North'), timeoutMs: 5000 });
  verifier = new ScanVerifier({ dataDir: dir, log: quiet, startDelayMs: 60_000, bundleRefreshMs: 3_600_000 });
  verifier.configure({ serverUrl: stack.bookingUrl, token: await enrolled('South'), providerId: stack.providerId, gate: 'South', policy: 'signed', timeoutMs: 1500 });

  // Admitted at North; South's bundle learns it.
  const scan = await north.scan({ payload, providerId: stack.providerId, scanId: 'north-1' });
  expect(scan).toMatchObject({ kind: 'verdict', verdict: { result: 'admitted' } });
  expect(await verifier.refreshBundle()).toBe(true);

  // South offline (the provider down): its bundle says used.
  await stack.stopProvider();
  const denied = await verifier.verify(parseScanText(payload), 'test');
  expect(denied).toMatchObject({ result: 'rejected', reason: 'already_redeemed', offline: true, redeemedGate: 'North' });

  // The annulment needs the provider: back for a moment, then down again.
  await stack.startProvider();
  expect(await north.annul('north-1')).toMatchObject({ ok: true });
  await stack.stopProvider();
  // Before South's bundle carries it, still used; after, admitted offline and journaled.
  expect((await verifier.verify(parseScanText(payload), 'test')).reason).toBe('already_redeemed');
  expect(await verifier.refreshBundle()).toBe(true);
  const admitted = await verifier.verify(parseScanText(payload), 'test');
  expect(admitted).toMatchObject({ result: 'admitted', offline: true });
  expect(verifier.journal.pendingCount).toBe(1);
  north.close();
}, 120_000);
