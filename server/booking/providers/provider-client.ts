// Calls to verification servers. Each registered provider gets its own undici
// connection pool (keep-alive) per instance; several instances of one
// verification server on one database share the calls (instance-rotation.ts,
// RELAY.md "Several instances"). Every call is signed with that provider's
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
  annulResponse,
  codesResponse,
  managedShowSchema,
  programmeResponse,
  showCancelResponse,
  redemptionsResponse,
  revokeResponse,
  seatsResponse,
  showsResponse,
  type AnnulRequest,
  type CodesRequest,
  type ShowCreateRequest,
  type ShowUpdateRequest,
  type RedemptionsRequest,
  type VerifyRequest,
} from '../../../protocol/provider-api.js';
import { computeSignature, SIGNATURE_HEADER } from '../../../protocol/signature.js';
import { verdictSchema } from '../../../protocol/verdict.js';
import { HttpError, notFound } from '../../common/errors.js';
import type { CallOutcome, ClientHooks, ProviderFailure } from './call-hooks.js';
import { InstanceRotation, type Instance } from './instance-rotation.js';
import { heavyWork } from '../../common/turn-queue.js';

export interface ProviderRecord {
  providerId: string;
  name: string;
  /** the first instance's base URL */
  verifyUrl: string;
  /** every instance's base URL (instances of one verification server on one database); absent: verifyUrl alone */
  verifyUrls?: string[];
  /** the shared HMAC secret: never logged, never answered */
  secret: string;
  /** false: one /v1/verify per scan, never a batch (default true) */
  batchScans?: boolean;
  /** the venue's IANA time zone; null or absent: the booking server's (venue-zone.ts) */
  timeZone?: string | null;
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

/** Every instance's base URL of a provider record. */
export function instanceUrls(record: ProviderRecord): string[] {
  return record.verifyUrls && record.verifyUrls.length > 0 ? record.verifyUrls : [record.verifyUrl];
}

/** Below this much left of a call's time, it is not tried on another instance. */
const RETRY_MIN_MS = 50;

/** Which calls may go again to another instance: each is idempotent at the provider. */
const RETRIED = new Set([
  'shows', // reads
  'seats',
  'verify', // by scanId: a retried scan gets its first verdict
  'verify_batch', // by each item's scanId
  'redemptions',
  'codes', // by orderRef: the same order gets the same codes (ordering/orders.ts)
  'revoke', // revoking a revoked ticket answers its revocation
  'annul', // by scanId: a repeated annulment gets the first one's answer
]);

/** Timeouts per kind of call, in ms. */
export interface ProviderTimeouts {
  catalogue: number;
  verify: number;
  issue: number;
}
export const DEFAULT_TIMEOUTS: ProviderTimeouts = { catalogue: 1500, verify: 1500, issue: 5000 };

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Answers longer than this are parsed one per turn of the event loop (a verdict is a few hundred). */
const LARGE_ANSWER_CHARS = 64 * 1024;

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
  private readonly rotation: InstanceRotation;
  private unanswered = 0;

