// A gate PC whose clock is days off (a flat CMOS battery, no time server on
// the venue's network): once the server has answered, the offline check judges
// a signed ticket's validity and the bundle's age by the server's time, and the
// journal records the server's time, so the ticket valid now is admitted
// offline rather than denied as "not yet valid" or "expired". An error page
// from something in front of the server, with its own clock, changes nothing.
// Against the stand-in server (fake-booking.ts), whose answers carry a real
// Date header, with the PC's clock injected: a test cannot set the machine's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseScanText } from '../protocol/gp1.js';
import { startFakeBooking, type FakeBooking } from './testing/fake-booking.js';
import { bundleWith, platformKey, ticket } from './testing/tickets.js';
import { ServerClock } from './server-clock.js';
import { ScanVerifier } from './verifier.js';

const DAY_MS = 24 * 3600 * 1000;
const key = platformKey(1);

let fake: FakeBooking | undefined;
let verifier: ScanVerifier | undefined;
let dir: string | undefined;

afterEach(async () => {
  await verifier?.close();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A verifier on a PC whose clock is `offMs` off, policy signed, its bundle fetched; and what it logged. */
async function stationWithClockOff(offMs: number) {
  fake = await startFakeBooking();
  fake.bundle = bundleWith(key);
  dir = mkdtempSync(join(tmpdir(), 'gp-clock-'));
  const warnings: { skewS?: number }[] = [];
  verifier = new ScanVerifier({
    dataDir: dir,
    log: { info: () => undefined, warn: (o) => warnings.push(o as { skewS?: number }), error: () => undefined },
    journalRetryMs: 60_000,
    localNow: () => Date.now() + offMs,
  });
  verifier.configure({ serverUrl: fake.url, token: 'st_test', providerId: 'prv_test', gate: 'Gate T', policy: 'signed', timeoutMs: 500 });
  expect(await verifier.refreshBundle()).toBe(true);
  return { verifier, fake, warnings };
}

describe("a gate PC whose clock is off the server's", () => {
  it.each([
    ['two days behind', -2 * DAY_MS],
    ['two days ahead', 2 * DAY_MS],
  ])('admits offline, %s, the ticket valid now, and journals it at the server time', async (_, offMs) => {
    const { verifier, fake, warnings } = await stationWithClockOff(offMs);
    fake.script.push('provider-down');
    const t = ticket(key);
    const decision = await verifier.verify(parseScanText(t.text), 'serial');
    expect(decision).toMatchObject({ result: 'admitted', offline: true });
    const [entry] = verifier.journal.pending();
    expect(Math.abs(entry!.at - Date.now() / 1000)).toBeLessThan(5);
    expect(warnings).toEqual([expect.objectContaining({ skewS: expect.closeTo(offMs / 1000, -1) })]);
    // The bundle was taken at the server's time: it is fresh, not two days old or from the future.
    expect(Math.abs(verifier.offlineCache!.refreshedAt! - Date.now() / 1000)).toBeLessThan(5);
  });

  it('keeps a right clock as it is, and is not moved by an error page carrying another clock', async () => {
    const { verifier, fake, warnings } = await stationWithClockOff(0);
    expect(verifier.clock.skewS).toBe(0);
    fake.errorDate = new Date(Date.now() - 30 * DAY_MS).toUTCString();
    fake.script.push('error-500');
    fake.script.push('error-500');
    fake.script.push('error-500');
    const t = ticket(key);
    expect(await verifier.verify(parseScanText(t.text), 'serial')).toMatchObject({ result: 'admitted', offline: true });
    expect(verifier.clock.skewS).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('without a word from the server goes by the PC clock, and denies what that clock makes invalid', async () => {
    fake = await startFakeBooking();
    fake.bundle = bundleWith(key);
    dir = mkdtempSync(join(tmpdir(), 'gp-clock-'));
    // The bundle on disk was fetched before; the server is not reachable since this start.
    const before = new ScanVerifier({ dataDir: dir, log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    before.configure({ serverUrl: fake.url, token: 'st_test', providerId: 'prv_test', gate: 'Gate T', policy: 'signed', timeoutMs: 500 });
    expect(await before.refreshBundle()).toBe(true);
    await before.close();
    const url = fake.url;
    await fake.close();
    fake = undefined;
    verifier = new ScanVerifier({ dataDir: dir, log: { info: () => undefined, warn: () => undefined, error: () => undefined }, localNow: () => Date.now() - 2 * DAY_MS, startDelayMs: 60_000 });
    verifier.configure({ serverUrl: url, token: 'st_test', providerId: 'prv_test', gate: 'Gate T', policy: 'signed', timeoutMs: 300 });
    expect(await verifier.verify(parseScanText(ticket(key).text), 'serial')).toMatchObject({ result: 'rejected', reason: 'not_yet_valid', offline: true });
  });
});

describe('the server clock learnt from Date headers', () => {
  /** The skews reported while answers come in at every phase of their second, the PC `offMs` off. */
  function reportsAt(offMs: number): number[] {
    const reported: number[] = [];
    const clock = new ServerClock(Date.now, (skewS) => reported.push(skewS));
    const base = Date.UTC(2026, 11, 5, 18, 0, 0);
    for (let phase = 0; phase < 3000; phase += 37) {
      // The answer left the server at base + phase; its header says the whole second.
      clock.observe(new Date(base + phase).toUTCString(), base + phase + offMs);
    }
    return reported;
  }

  it('reports a clock a minute or more off once, however the answers fall within their second', () => {
    expect(reportsAt(-3 * 3600_000)).toEqual([expect.closeTo(-3 * 3600, -1)]);
    expect(reportsAt(90_000)).toEqual([expect.closeTo(90, -1)]);
  });

  it('reports nothing for a clock a few seconds off, where the header alone is a second coarse', () => {
    expect(reportsAt(2_100)).toEqual([]);
    expect(reportsAt(-59_000)).toEqual([]);
  });
});
