// Signed GP1 tickets and a matching offline bundle, made with the same codec the
// booking server uses, for the offline checks' unit tests.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { OfflineBundle } from '../../protocol/booking-api.js';
import { encodeGp1, exportPublicKey, type Gp1Body } from '../../protocol/gp1.js';

export function platformKey(keyId = 1) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { keyId, privateKey, publicKey, entry: { keyId, alg: 'Ed25519' as const, publicKey: exportPublicKey(publicKey) } };
}

export function ticket(key: ReturnType<typeof platformKey> | null, over: Partial<Gp1Body> = {}): { text: string; body: Gp1Body } {
  const now = Math.floor(Date.now() / 1000);
  const body: Gp1Body = {
    providerId: 'prv_test',
    code: randomBytes(16).toString('hex'),
    info: { title: 'Test Show', venue: 'Test Venue', hall: 'Hall 1', seat: 'B7', startsAt: now + 1800 },
    validFrom: now - 3600,
    validUntil: now + 3 * 3600,
    ...over,
  };
  return { text: encodeGp1(body, key ? { keyId: key.keyId, privateKey: key.privateKey } : undefined), body };
}

export function bundleWith(key: ReturnType<typeof platformKey>, over: Partial<OfflineBundle> = {}): OfflineBundle {
  return { providerId: 'prv_test', keys: [key.entry], revoked: [], redeemed: [], cursor: '10', more: false, ...over };
}
