// The booking server's signature on every call to a verification server:
//   Gatepost-Signature: t=<unix s>,n=<32 hex nonce>,v1=<hex HMAC-SHA256(secret, t.n.METHOD.path.body)>
// The provider refuses it outside ±300 s or when the nonce was already seen.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'gatepost-signature';
export const SIGNATURE_TOLERANCE_S = 300;

export interface SignatureParts {
  t: number;
  n: string;
  v1: string;
}

export function signatureBase(t: number, nonce: string, method: string, path: string, body: string): string {
  return `${t}.${nonce}.${method.toUpperCase()}.${path}.${body}`;
}

export function computeSignature(secret: string, t: number, nonce: string, method: string, path: string, body: string): string {
  return createHmac('sha256', secret).update(signatureBase(t, nonce, method, path, body)).digest('hex');
}

/** The header value for one request; a fresh 128-bit nonce every call. */
export function signRequest(secret: string, method: string, path: string, body: string, nowS = Math.floor(Date.now() / 1000)): string {
  const nonce = randomBytes(16).toString('hex');
  return `t=${nowS},n=${nonce},v1=${computeSignature(secret, nowS, nonce, method, path, body)}`;
}

export function parseSignatureHeader(value: unknown): SignatureParts | null {
  if (typeof value !== 'string' || value.length > 300) return null;
  const parts = new Map<string, string>();
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) return null;
    parts.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  const t = parts.get('t');
  const n = parts.get('n');
  const v1 = parts.get('v1');
  if (!t || !/^\d{1,12}$/.test(t) || !n || !/^[0-9a-f]{32}$/.test(n) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return null;
  return { t: Number(t), n, v1 };
}

export type SignatureCheck =
  | { ok: true; parts: SignatureParts }
  | { ok: false; reason: 'bad_signature_header' | 'signature_mismatch' | 'signature_expired' };

/** Checks header and freshness; replay (nonce reuse) is the caller's to check, since it needs memory. */
export function checkSignature(
  secret: string,
  header: unknown,
  method: string,
  path: string,
  body: string,
  nowS = Math.floor(Date.now() / 1000),
): SignatureCheck {
  const parts = parseSignatureHeader(header);
  if (!parts) return { ok: false, reason: 'bad_signature_header' };
  const expected = Buffer.from(computeSignature(secret, parts.t, parts.n, method, path, body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'))) return { ok: false, reason: 'signature_mismatch' };
  if (Math.abs(nowS - parts.t) > SIGNATURE_TOLERANCE_S) return { ok: false, reason: 'signature_expired' };
  return { ok: true, parts };
}
