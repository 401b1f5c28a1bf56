// Real GP1 ticket texts, made by the protocol codec the booking server uses, so the
// camera tests read what a gate will actually be shown. The same n gives the same
// text in every run (a fixed test key, a code derived from n): whether a decoder
// reads a code depends on its content, and a test must not pass or fail by draw.
import { createHash, createPrivateKey } from 'node:crypto';
import { encodeGp1 } from '../../protocol/gp1.js';

// An Ed25519 key from a fixed 32-byte seed (PKCS#8 DER prefix + seed): for tests only.
const privateKey = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), createHash('sha256').update('gatepost test ticket key').digest()]),
  format: 'der',
  type: 'pkcs8',
});

export function gp1Ticket(n: number, signed = true): string {
  const startsAt = 1_790_000_000 + n * 3600;
  return encodeGp1(
    {
      providerId: `prv_${(1000 + n).toString(36)}`,
      code: createHash('sha256').update(`ticket code ${n}`).digest('hex').slice(0, 32),
      info: { title: `Night Show ${n}`, venue: 'Riverside Hall', hall: 'Hall 2', seat: `Row ${n % 20} Seat ${n % 30}`, startsAt },
      validFrom: startsAt - 3600,
      validUntil: startsAt + 3 * 3600,
    },
    signed ? { keyId: 1, privateKey } : undefined,
  );
}
