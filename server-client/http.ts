// The station's HTTP client of the booking server (axios, one keep-alive
// connection pool). A scan has a hard deadline (1.5 s by default): within it, a
// request that failed before reaching the server (a reset keep-alive socket, a
// refused connection) is sent again with the same scanId, which the server
// answers with the first verdict, so a retry never redeems twice. After the
// deadline the caller's offline policy decides.
import http from 'node:http';
import https from 'node:https';
import type { AxiosInstance, AxiosResponse } from 'axios';
import {
  annulmentResponse,
  enrollResponse,
  heartbeatResponse,
  journalResponse,
  offlineBundleResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type JournalRequest,
  type OfflineBundle,
  type ScanRequest,
} from '../protocol/booking-api.js';
import { scanVerdictSchema, type ScanVerdict } from '../protocol/verdict.js';
import { ServerClock } from './server-clock.js';

export type ScanOutcome =
  | { kind: 'verdict'; verdict: ScanVerdict; attempts: number }
  /** no answer in time, no connection, a 5xx, or an answer that is not a verdict */
  | { kind: 'unreachable'; detail: string; attempts: number }
  /** the server answered and refused the request itself (token revoked, wrong provider) */
  | { kind: 'refused'; status: number; error: string; message: string };

export type EnrollOutcome =
  | { ok: true; token: string; stationId: string; providerId: string; gate: string }
  | { ok: false; error: string; message: string };

/** An annulment's outcome: `error` is the server's reason (`not_your_scan`, `annul_window_passed`, `not_annullable`, `provider_unavailable`…) or `unreachable`. */
export type AnnulOutcome = { ok: true; annulledAt: number } | { ok: false; error: string; message: string };

export class ServerUnavailable extends Error {}
export class ServerRefused extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export interface BookingClientOptions {
  baseUrl: string;
  /** the station token; null before enrollment */
  token: string | null;
  /** deadline of one scan, retries included */
  timeoutMs?: number;
  /** deadline of background calls (bundle, journal) */
  backgroundTimeoutMs?: number;
  /** learns the server's time from its answers (a new one when not given) */
  clock?: ServerClock;
}

const RETRY_BACKOFF_MS = [0, 50, 150];
/** An attendant waits on an annulment: the server's relay gives up on the provider well before this. */
const ANNUL_TIMEOUT_MS = 5000;
const RETRYABLE = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

