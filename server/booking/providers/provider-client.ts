// Calls to verification servers. Each registered provider gets its own undici
// connection pool (keep-alive), and every call is signed with that provider's
// secret over the exact path+query and body bytes sent (DESIGN.md). undici,
// not axios: axios's config merging and adapter were a quarter of the booking
// server's CPU per relayed scan.
// Failures come back as two kinds: ProviderUnavailable (down, slow, 5xx,
// nonsense, or our signature refused — worth retrying) and ProviderRefusal
// (a definite 4xx answer about the request itself — never retried).
import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import type { z } from 'zod';
import {
  codesResponse,
  redemptionsResponse,
  revokeResponse,
  seatsResponse,
  showsResponse,
  type CodesRequest,
  type RedemptionsRequest,
  type VerifyRequest,
} from '../../../protocol/provider-api.js';
import { computeSignature, SIGNATURE_HEADER } from '../../../protocol/signature.js';
import { verdictSchema } from '../../../protocol/verdict.js';
import { HttpError, notFound } from '../../common/errors.js';

export interface ProviderRecord {
  providerId: string;
  name: string;
  verifyUrl: string;
  /** the shared HMAC secret: never logged, never answered */
  secret: string;
  /** false: one /v1/verify per scan, never a batch (default true) */
  batchScans?: boolean;
}

export class ProviderUnavailable extends Error {
  constructor(
    readonly providerId: string,
    readonly detail: string,
  ) {
    super(`provider ${providerId} unavailable: ${detail}`);
  }
}