  constructor(
    readonly record: ProviderRecord,
    private readonly timeouts: ProviderTimeouts = DEFAULT_TIMEOUTS,
    private readonly hooks: ClientHooks = {},
  ) {
    const instances = instanceUrls(record).map((u): Instance => {
      const url = new URL(u);
      // No redirects are followed (undici's request never does); every status is ours to interpret.
      const pool = new Pool(url.origin, {
        connections: 128,
        keepAliveTimeout: 10_000,
        maxResponseSize: MAX_RESPONSE_BYTES,
        // The per-call abort below is the hard cap; these only bound a stalled socket.
        connectTimeout: Math.max(timeouts.catalogue, timeouts.verify, timeouts.issue),
        headersTimeout: Math.max(timeouts.catalogue, timeouts.verify, timeouts.issue),
        bodyTimeout: Math.max(timeouts.catalogue, timeouts.verify, timeouts.issue),
      });
      return { url: u, prefix: url.pathname.replace(/\/+$/, ''), pool, failures: 0, outUntil: 0, probing: false };
    });
    this.rotation = new InstanceRotation(instances, {
      changed: (url, up) => hooks.instance?.(record.providerId, url, up),
      takenOut: (url, outMs, detail) => hooks.warn?.(record.providerId, 'instance', `${url} taken out for ${outMs / 1000} s: ${detail}`),
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

  /** `unusedOnly`: refused with a `ticket_used` ProviderRefusal when a gate already admitted it (a cancellation) */
  revoke(providerTicketId: string, { unusedOnly = false } = {}) {
    const path = `/v1/tickets/${encodeURIComponent(providerTicketId)}/revoke${unusedOnly ? '?unused=true' : ''}`;
    return this.call('revoke', 'POST', path, undefined, revokeResponse, this.timeouts.issue);
  }

  /** Undoes an admission (the holder did not pass); a refusal comes back as ProviderRefusal 409 `not_annullable`. */
  annul(req: AnnulRequest) {
    return this.call('annul', 'POST', '/v1/annulments', req, annulResponse, this.timeouts.verify);
  }

  /** The programme as staff manage it: cancelled shows too, with seats sold; `endsAfter`: only those ending after it. */
  programme(endsAfter?: number) {
    const query = endsAfter === undefined ? '' : `?endsAfter=${endsAfter}`;
    return this.call('programme', 'GET', `/v1/programme${query}`, undefined, programmeResponse, this.timeouts.catalogue);
  }

  /** Creates a show and its seats; the same showId and body again answers the same show. */
  createShow(req: ShowCreateRequest) {
    return this.call('show_create', 'POST', '/v1/shows', req, managedShowSchema, this.timeouts.issue);
  }

  updateShow(showId: string, req: ShowUpdateRequest) {
    return this.call('show_update', 'PATCH', `/v1/shows/${encodeURIComponent(showId)}`, req, managedShowSchema, this.timeouts.issue);
  }

  /** Stops the show's sales; answers its tickets (the same list when asked again). */
  cancelShow(showId: string) {
    return this.call('show_cancel', 'POST', `/v1/shows/${encodeURIComponent(showId)}/cancel`, undefined, showCancelResponse, this.timeouts.issue);
  }

  close(): void {
    for (const i of this.rotation.instances) void i.pool.destroy().catch(() => undefined);
  }

  /** Each instance's URL and whether it is taken out now (for tests and operators). */
  instanceHealth(): { url: string; out: boolean; failures: number }[] {
    return this.rotation.health(performance.now());
  }

  /**
   * One call, on one instance or — when that one does not answer (connection
   * error, timeout, 5xx) and the call is idempotent at the provider — on
   * another, within the call's one timeout: an attempt with another instance
   * still to try gets 60 % of what is left, so a hung instance leaves time for
   * the next one.
   */
  private async call<S extends z.ZodType>(
    op: string,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body: unknown,
    schema: S,
    timeoutMs: number,
  ): Promise<z.infer<S>> {
    const started = performance.now();
    const deadline = started + timeoutMs;
    const text = body === undefined ? '' : JSON.stringify(body);
    const retried = this.rotation.size > 1 && RETRIED.has(op);
    let tried: Instance[] | undefined;
    for (;;) {
      const now = performance.now();
      const instance = this.rotation.pick(tried, now)!;
      (tried ??= []).push(instance);
      const left = deadline - now;
      const another = retried && tried.length < this.rotation.size;
      const attemptMs = another ? Math.max(RETRY_MIN_MS, Math.floor(left * 0.6)) : Math.max(1, Math.ceil(left));
      const outcome = await this.attempt(instance, op, method, path, text, schema, attemptMs, started);
      if (!('down' in outcome)) return outcome.value;
      this.rotation.failed(instance, performance.now(), outcome.down.detail);
      if (!another || deadline - performance.now() < RETRY_MIN_MS) throw this.unavailable(op, started, outcome.down);
      this.hooks.failover?.(op);
    }
  }

  /** One attempt on one instance: its answer, or why the instance did not answer (`down`). Other failures are thrown. */
  private async attempt<S extends z.ZodType>(
    instance: Instance,
    op: string,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    text: string,
    schema: S,
    timeoutMs: number,
    started: number,
  ): Promise<{ value: z.infer<S> } | { down: ProviderFailure }> {
    const fullPath = instance.prefix + path;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-encoding': 'identity',
      // Signed again for each attempt: a nonce is used once, also across instances on one database.
      [SIGNATURE_HEADER]: signature(this.record.secret, method, fullPath, text),
    };
    // Without a body, no content type at all (the provider refuses a body type it does not read).
    if (text) headers['content-type'] = 'application/json';
    // One abort caps the whole attempt, connect to last body byte. (A controller
    // and a cleared timer: AbortSignal.timeout would leave one live timer per
    // call behind at gate rates.)
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let res: { status: number; data: string };
    try {
      const r = await instance.pool.request({ method, path: fullPath, body: text || undefined, headers, signal: abort.signal });
      res = { status: r.statusCode, data: await r.body.text() };
    } catch (err) {
      const e = err as { code?: string; name?: string };
      const down: ProviderFailure =
        abort.signal.aborted || e.code === 'UND_ERR_ABORTED'
          ? { reason: 'timeout', detail: `no answer within ${timeoutMs} ms` }
          : { reason: 'unreachable', detail: e.code ?? e.name ?? 'request failed' };
      return { down };
    } finally {
      clearTimeout(timer);
    }
    if (res.status >= 500) return { down: { reason: 'server_error', detail: `answered ${res.status}` } };
    this.rotation.answered(instance);
    // A large answer (a venue's programme) is read in a turn of its own: a platform's venues answer together.
    if (res.data.length > LARGE_ANSWER_CHARS) await heavyWork.next();
    let json: unknown;
    try {
      json = JSON.parse(res.data);
    } catch {
      json = undefined;
    }
    if (res.status === 401) throw this.unavailable(op, started, { reason: 'signature_refused', detail: 'the provider refused our signature: is the registered secret right?' });
    // A route the provider does not have is a definite answer, whatever page comes with it.
    const noRoute = res.status === 404 || res.status === 405;
    if (json === undefined && !noRoute) throw this.unavailable(op, started, { reason: 'bad_answer', detail: `answered ${res.status}` });
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
    if (!parsed.success) throw this.unavailable(op, started, { reason: 'bad_answer', detail: `answered ${op} with a body that does not match the provider API` });
    this.done(op, started, 'ok');
    return { value: parsed.data };
  }

  // Methods, not closures made per call: this runs for every relayed scan.
  private done(op: string, started: number, outcome: CallOutcome, failure?: ProviderFailure): void {
    this.hooks.observe?.(op, outcome, (performance.now() - started) / 1000, this.providerId, failure);
  }

  private unavailable(op: string, started: number, failure: ProviderFailure): ProviderUnavailable {
    this.unanswered++;
    this.done(op, started, 'unavailable', failure);
    this.hooks.warn?.(this.providerId, op, failure.detail);
    return new ProviderUnavailable(this.providerId, failure.detail);
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
