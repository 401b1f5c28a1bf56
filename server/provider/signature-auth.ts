// Every request but /healthz must carry the booking server's signature over
// the exact bytes sent (DESIGN.md). A missing, wrong, stale or replayed
// signature is refused with 401 before the body is even parsed, so nothing
// unauthenticated can change state. The secret itself is never logged.
// During a secret change a previous secret is accepted too, so the booking
// server can switch to the new one without a moment of refused scans.
// The nonces seen are held in a window of bounded size: when it is full, a new
// request is refused with 503 rather than remembered (see replay-window.ts).
// On PostgreSQL the processes sharing the database share the window too: a
// nonce new to this process is then claimed in the database, in batches
// (shared-nonces.ts), and refused as a replay if another process had it.
// A route whose own statement can claim the nonce (POST /v1/verify: the
// admission statement, admission-batch.ts) is left to do so, which saves the
// verify path a round trip and a commit.
import type { FastifyRequest } from 'fastify';
import { checkSignature, SIGNATURE_HEADER } from '../../protocol/signature.js';
import { unauthorized, unavailable } from '../common/errors.js';
import { DEFAULT_REPLAY_CAP, ReplayWindow } from './replay-window.js';
import type { SharedNonces } from './shared-nonces.js';

const OPEN_PATHS = new Set(['/healthz']);

declare module 'fastify' {
  interface FastifyRequest {
    /** PostgreSQL: this request's nonce, new to this process, for the route to claim in the shared window in its own statement */
    unclaimedNonce?: { nonce: string; t: number };
  }
}

const MESSAGES = {
  bad_signature_header: 'missing or malformed Gatepost-Signature header',
  signature_mismatch: 'the signature does not match this request',
  signature_expired: 'the signature is more than 300 s from this server’s clock',
  signature_replayed: 'this request was already received once',
  replay_window_full: 'this server holds as many recent requests as it may; retry later',
} as const;

export interface SignatureAuthOptions {
  /** while the booking server changes secrets: the old one, still accepted */
  previousSecret?: string;
  /** nonces held at most (see replay-window.ts) */
  replayCap?: number;
  /** called when a request is first refused because the window is full, and not again until one is accepted */
  onFull?: (held: number) => void;
}

/** The 401 of a request whose nonce was seen before, here or by another process. */
export const replayed = () => unauthorized('signature_replayed', MESSAGES.signature_replayed);

export function signatureAuth(secret: string, now: () => number, opts: SignatureAuthOptions = {}) {
  const nonces = new ReplayWindow({ cap: opts.replayCap ?? DEFAULT_REPLAY_CAP });
  let full = false;
  /** PostgreSQL: the window every process on the database shares, set once it is open */
  let shared: SharedNonces | undefined;
  /** `METHOD /path` of the routes that claim the nonce themselves */
  let claimedByRoute: ReadonlySet<string> = new Set();
  const authenticate = (req: FastifyRequest): void | Promise<void> => {
    const path = req.url;
    if (OPEN_PATHS.has(path.split('?')[0]!)) return;
    const body = req.rawBody ?? '';
    const nowS = now();
    let check = checkSignature(secret, req.headers[SIGNATURE_HEADER], req.method, path, body, nowS);
    if (!check.ok && check.reason === 'signature_mismatch' && opts.previousSecret) {
      check = checkSignature(opts.previousSecret, req.headers[SIGNATURE_HEADER], req.method, path, body, nowS);
    }
    if (!check.ok) throw unauthorized(check.reason, MESSAGES[check.reason]);
    const claim = nonces.claim(check.parts.n, check.parts.t, nowS);
    if (claim === 'replayed') throw replayed();
    if (claim === 'full') {
      if (!full) opts.onFull?.(nonces.size);
      full = true;
      throw unavailable('replay_window_full', MESSAGES.replay_window_full, nonces.retryAfterS(nowS));
    }
    full = false;
    if (shared) {
      if (claimedByRoute.has(`${req.method} ${path}`)) {
        req.unclaimedNonce = { nonce: check.parts.n, t: check.parts.t };
        return;
      }
      return shared.claim(check.parts.n, check.parts.t).then((fresh) => {
        if (!fresh) throw replayed();
      });
    }
  };
  return Object.assign(authenticate, {
    nonces,
    /** `routes` (`POST /v1/verify`) claim the nonce of `req.unclaimedNonce` in the window themselves. */
    share(store: SharedNonces, routes: readonly string[] = []) {
      shared = store;
      claimedByRoute = new Set(routes);
    },
  });
}