export class BookingClient {
  readonly baseUrl: string;
  readonly clock: ServerClock;
  private instance: Promise<AxiosInstance> | null = null;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly backgroundTimeoutMs: number;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(options: BookingClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? new ServerClock();
    this.timeoutMs = options.timeoutMs ?? 1500;
    this.backgroundTimeoutMs = options.backgroundTimeoutMs ?? 10_000;
    // Keep-alive saves a TCP (and TLS) handshake per scan; Nagle off for small requests.
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: 8, noDelay: true }),
      https: new https.Agent({ keepAlive: true, maxSockets: 8, noDelay: true }),
    };
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.token) this.headers.authorization = `Bearer ${options.token}`;
  }

  /**
   * axios is loaded on first use, not at import: it is a good part of the
   * station's start-up time, and the screen should be up before it is needed.
   */
  private client(): Promise<AxiosInstance> {
    this.instance ??= import('axios').then(({ default: axios }) => {
      const instance = axios.create({
        baseURL: this.baseUrl,
        headers: this.headers,
        httpAgent: this.agents.http,
        httpsAgent: this.agents.https,
        // Every status is an answer we interpret ourselves.
        validateStatus: () => true,
        maxRedirects: 0,
        // A verdict is tiny; anything large is not from a booking server.
        maxContentLength: 8 * 1024 * 1024,
        proxy: false,
      });
      instance.interceptors.response.use((res) => {
        if (res.status >= 200 && res.status < 300) this.clock.observe(res.headers.date, this.clock.local());
        return res;
      });
      return instance;
    });
    return this.instance;
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  async scan(req: ScanRequest): Promise<ScanOutcome> {
    const client = await this.client();
    const deadline = Date.now() + this.timeoutMs;
    let attempts = 0;
    let detail = 'no attempt';
    for (const backoff of RETRY_BACKOFF_MS) {
      if (backoff > 0) await delay(backoff);
      const remaining = deadline - Date.now();
      if (remaining <= 10) break;
      attempts++;
      let res: AxiosResponse<unknown>;
      try {
        res = await client.post('/api/v1/station/scan', req, { signal: AbortSignal.timeout(remaining), timeout: remaining });
      } catch (err) {
        const code = errorCode(err);
        detail = describe(err);
        if (code && RETRYABLE.has(code) && !isTimeout(err)) continue;
        return { kind: 'unreachable', detail, attempts };
      }
      if (res.status === 200) {
        const parsed = scanVerdictSchema.safeParse(res.data);
        if (parsed.success) return { kind: 'verdict', verdict: parsed.data, attempts };
        return { kind: 'unreachable', detail: 'the server answered something that is not a verdict', attempts };
      }
      if (res.status >= 500) {
        detail = `HTTP ${res.status}`;
        // 502/503/504: a proxy or a restarting server; the same scanId may be retried.
        if (res.status === 502 || res.status === 503 || res.status === 504) continue;
        return { kind: 'unreachable', detail, attempts };
      }
      const body = errorBody(res.data);
      return { kind: 'refused', status: res.status, error: body.error, message: body.message };
    }
    return { kind: 'unreachable', detail: Date.now() >= deadline - 10 ? `no answer within ${this.timeoutMs} ms (${detail})` : detail, attempts };
  }

  async enroll(enrollment: string): Promise<EnrollOutcome> {
    let res: AxiosResponse<unknown>;
    const client = await this.client();
    try {
      res = await client.post('/api/v1/station/enroll', { enrollment }, { timeout: this.backgroundTimeoutMs, headers: { authorization: null } });
    } catch (err) {
      return { ok: false, error: 'unreachable', message: `cannot reach ${this.baseUrl}: ${describe(err)}` };
    }
    if (res.status === 200 || res.status === 201) {
      const parsed = enrollResponse.safeParse(res.data);
      if (parsed.success) return { ok: true, ...parsed.data };
      return { ok: false, error: 'bad_answer', message: `${this.baseUrl} did not answer like a Gatepost booking server` };
    }
    const body = errorBody(res.data);
    if (body.error === 'bad_answer' || (res.status === 404 && body.error === 'not_found')) {
      return { ok: false, error: 'bad_answer', message: `${this.baseUrl} is not a Gatepost booking server (HTTP ${res.status})` };
    }
    return { ok: false, error: body.error, message: body.message };
  }

  /** One page of the offline bundle; throws ServerUnavailable or ServerRefused. */
  async offlineBundle(since: string | null): Promise<OfflineBundle> {
    const res = await this.background((client) =>
      client.get('/api/v1/station/offline-bundle', { params: since ? { since } : {}, timeout: this.backgroundTimeoutMs }),
    );
    const parsed = offlineBundleResponse.safeParse(res.data);
    if (!parsed.success) throw new ServerUnavailable('the offline bundle is not in the expected form');
    return parsed.data;
  }

  async uploadJournal(redemptions: JournalRequest['redemptions']): Promise<(ScanVerdict & { scanId: string })[]> {
    const res = await this.background((client) => client.post('/api/v1/station/journal', { redemptions }, { timeout: this.backgroundTimeoutMs }));
    const parsed = journalResponse.safeParse(res.data);
    if (!parsed.success || parsed.data.results.length !== redemptions.length) throw new ServerUnavailable('the journal answer is not in the expected form');
    return parsed.data.results;
  }

  /** Undoes one of this station's admissions (the holder did not pass). */
  async annul(scanId: string): Promise<AnnulOutcome> {
    let res: AxiosResponse<unknown>;
    try {
      res = await this.background((client) => client.post('/api/v1/station/annul', { scanId }, { timeout: ANNUL_TIMEOUT_MS }));
    } catch (err) {
      if (err instanceof ServerRefused) return { ok: false, error: err.error, message: err.message };
      return { ok: false, error: 'unreachable', message: (err as Error).message };
    }
    const parsed = annulmentResponse.safeParse(res.data);
    if (!parsed.success) return { ok: false, error: 'bad_answer', message: 'the server did not answer like a Gatepost booking server' };
    return { ok: true, annulledAt: parsed.data.annulledAt };
  }

  /** The station's report of itself; the answer names the gate the server has for it. Throws ServerUnavailable or ServerRefused. */
  async heartbeat(report: HeartbeatRequest): Promise<HeartbeatResponse> {
    const res = await this.background((client) => client.post('/api/v1/station/heartbeat', report, { timeout: this.backgroundTimeoutMs }));
    const parsed = heartbeatResponse.safeParse(res.data);
    if (!parsed.success) throw new ServerUnavailable('the heartbeat answer is not in the expected form');
    return parsed.data;
  }

  private async background(call: (client: AxiosInstance) => Promise<AxiosResponse<unknown>>): Promise<AxiosResponse<unknown>> {
    let res: AxiosResponse<unknown>;
    const client = await this.client();
    try {
      res = await call(client);
    } catch (err) {
      throw new ServerUnavailable(describe(err));
    }
    if (res.status >= 500) throw new ServerUnavailable(`HTTP ${res.status}: ${errorBody(res.data).message}`);
    if (res.status >= 400) {
      const body = errorBody(res.data);
      throw new ServerRefused(res.status, body.error, body.message);
    }
    return res;
  }
}

function errorBody(data: unknown): { error: string; message: string } {
  if (typeof data === 'object' && data !== null) {
    const d = data as { error?: unknown; message?: unknown };
    if (typeof d.error === 'string') return { error: d.error.slice(0, 100), message: shortened(typeof d.message === 'string' ? d.message : d.error) };
  }
  return { error: 'bad_answer', message: 'the server answered something that is not a Gatepost error' };
}

/** The server's words go to the gate's screen and its log: a line, not a page. */
function shortened(message: string, max = 300): string {
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e.code === 'string') return e.code;
  if (typeof e.cause?.code === 'string') return e.cause.code;
  return undefined;
}

function isTimeout(err: unknown): boolean {
  const e = err as { code?: string; name?: string; message?: string };
  return (e.code === 'ECONNABORTED' && /timeout/i.test(e.message ?? '')) || e.name === 'CanceledError' || e.code === 'ERR_CANCELED' || e.name === 'TimeoutError';
}

function describe(err: unknown): string {
  if (isTimeout(err)) return 'timed out';
  const e = err as { code?: string; message?: string };
  return e.code ? `${e.code}${e.message ? `: ${e.message}` : ''}` : (e.message ?? String(err));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
