// Every request but /healthz must carry the booking server's signature over
// the exact bytes sent (DESIGN.md). A missing, wrong, stale or replayed
// signature is refused with 401 before the body is even parsed, so nothing
// unauthenticated can change state. The secret itself is never logged.
// During a secret change a previous secret is accepted too, so the booking
// server can switch to the new one without a moment of refused scans.
import type { FastifyRequest } from 'fastify';
import { checkSignature, NonceCache, SIGNATURE_HEADER } from '../../protocol/signature.js';
import { unauthorized } from '../common/errors.js';

const OPEN_PATHS = new Set(['/healthz']);

const MESSAGES = {
  bad_signature_header: 'missing or malformed Gatepost-Signature header',
  signature_mismatch: 'the signature does not match this request',
  signature_expired: 'the signature is more than 300 s from this server’s clock',
  signature_replayed: 'this request was already received once',
} as const;

export function signatureAuth(secret: string, now: () => number, previousSecret?: string) {
  const nonces = new NonceCache();
  return (req: FastifyRequest): void => {
    const path = req.url;
    if (OPEN_PATHS.has(path.split('?')[0]!)) return;
    const body = req.rawBody ?? '';
    const nowS = now();
    let check = checkSignature(secret, req.headers[SIGNATURE_HEADER], req.method, path, body, nowS);
    if (!check.ok && check.reason === 'signature_mismatch' && previousSecret) {
      check = checkSignature(previousSecret, req.headers[SIGNATURE_HEADER], req.method, path, body, nowS);
    }
    if (!check.ok) throw unauthorized(check.reason, MESSAGES[check.reason]);
    if (!nonces.claim(check.parts.n, nowS)) throw unauthorized('signature_replayed', MESSAGES.signature_replayed);
  };
}
