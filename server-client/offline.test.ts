// The offline decision for policy `signed`, case by case, with real Ed25519
// tickets made by the platform's codec.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScanText } from '../protocol/gp1.js';
import { decideOffline } from './offline-check.js';
import { OfflineCache } from './offline-cache.js';
import { bundleWith, platformKey, ticket } from './testing/tickets.js';

const dir = mkdtempSync(join(tmpdir(), 'gp-offline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = platformKey(1);
const now = Math.floor(Date.now() / 1000);

function cacheWith(over: Parameters<typeof bundleWith>[1] = {}, name = String(Math.random())): OfflineCache {
  const cache = new OfflineCache(join(dir, `${name}.json`), 'scope');
  cache.apply(bundleWith(key, over), now, true);
  return cache;
}

const ctx = (cache: OfflineCache, nowS = now) => ({ cache, providerId: 'prv_test', gate: 'Gate T', nowS, maxBundleAgeS: 3600 });

describe('decideOffline', () => {
  it('admits a valid signed ticket of this provider', () => {
    const t = ticket(key);
    expect(decideOffline(parseScanText(t.text), ctx(cacheWith()))).toMatchObject({ result: 'admitted', code: t.body.code });
  });

  it('refuses what it cannot judge: bare codes, unsigned tickets, unknown keys, no bundle', () => {
    const cache = cacheWith();
    expect(decideOffline(parseScanText('0123456789abcdef0123456789abcdef'), ctx(cache))).toMatchObject({ result: 'rejected', reason: 'cannot_verify' });
    expect(decideOffline(parseScanText(ticket(null).text), ctx(cache))).toMatchObject({ result: 'rejected', reason: 'cannot_verify' });
    expect(decideOffline(parseScanText(ticket(platformKey(7)).text), ctx(cache))).toMatchObject({ result: 'rejected', reason: 'cannot_verify' });
    const empty = new OfflineCache(join(dir, 'empty.json'), 'scope');
    expect(decideOffline(parseScanText(ticket(key).text), ctx(empty))).toMatchObject({ result: 'rejected', reason: 'cannot_verify' });
    expect(decideOffline(parseScanText(ticket(key).text), ctx(cache, now + 7200))).toMatchObject({ result: 'rejected', reason: 'cannot_verify' });
  });

  it('refuses a forged signature and garbage', () => {
    const forger = platformKey(1); // same key ID, different key
    expect(decideOffline(parseScanText(ticket(forger).text), ctx(cacheWith()))).toMatchObject({ result: 'rejected', reason: 'bad_signature' });
    expect(decideOffline(parseScanText('hello'), ctx(cacheWith()))).toMatchObject({ result: 'rejected', reason: 'malformed' });
  });

  it('checks provider, validity window and revocation', () => {
    const cache = cacheWith();
    expect(decideOffline(parseScanText(ticket(key, { providerId: 'prv_other' }).text), ctx(cache))).toMatchObject({ reason: 'wrong_provider' });
    expect(decideOffline(parseScanText(ticket(key, { validFrom: now + 600, validUntil: now + 7200 }).text), ctx(cache))).toMatchObject({ reason: 'not_yet_valid' });
    expect(decideOffline(parseScanText(ticket(key, { validFrom: now - 7200, validUntil: now - 60 }).text), ctx(cache))).toMatchObject({ reason: 'expired' });
    const revoked = ticket(key);
    expect(decideOffline(parseScanText(revoked.text), ctx(cacheWith({ revoked: [revoked.body.code] })))).toMatchObject({ reason: 'revoked' });
  });

  it('refuses a code redeemed elsewhere (bundle) or here (local), naming the gate', () => {
    const t = ticket(key);
    const cache = cacheWith({ redeemed: [{ code: t.body.code, at: now - 100, gate: 'North' }] });
    expect(decideOffline(parseScanText(t.text), ctx(cache))).toMatchObject({ reason: 'already_redeemed', redeemedGate: 'North', redeemedAt: now - 100 });
    const u = ticket(key);
    const c2 = cacheWith();
    c2.markAdmitted(u.body.code, 'scan-1', now - 5);
    expect(decideOffline(parseScanText(u.text), ctx(c2))).toMatchObject({ reason: 'already_redeemed', redeemedGate: 'Gate T' });
  });

  it('persists the bundle and local admissions across a restart', async () => {
    const t = ticket(key);
    const cache = cacheWith({}, 'persist');
    cache.markAdmitted(t.body.code, 'scan-9', now);
    await cache.flush();
    const again = new OfflineCache(join(dir, 'persist.json'), 'scope');
    expect(again.keyCount).toBe(1);
    expect(again.admittedHere(t.body.code)).toEqual({ at: now, scanId: 'scan-9' });
    // Another server or provider: the old bundle does not apply.
    expect(new OfflineCache(join(dir, 'persist.json'), 'other').keyCount).toBe(0);
  });
});
