// Calls to verification servers. Each registered provider gets its own axios
// instance and keep-alive agent, and every call is signed with that provider's
// secret over the exact path+query and body bytes sent (DESIGN.md).
// Failures come back as two kinds: ProviderUnavailable (down, slow, 5xx,
// nonsense, or our signature refused — worth retrying) and ProviderRefusal
// (a definite 4xx answer about the request itself — never retried).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { z } from 'zod';
import {
  codesResponse,
  redemptionsResponse,
  revokeResponse,
  seatsResponse,
  showsResponse,
  verdictSchema,
  type CodesRequest,
  type RedemptionsRequest,
  type VerifyRequest,
} from '../../protocol/provider-api.js';
import { computeSignature, SIGNATURE_HEADER } from '../../protocol/signature.js';
import { HttpError, notFound } from '../common/errors.js';

export interface ProviderRecord {
  providerId: string;
  name: string;
  verifyUrl: string;
  /** the shared HMAC secret: never logged, never answered */
  secret: string;
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
  private readonly http: AxiosInstance;
  private readonly origin: string;
  private readonly prefix: string;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(
    readonly record: ProviderRecord,
    private readonly timeouts: ProviderTimeouts = DEFAULT_TIMEOUTS,
    private readonly hooks: ClientHooks = {},
  ) {
    const url = new URL(record.verifyUrl);
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: 128, keepAliveMsecs: 10_000 }),
      https: new https.Agent({ keepAlive: true, maxSockets: 128, keepAliveMsecs: 10_000 }),
    };
    this.http = axios.create({
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      // Every status is ours to interpret; bodies are sent and read as the exact text signed.
      validateStatus: () => true,
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      responseType: 'text',
      maxRedirects: 0,
      maxContentLength: MAX_RESPONSE_BYTES,
      proxy: false,
      adapter: 'http',
    });
  }

  get providerId(): string {
    return this.record.providerId;
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

  verify(req: VerifyRequest) {
    return this.call('verify', 'POST', '/v1/verify', req, verdictSchema, this.timeouts.verify);
  }

  redemptions(req: RedemptionsRequest) {
    return this.call('redemptions', 'POST', '/v1/redemptions', req, redemptionsResponse, this.timeouts.issue);
  }

  revoke(providerTicketId: string) {
    return this.call('revoke', 'POST', `/v1/tickets/${encodeURIComponent(providerTicketId)}/revoke`, undefined, revokeResponse, this.timeouts.issue);
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
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
    const headers: Record<string, string | false> = {
      accept: 'application/json',
      'accept-encoding': 'identity',
      [SIGNATURE_HEADER]: signature(this.record.secret, method, fullPath, text),
      // Without a body, no content type at all (axios would otherwise send a form type the provider refuses).
      'content-type': text ? 'application/json' : false,
    };
    const done = (outcome: CallOutcome) => this.hooks.observe?.(op, outcome, (performance.now() - started) / 1000);
    const unavailable = (detail: string, warn = false) => {
      done('unavailable');
      if (warn) this.hooks.warn?.(this.providerId, op, detail);
      return new ProviderUnavailable(this.providerId, detail);
    };

    // axios's timeout is per socket inactivity; the abort caps the whole call.
    // (A controller and a cleared timer: AbortSignal.timeout would leave one
    // live timer per call behind at gate rates.)
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let res;
    try {
      res = await this.http.request<string>({ method, url: this.origin + fullPath, data: text || undefined, headers, timeout: timeoutMs, signal: abort.signal });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw unavailable(e.code === 'ERR_CANCELED' || e.code === 'ECONNABORTED' ? `no answer within ${timeoutMs} ms` : (e.code ?? 'request failed'), true);
    } finally {
      clearTimeout(timer);
    }
    let json: unknown;
    try {
      json = JSON.parse(res.data);
    } catch {
      json = undefined;
    }
    if (res.status === 401) throw unavailable('the provider refused our signature: is the registered secret right?', true);
    if (res.status >= 500 || json === undefined) throw unavailable(`answered ${res.status}`, true);
    if (res.status >= 400) {
      done('refused');
      const e = json as { error?: unknown; message?: unknown };
      throw new ProviderRefusal(
        this.providerId,
        res.status,
        typeof e.error === 'string' ? e.error : 'provider_refused',
        typeof e.message === 'string' ? e.message.slice(0, 300) : `provider answered ${res.status}`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw unavailable(`answered ${op} with a body that does not match the provider API`, true);
    done('ok');
    return parsed.data;
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
