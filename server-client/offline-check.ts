// The offline decision for policy `signed`: a GP1 ticket is admitted when its
// signature verifies under a platform key from the bundle, it is for this
// station's provider, it is inside its validity window, it is not revoked, and
// neither the bundle nor this station has seen it redeemed. Everything else is
// refused; a ticket the station cannot judge (a bare code, an unsigned ticket,
// an unknown key, a stale bundle) is "cannot verify", never an admission.
import { verifyDecoded, type Gp1Body, type ScanText } from '../protocol/gp1.js';
import type { OfflineCache } from './offline-cache.js';
import type { DenyReason } from '../protocol/reasons.js';

export type OfflineDecision =
  | { result: 'admitted'; code: string; body: Gp1Body }
  | { result: 'rejected'; reason: DenyReason; body?: Gp1Body; redeemedAt?: number; redeemedGate?: string; detail: string };

export interface OfflineContext {
  cache: OfflineCache;
  providerId: string;
  /** this station's gate name, for "already used here" */
  gate: string;
  nowS: number;
  /** a bundle older than this is not trusted to admit anyone */
  maxBundleAgeS: number;
}

export function decideOffline(scan: ScanText, ctx: OfflineContext): OfflineDecision {
  if (scan.kind === 'malformed') return { result: 'rejected', reason: 'malformed', detail: scan.detail };
  if (scan.kind === 'code') return { result: 'rejected', reason: 'cannot_verify', detail: 'a bare code can only be checked online' };
  const { decoded } = scan;
  const body = decoded.body;
  if (!decoded.signature) return { result: 'rejected', reason: 'cannot_verify', body, detail: 'an unsigned ticket can only be checked online' };
  const { cache } = ctx;
  if (cache.refreshedAt === null || ctx.nowS - cache.refreshedAt > ctx.maxBundleAgeS) {
    return { result: 'rejected', reason: 'cannot_verify', body, detail: 'no recent offline bundle' };
  }
  const verified = verifyDecoded(decoded, (id) => cache.key(id));
  if (!verified.ok) {
    if (verified.reason === 'unknown_key') return { result: 'rejected', reason: 'cannot_verify', body, detail: verified.detail };
    return { result: 'rejected', reason: verified.reason === 'malformed' ? 'malformed' : 'bad_signature', body, detail: verified.detail };
  }
  // From here the body is the platform's word: its fields may be shown and trusted.
  if (body.providerId !== ctx.providerId) return { result: 'rejected', reason: 'wrong_provider', body, detail: `ticket is for ${body.providerId}` };
  if (ctx.nowS < body.validFrom) return { result: 'rejected', reason: 'not_yet_valid', body, detail: 'before its validity' };
  if (ctx.nowS > body.validUntil) return { result: 'rejected', reason: 'expired', body, detail: 'after its validity' };
  if (cache.isRevoked(body.code)) return { result: 'rejected', reason: 'revoked', body, detail: 'revoked' };
  const elsewhere = cache.redeemedElsewhere(body.code);
  if (elsewhere) {
    return { result: 'rejected', reason: 'already_redeemed', body, redeemedAt: elsewhere.at, redeemedGate: elsewhere.gate, detail: 'in the bundle' };
  }
  const here = cache.admittedHere(body.code);
  if (here) return { result: 'rejected', reason: 'already_redeemed', body, redeemedAt: here.at, redeemedGate: ctx.gate, detail: 'admitted here' };
  return { result: 'admitted', code: body.code, body };
}
