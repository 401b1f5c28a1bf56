// The scan verifier's policies end to end against a stand-in server: online
// verdicts, `deny` and `signed` when the provider is down, the journal on disk
// before ADMIT, upload with the admitting scan's scanId, and conflicts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, type JournalEntry } from './journal.js';
import { startFakeBooking, type FakeBooking } from './testing/fake-booking.js';
import { bundleWith, platformKey, ticket } from './testing/tickets.js';
import { ScanVerifier } from './verifier.js';
import { parseScanText } from '../protocol/gp1.js';
import type { Connectivity } from '../protocol/verdict.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const key = platformKey(1);

let fake: FakeBooking;
let dir: string;
let verifier: ScanVerifier;
let conflicts: JournalEntry[];
let connectivity: Connectivity[];

beforeEach(async () => {
  fake = await startFakeBooking();
  fake.bundle = bundleWith(key);
  dir = mkdtempSync(join(tmpdir(), 'gp-verifier-'));
  conflicts = [];
  connectivity = [];
  verifier = new ScanVerifier({
    dataDir: dir,
    log: silent,
    journalRetryMs: 60_000,
    onConflicts: (c) => conflicts.push(...c),
    onConnectivity: (c) => connectivity.push(c),
  });
});
afterEach(async () => {
  await verifier.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function configure(policy: 'deny' | 'signed') {
  verifier.configure({ serverUrl: fake.url, token: 'st_test', providerId: 'prv_test', gate: 'Gate T', policy, timeoutMs: 500 });
}

/** A ticket admitted offline: signed-ticket policy, a fresh bundle, and the server failing as `failure`. */
async function admitOffline(failure: 'hang' | 'provider-down') {
  configure('signed');
  await verifier.refreshBundle();
  fake.script.push(failure);
  const t = ticket(key);
  expect(await verifier.verify(parseScanText(t.text), 'serial')).toMatchObject({ result: 'admitted', offline: true });
  return t;
}

describe('ScanVerifier', () => {
  it('shows the server verdict online', async () => {
    configure('deny');
    const d = await verifier.verify(parseScanText(ticket(key).text), 'serial');
    expect(d).toMatchObject({ result: 'admitted', offline: false, ticket: { seat: 'A1' } });
    expect(verifier.state).toBe('online');
    // payload, providerId and scanId: the reader (DESIGN's optional `source`) is for the station's own log
    expect(Object.keys(fake.seen.find((r) => r.path.endsWith('/scan'))!.body as object).sort()).toEqual(['payload', 'providerId', 'scanId']);
  });

  it('refuses locally what is not a ticket, without asking', async () => {
    configure('deny');
    expect(await verifier.verify(parseScanText('not a ticket'), 'keyboard')).toMatchObject({ result: 'rejected', reason: 'malformed' });
    expect(fake.seen.filter((r) => r.path.endsWith('/scan'))).toHaveLength(0);
  });

  it('policy deny: provider down is a red "cannot verify"', async () => {
    configure('deny');
    fake.script.push('provider-down');
    expect(await verifier.verify(parseScanText(ticket(key).text), 'serial')).toMatchObject({ result: 'rejected', reason: 'cannot_verify', offline: true });
    expect(verifier.state).toBe('offline');
  });

  it('policy signed: admits once offline, journals durably, uploads with the same scanId, then goes online', async () => {
    configure('signed');
    expect(await verifier.refreshBundle()).toBe(true);
    const t = ticket(key);
    fake.script.push('provider-down', 'provider-down');
    const first = await verifier.verify(parseScanText(t.text), 'serial');
    expect(first).toMatchObject({ result: 'admitted', offline: true, ticket: { seat: 'B7' } });
    // On disk before the verdict was returned.
    expect(new Journal(Journal.fileIn(dir)).pending()).toMatchObject([{ scanId: first.scanId, code: t.body.code, state: 'pending' }]);
    // Again, still offline: refused as used here. Also online (before upload): the server is not asked.
    expect(await verifier.verify(parseScanText(t.text), 'camera')).toMatchObject({ result: 'rejected', reason: 'already_redeemed', redeemedGate: 'Gate T' });
    const scansBefore = fake.seen.filter((r) => r.path.endsWith('/scan')).length;
    expect(await verifier.verify(parseScanText(t.text), 'camera')).toMatchObject({ result: 'rejected', reason: 'already_redeemed' });
    expect(fake.seen.filter((r) => r.path.endsWith('/scan')).length).toBe(scansBefore);

    await verifier.uploadJournal();
    const upload = fake.seen.find((r) => r.path === '/api/v1/station/journal');
    expect(upload?.body).toEqual({ redemptions: [{ payload: t.text, scanId: first.scanId, at: expect.any(Number) }] });
    expect(verifier.journal.pending()).toHaveLength(0);
    expect(connectivity.at(-1)).toBe('online');
    expect(conflicts).toHaveLength(0);
  });

  it('keeps the journal while the provider is down and shows conflicts when it is back', async () => {
    const t = await admitOffline('hang');
    fake.journalUp = false;
    await verifier.uploadJournal();
    expect(verifier.journal.pending()).toHaveLength(1);
    fake.journalUp = true;
    fake.journalVerdict = () => ({ result: 'rejected', reason: 'already_redeemed', redeemedGate: 'North', redeemedAt: 1_800_000_000 });
    await verifier.uploadJournal();
    expect(conflicts).toMatchObject([{ code: t.body.code, state: 'conflict', result: { redeemedGate: 'North' } }]);
  });

  it('sends a batch the server finds too large again in halves, until every admission is taken', async () => {
    // A server whose limit is far below the station's batch: about 12 entries a request.
    fake.journalBodyLimit = 4096;
    configure('signed');
    await verifier.refreshBundle();
    for (let i = 0; i < 40; i++) {
      fake.script.push('provider-down');
      expect(await verifier.verify(parseScanText(ticket(key).text), 'serial')).toMatchObject({ result: 'admitted', offline: true });
    }
    await verifier.uploadJournal();
    expect(verifier.journal.pendingCount).toBe(0);
    expect(verifier.journal.refused()).toEqual([]);
    const uploads = fake.seen.filter((r) => r.path === '/api/v1/station/journal');
    const taken = uploads
      .filter((u) => Buffer.byteLength(JSON.stringify(u.body)) <= 4096)
      .flatMap((u) => (u.body as { redemptions: { scanId: string }[] }).redemptions.map((r) => r.scanId));
    // Each admission in exactly one request the server took.
    expect(taken).toHaveLength(40);
    expect(new Set(taken).size).toBe(40);
    expect(uploads.length).toBeLessThan(20);
  });

  it('stops uploading when the server refuses the station itself, until its settings change', async () => {
    const problems: (string | null)[] = [];
    await verifier.close();
    verifier = new ScanVerifier({ dataDir: dir, log: silent, journalRetryMs: 60_000, onRefusal: (p) => problems.push(p?.error ?? null) });
    await admitOffline('provider-down');
    verifier.configure({ serverUrl: fake.url, token: 'st_revoked', providerId: 'prv_test', gate: 'Gate T', policy: 'signed', timeoutMs: 500 });
    const uploads = () => fake.seen.filter((r) => r.path === '/api/v1/station/journal').length;
    await verifier.uploadJournal();
    expect(problems).toContain('unauthorized');
    const sent = uploads();
    await verifier.uploadJournal();
    await verifier.uploadJournal();
    expect(uploads()).toBe(sent);
    // Kept, not refused: enrolled again, the station uploads it.
    expect(verifier.journal.pendingCount).toBe(1);
    expect(verifier.refused?.error).toBe('unauthorized');
    configure('signed');
    // New settings end the refusal: the screen stops saying so.
    expect(verifier.refused).toBeNull();
    expect(problems.at(-1)).toBeNull();
    await verifier.uploadJournal();
    expect(verifier.journal.pendingCount).toBe(0);
  });

  it('keeps offline admissions for their own server when the station is pointed at another', async () => {
    const t = await admitOffline('provider-down');

    const other = await startFakeBooking();
    try {
      other.bundle = bundleWith(key);
      verifier.configure({ serverUrl: other.url, token: 'st_other', providerId: 'prv_other', gate: 'Gate T', policy: 'signed', timeoutMs: 500 });
      await verifier.uploadJournal();
      expect(other.seen.filter((r) => r.path === '/api/v1/station/journal')).toHaveLength(0);
      expect(verifier.journal.pending()).toHaveLength(1);
    } finally {
      await other.close();
    }

    configure('signed');
    await verifier.uploadJournal();
    expect(fake.seen.find((r) => r.path === '/api/v1/station/journal')?.body).toEqual({ redemptions: [{ payload: t.text, scanId: expect.any(String), at: expect.any(Number) }] });
    expect(verifier.journal.pending()).toHaveLength(0);
  });

  it('asks again with the same scanId after a scan that got no answer', async () => {
    configure('deny');
    const t = ticket(key);
    fake.script.push('hang');
    const first = await verifier.verify(parseScanText(t.text), 'serial');
    const second = await verifier.verify(parseScanText(t.text), 'serial');
    expect(second.scanId).toBe(first.scanId);
    const third = await verifier.verify(parseScanText(t.text), 'serial');
    expect(third.scanId).not.toBe(first.scanId);
  });

  it('a refused token is a problem, not offline', async () => {
    verifier.configure({ serverUrl: fake.url, token: 'st_revoked', providerId: 'prv_test', gate: 'G', policy: 'signed', timeoutMs: 500 });
    expect(await verifier.verify(parseScanText(ticket(key).text), 'serial')).toMatchObject({ result: 'rejected', reason: 'cannot_verify', offline: false });
  });
});
