// Real GP1 ticket texts, made by the protocol codec the booking server uses, so the
// camera tests read what a gate will actually be shown.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { encodeGp1 } from '../../protocol/gp1.js';

const { privateKey } = generateKeyPairSync('ed25519');

export function gp1Ticket(n: number, signed = true): string {
  const startsAt = 1_790_000_000 + n * 3600;
  return encodeGp1(
    {
      providerId: `prv_${(1000 + n).toString(36)}`,
      code: randomBytes(16).toString('hex'),
      info: { title: `Night Show ${n}`, venue: 'Riverside Hall', hall: 'Hall 2', seat: `Row ${n % 20} Seat ${n % 30}`, startsAt },
      validFrom: startsAt - 3600,
      validUntil: startsAt + 3 * 3600,
    },
    signed ? { keyId: 1, privateKey } : undefined,
  );
}