export class ProviderRefusal extends Error {
  constructor(
    readonly providerId: string,
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export type CallOutcome = 'ok' | 'refused' | 'unavailable';
export interface ClientHooks {
  /** one observation per call, for metrics */
  observe?(op: string, outcome: CallOutcome, seconds: number): void;
  /** a call failed for a reason worth an operator's attention */
  warn?(providerId: string, op: string, detail: string): void;
}

/** Timeouts per kind of call, in ms. */
export interface ProviderTimeouts {
  catalogue: number;
  verify: number;
  issue: number;
}
export const DEFAULT_TIMEOUTS: ProviderTimeouts = { catalogue: 1500, verify: 1500, issue: 5000 };

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

// Nonces come from a pool of random bytes drawn 4 KiB at a time: one
// randomBytes call per request was a visible share of a relayed scan's CPU.
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;
function nonce(): string {
  if (nonceOffset + 16 > noncePool.length) {
    noncePool = randomBytes(4096);
    nonceOffset = 0;
  }
  const n = noncePool.toString('hex', nonceOffset, nonceOffset + 16);
  nonceOffset += 16;
  return n;
}

/** The Gatepost-Signature header for one call (as protocol/signature.ts signRequest, with a pooled nonce). */
function signature(secret: string, method: string, path: string, body: string): string {
  const t = Math.floor(Date.now() / 1000);
  const n = nonce();
  return `t=${t},n=${n},v1=${computeSignature(secret, t, n, method, path, body)}`;
}

export class ProviderClient {
  private readonly pool: Pool;
  private readonly prefix: string;
  private unanswered = 0;

  constructor(
    readonly record: ProviderRecord,
    private readonly timeouts: ProviderTimeouts = DEFAULT_TIMEOUTS,
    private readonly hooks: ClientHooks = {},
  ) {
    const url = new URL(record.verifyUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    // No redirects are followed (undici's request never does); every status is ours to interpret.
    this.pool = new Pool(url.origin, {
      connections: 128,
      keepAliveTimeout: 10_000,
      maxResponseSize: MAX_RESPONSE_BYTES,
      // The per-call abort below is the hard cap; these only bound a stalled socket.
      connectTimeout: Math.max(timeouts.catalogue, timeouts.verify, timeouts.issue),
      headersTimeout: Math.max(timeouts.catalogue, timeouts.verify, timeouts.issue),
      bodyTimeout: Math.max(timeouts.catalogue, timeouts.verify, timeouts.issue),
    });
  }

  get providerId(): string {
    return this.record.providerId;
  }

  /** How many calls came back unavailable so far: the catalogue cache stops serving a list fetched before one (show-cache.ts). */
  get unavailableCalls(): number {
    return this.unanswered;
  }

  shows(timeoutMs = this.timeouts.catalogue) {
    return this.call('shows', 'GET', '/v1/shows', undefined, showsResponse, timeoutMs);
  }

  seats(showId: string) {
    return this.call('seats', 'GET', `/v1/shows/${encodeURIComponent(showId)}/seats`, undefined, seatsResponse, this.timeouts.catalogue);
  }

  codes(req: CodesRequest) {
    return this.call('codes', 'POST', '/v1/codes', req, codesResponse, this.timeouts.issue);
  }

  /** How long a verify may take before the scan is answered provider_unavailable. */
  get verifyTimeoutMs(): number {
    return this.timeouts.verify;
  }

  verify(req: VerifyRequest, timeoutMs = this.timeouts.verify) {
    return this.call('verify', 'POST', '/v1/verify', req, verdictSchema, timeoutMs);
  }

  redemptions(req: RedemptionsRequest) {
    return this.call('redemptions', 'POST', '/v1/redemptions', req, redemptionsResponse, this.timeouts.issue);
  }

  /** Several online scans in one call (verify-coalescer.ts): the batch redemption, bounded like a verify. */
  verifyMany(req: RedemptionsRequest) {
    return this.call('verify_batch', 'POST', '/v1/redemptions', req, redemptionsResponse, this.timeouts.verify);
  }

  revoke(providerTicketId: string) {
    return this.call('revoke', 'POST', `/v1/tickets/${encodeURIComponent(providerTicketId)}/revoke`, undefined, revokeResponse, this.timeouts.issue);
  }

  close(): void {
    void this.pool.destroy().catch(() => undefined);
  }

  private async call<S extends z.ZodType>(
    op: string,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: S,
    timeoutMs: number,
  ): Promise<z.infer<S>> {
    const started = performance.now();
    const fullPath = this.prefix + path;
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-encoding': 'identity',
      [SIGNATURE_HEADER]: signature(this.record.secret, method, fullPath, text),
    };
    // Without a body, no content type at all (the provider refuses a body type it does not read).
    if (text) headers['content-type'] = 'application/json';
    // One abort caps the whole call, connect to last body byte. (A controller
    // and a cleared timer: AbortSignal.timeout would leave one live timer per
    // call behind at gate rates.)
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let res: { status: number; data: string };
    try {
      const r = await this.pool.request({ method, path: fullPath, body: text || undefined, headers, signal: abort.signal });
      res = { status: r.statusCode, data: await r.body.text() };
    } catch (err) {
      const e = err as { code?: string; name?: string };
      throw this.unavailable(op, started, abort.signal.aborted || e.code === 'UND_ERR_ABORTED' ? `no answer within ${timeoutMs} ms` : (e.code ?? e.name ?? 'request failed'));
    } finally {
      clearTimeout(timer);
    }
    let json: unknown;
    try {
      json = JSON.parse(res.data);
    } catch {
      json = undefined;
    }
    if (res.status === 401) throw this.unavailable(op, started, 'the provider refused our signature: is the registered secret right?');
    // A route the provider does not have is a definite answer, whatever page comes with it.
    const noRoute = res.status === 404 || res.status === 405;
    if (res.status >= 500 || (json === undefined && !noRoute)) throw this.unavailable(op, started, `answered ${res.status}`);
    if (res.status >= 400) {
      this.done(op, started, 'refused');
      const e = (json ?? {}) as { error?: unknown; message?: unknown };
      throw new ProviderRefusal(
        this.providerId,
        res.status,
        typeof e.error === 'string' ? e.error : 'provider_refused',
        typeof e.message === 'string' ? e.message.slice(0, 300) : `provider answered ${res.status}`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw this.unavailable(op, started, `answered ${op} with a body that does not match the provider API`);
    this.done(op, started, 'ok');
    return parsed.data;
  }

  // Methods, not closures made per call: this runs for every relayed scan.
  private done(op: string, started: number, outcome: CallOutcome): void {
    this.hooks.observe?.(op, outcome, (performance.now() - started) / 1000);
  }

  private unavailable(op: string, started: number, detail: string): ProviderUnavailable {
    this.unanswered++;
    this.done(op, started, 'unavailable');
    this.hooks.warn?.(this.providerId, op, detail);
    return new ProviderUnavailable(this.providerId, detail);
  }
}

/** A provider failure as this server's answer: its refusal passed on, or 503. */
export function providerError(err: unknown): unknown {
  if (err instanceof ProviderUnavailable) return new HttpError(503, 'provider_unavailable', 'the provider is not answering: try again shortly');
  if (err instanceof ProviderRefusal) {
    if (err.reason === 'unknown_show') return notFound('unknown_show', err.message);
    return new HttpError(err.status >= 400 && err.status < 500 ? err.status : 502, 'provider_refused', err.message);
  }
  return err;
}
