// One scan in, one decision out: the server's verdict when it answers within
// the deadline, else the offline policy (`deny`: cannot verify; `signed`: the
// local GP1 check against the offline bundle, journaled). Also keeps the offline
// bundle fresh (every 60 s) and uploads the journal whenever the server answers.
import { randomUUID } from 'node:crypto';
import type { Gp1Body, ScanText } from '../protocol/gp1.js';
import type { Connectivity, ScanVerdict, StationTicket } from '../protocol/verdict.js';
import type { Decision } from './decision.js';
import { BATCH_BODY_BYTES, batchByBytes } from '../protocol/limits.js';
import { BookingClient, ServerRefused, type AnnulOutcome } from './http.js';
import { Journal, type JournalEntry } from './journal.js';
import { decideOffline } from './offline-check.js';
import { OfflineCache } from './offline-cache.js';
import { ServerClock } from './server-clock.js';

export interface LogLike {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface VerifierSettings {
  serverUrl: string;
  /** null until enrolled */
  token: string | null;
  providerId: string;
  gate: string;
  policy: 'deny' | 'signed';
  timeoutMs: number;
}

export interface VerifierOptions {
  dataDir: string;
  log: LogLike;
  bundleRefreshMs?: number;
  /** how often a pending journal is offered to the server again */
  journalRetryMs?: number;
  /** an older bundle admits no one offline */
  maxBundleAgeS?: number;
  /** the first bundle fetch waits this long, so the screen comes up first (ms, default 1000) */
  startDelayMs?: number;
  onConnectivity?: (c: Connectivity) => void;
  onConflicts?: (entries: JournalEntry[]) => void;
  /** offline admissions the server refused to take for good: kept in the journal, never sent again */
  onRefused?: (entries: JournalEntry[]) => void;
  onJournal?: (pending: number) => void;
  /** a complete offline bundle has been fetched */
  onBundle?: (refreshedAt: number) => void;
  /**
   * The server refused the station itself (token revoked or unknown, a provider ID its enrolment
   * does not carry), or a refusal ended (null): a scan got an answer, or the settings changed.
   */
  onRefusal?: (p: StationRefusal | null) => void;
  /** the PC's clock in ms (default Date.now): a test's wrong clock */
  localNow?: () => number;
}

/** What the server said when it refused the station itself. */
export interface StationRefusal {
  error: string;
  message: string;
}

/** A scan that got no verdict keeps its scanId for this long: scanned again, it asks with the same one. */
const UNRESOLVED_MS = 10 * 60_000;
/** At most this many entries in one upload, whatever their size. */
const JOURNAL_BATCH = 500;
/** Answers that refuse the station itself, not the entries it sent. */
const STATION_REFUSED = new Set([401, 403, 404, 405]);

export class ScanVerifier {
  private settings: VerifierSettings | null = null;
  private client: BookingClient | null = null;
  private cache: OfflineCache | null = null;
  readonly journal: Journal;
  /** the server's time as last heard: offline decisions and the journal go by it, not by the PC's clock */
  readonly clock: ServerClock;
  private connectivity: Connectivity = 'unknown';
  private readonly unresolved = new Map<string, { scanId: string; at: number }>();
  private bundleTimer: ReturnType<typeof setInterval> | undefined;
  private journalTimer: ReturnType<typeof setInterval> | undefined;
  private refreshing: Promise<boolean> | null = null;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private uploading: Promise<void> | null = null;
  /** the client the server refused as a station: no upload through it until the settings change or a scan goes through */
  private stationRefused: BookingClient | null = null;
  private refusal: StationRefusal | null = null;

  constructor(private readonly options: VerifierOptions) {
    this.clock = new ServerClock(options.localNow, (skewS, off) =>
      !off
        ? options.log.info({ skewS }, "this PC's clock is within a minute of the server's again")
        : options.log.warn({ skewS }, "this PC's clock is off the server's: offline checks and the journal go by the server's time"),
    );
    this.journal = new Journal(Journal.fileIn(options.dataDir), (err) => options.log.error({ err: err.message }, 'journal write failed'));
  }

  get state(): Connectivity {
    return this.connectivity;
  }

  /** The server's latest refusal of the station itself, until a scan is answered or the settings change. */
  get refused(): StationRefusal | null {
    return this.refusal;
  }

  get offlineCache(): OfflineCache | null {
    return this.cache;
  }

  /** Applies new settings: a new server or token gets a new client; a new server or provider a new bundle. */
  configure(next: VerifierSettings): void {
    const prev = this.settings;
    this.settings = { ...next };
    // New settings deserve a fresh try: the refusal was of the old ones.
    if (prev && (prev.serverUrl !== next.serverUrl || prev.token !== next.token || prev.providerId !== next.providerId)) this.refusedBecause(null);
    const enrolled = next.serverUrl !== '' && next.token !== null;
    if (!prev || prev.serverUrl !== next.serverUrl || prev.token !== next.token || prev.timeoutMs !== next.timeoutMs) {
      this.client?.close();
      this.client = enrolled ? new BookingClient({ baseUrl: next.serverUrl, token: next.token, timeoutMs: next.timeoutMs, clock: this.clock }) : null;
      this.unresolved.clear();
    }
    const scope = scopeOf(next);
    if (!this.cache || this.cache.scope !== scope) {
      this.cache = new OfflineCache(OfflineCache.fileIn(this.options.dataDir), scope, (err) =>
        this.options.log.error({ err: err.message }, 'offline bundle write failed'),
      );
    }
    if (!this.bundleTimer) {
      this.bundleTimer = setInterval(() => void this.refreshBundle(), this.options.bundleRefreshMs ?? 60_000);
      this.journalTimer = setInterval(() => {
        if (this.uploadable().length > 0) void this.uploadJournal();
      }, this.options.journalRetryMs ?? 5000);
      this.bundleTimer.unref?.();
      this.journalTimer.unref?.();
    }
    const first = !prev;
    if (enrolled) {
      const catchUp = () => {
        void this.refreshBundle();
        if (this.uploadable().length > 0) void this.uploadJournal();
      };
      clearTimeout(this.startTimer);
      if (first) this.startTimer = setTimeout(catchUp, this.options.startDelayMs ?? 1000);
      else catchUp();
    } else this.setConnectivity('unknown');
  }

  /** `scan`: the text as read once by the caller (parseScanText); `source`: which reader, for the log. */
  async verify(scan: ScanText, source: string): Promise<Decision> {
    const body = scan.kind === 'gp1' ? scan.decoded.body : undefined;
    const code = scan.kind === 'code' ? scan.code : body?.code;
    const now = this.clock.local();
    const prior = code ? this.unresolved.get(code) : undefined;
    const scanId = prior && now - prior.at < UNRESOLVED_MS ? prior.scanId : randomUUID();
    const settings = this.settings;
    const qr = qrTicket(body);
    const base = { scanId, ...(code ? { code } : {}), ...(qr ? { ticket: qr } : {}) };
    // The server would say the same; asking costs a round trip and counts towards its guessing limit.
    if (scan.kind === 'malformed') return { ...base, result: 'rejected', reason: 'malformed', offline: false, detail: scan.detail };
    if (!settings || !this.client) return { ...base, result: 'rejected', reason: 'cannot_verify', offline: false, cause: 'not_enrolled', detail: 'station not enrolled' };
    // Admitted offline and not yet uploaded: the server cannot know, so it must not be asked.
    const pending = code ? this.journal.pendingFor(code) : undefined;
    if (pending) {
      return { ...base, result: 'rejected', reason: 'already_redeemed', offline: true, redeemedAt: pending.at, redeemedGate: settings.gate, detail: 'admitted here offline' };
    }

    const outcome = await this.client.scan({ payload: scan.text, providerId: settings.providerId, scanId });
    if (outcome.kind === 'verdict' && outcome.verdict.reason !== 'provider_unavailable') {
      if (code) this.unresolved.delete(code);
      this.setConnectivity('online');
      if (this.stationRefused === this.client) this.stationRefused = null;
      this.refusedBecause(null);
      if (outcome.verdict.result === 'admitted' && code) this.cache?.markAdmitted(code, scanId, this.clock.nowS());
      if (this.uploadable().length > 0) void this.uploadJournal();
      return fromServer(outcome.verdict, base);
    }
    if (outcome.kind === 'refused') {
      this.options.log.error({ status: outcome.status, error: outcome.error, message: outcome.message }, 'the server refused the scan request');
      this.refusedBecause({ error: outcome.error, message: outcome.message });
      return { ...base, result: 'rejected', reason: 'cannot_verify', offline: false, cause: 'refused', detail: `${outcome.error}: ${outcome.message}` };
    }

    const why = outcome.kind === 'verdict' ? 'the provider is unavailable' : outcome.detail;
    this.setConnectivity('offline');
    if (code) this.unresolved.set(code, { scanId, at: now });
    if (this.unresolved.size > 1000) this.unresolved.delete(this.unresolved.keys().next().value!);
    if (settings.policy === 'deny' || !this.cache) {
      return { ...base, result: 'rejected', reason: 'cannot_verify', offline: true, detail: `offline (${why}), policy deny` };
    }
    const nowS = this.clock.nowS();
    const local = decideOffline(scan, {
      cache: this.cache,
      providerId: settings.providerId,
      gate: settings.gate,
      nowS,
      maxBundleAgeS: this.options.maxBundleAgeS ?? 24 * 3600,
    });
    if (local.result === 'rejected') {
      const { body: _b, detail, ...rest } = local;
      return { ...base, ...rest, offline: true, detail: `offline (${why}): ${detail}` };
    }
    await this.journal.add({ scanId, payload: scan.text, code: local.code, at: nowS, scope: scopeOf(settings), ...(local.body.info ? { ticket: local.body.info } : {}) });
    this.cache.markAdmitted(local.code, scanId, nowS);
    if (code) this.unresolved.delete(code);
    this.options.onJournal?.(this.journal.pendingCount);
    this.options.log.info({ scanId, source }, 'admitted offline and journaled');
    return { ...base, result: 'admitted', offline: true, detail: `offline (${why}): signed ticket checked locally` };
  }

  /**
   * Undoes an admission of this station (the holder did not pass). Admitted
   * offline and not yet uploaded: dropped from the journal, the server never
   * knew. Otherwise the server undoes it at the provider. Either way this
   * station then forgets the code, so the ticket admits again.
   */
  async annul(scanId: string, code: string | undefined): Promise<AnnulOutcome & { offline?: true }> {
    if (await this.journal.annul(scanId)) {
      if (code) this.cache?.forget(code);
      this.options.onJournal?.(this.journal.pendingCount);
      this.options.log.info({ scanId }, 'offline admission annulled: dropped from the journal');
      return { ok: true, annulledAt: this.clock.nowS(), offline: true };
    }
    if (!this.client) return { ok: false, error: 'not_enrolled', message: 'the station is not enrolled' };
    const outcome = await this.client.annul(scanId);
    if (outcome.ok) {
      if (code) this.cache?.forget(code);
      this.options.log.info({ scanId }, 'admission annulled');
    } else {
      this.options.log.warn({ scanId, error: outcome.error, message: outcome.message }, 'annulment refused or not answered');
    }
    return outcome;
  }

  /** Fetches the bundle since the cursor, page by page. Resolves true when it is complete. */
  refreshBundle(): Promise<boolean> {
    this.refreshing ??= this.fetchBundle().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  uploadJournal(): Promise<void> {
    this.uploading ??= this.upload().finally(() => (this.uploading = null));
    return this.uploading;
  }

  async close(): Promise<void> {
    clearTimeout(this.startTimer);
    clearInterval(this.bundleTimer);
    clearInterval(this.journalTimer);
    this.bundleTimer = undefined;
    await Promise.allSettled([this.refreshing, this.uploading]);
    this.client?.close();
    await Promise.all([this.journal.close(), this.cache?.flush()]);
  }

  private async fetchBundle(): Promise<boolean> {
    const client = this.client;
    const cache = this.cache;
    if (!client || !cache) return false;
    try {
      for (let page = 0; page < 50; page++) {
        const bundle = await client.offlineBundle(cache.cursor);
        if (client !== this.client || cache !== this.cache) return false;
        cache.apply(bundle, this.clock.nowS(), !bundle.more);
        if (!bundle.more) break;
      }
      if (this.connectivity === 'unknown') this.setConnectivity('online');
      if (cache.refreshedAt !== null) this.options.onBundle?.(cache.refreshedAt);
      return true;
    } catch (err) {
      if (err instanceof ServerRefused) {
        this.options.log.error({ status: err.status, error: err.error }, 'the server refused the offline bundle request');
        this.refusedBecause({ error: err.error, message: err.message });
      } else {
        this.options.log.warn({ err: (err as Error).message }, 'offline bundle refresh failed; keeping the last one');
        this.setConnectivity('offline');
      }
      return false;
    }
  }

  /** Pending admissions for the server and provider configured now. */
  private uploadable(): JournalEntry[] {
    return this.settings ? this.journal.pendingIn(scopeOf(this.settings)) : [];
  }

  private async upload(): Promise<void> {
    const client = this.client;
    if (!client || this.stationRefused === client) return;
    const pending = this.uploadable();
    const elsewhere = this.journal.pendingCount - pending.length;
    if (elsewhere > 0) this.options.log.warn({ waiting: elsewhere }, 'offline admissions of another server or provider wait until the station points there again');
    const queue = batchByBytes(
      pending.map((e) => ({ payload: e.payload, scanId: e.scanId, at: e.at })),
      'redemptions',
      BATCH_BODY_BYTES,
      JOURNAL_BATCH,
    );
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      let results: (ScanVerdict & { scanId: string })[];
      try {
        results = await client.uploadJournal(batch);
      } catch (err) {
        if (!(err instanceof ServerRefused) || err.status === 408 || err.status === 429) {
          this.options.log.warn({ err: (err as Error).message, pending: this.journal.pendingCount }, 'journal upload failed; will retry');
          return;
        }
        if (STATION_REFUSED.has(err.status)) {
          // The station itself is refused (token revoked, provider gone): sending again changes nothing until its settings do.
          this.stationRefused = client;
          this.options.log.error({ status: err.status, error: err.error, pending: this.journal.pendingCount }, 'the server refused the journal upload: the station must be enrolled again');
          this.refusedBecause({ error: err.error, message: err.message });
          return;
        }
        if (batch.length > 1) {
          // Too large, or one entry the server will not take: halves, until the refused one stands alone.
          const half = Math.ceil(batch.length / 2);
          queue.unshift(batch.slice(0, half), batch.slice(half));
          this.options.log.warn({ status: err.status, error: err.error, entries: batch.length }, 'the server refused a journal batch; sending it in halves');
          continue;
        }
        const refused = await this.journal.refuse(
          batch.map((b) => b.scanId),
          { error: err.error, message: err.message },
        );
        this.options.log.error(
          { status: err.status, error: err.error, reason: err.message, scanIds: refused.map((r) => r.scanId) },
          'the server refused an offline admission for good: it is kept in the journal and not sent again',
        );
        if (refused.length > 0) this.options.onRefused?.(refused);
        this.options.onJournal?.(this.journal.pendingCount);
        continue;
      }
      const conflicts = await this.journal.settle(results);
      if (results.some((r) => r.reason !== 'provider_unavailable')) this.setConnectivity('online');
      this.options.log.info({ uploaded: batch.length, conflicts: conflicts.length }, 'offline journal uploaded');
      for (const c of conflicts) {
        this.options.log.warn(
          { scanId: c.scanId, at: c.at, reason: c.result?.reason, redeemedGate: c.result?.redeemedGate, redeemedAt: c.result?.redeemedAt },
          'conflict: a ticket admitted offline was refused by the server',
        );
      }
      if (conflicts.length > 0) this.options.onConflicts?.(conflicts);
      this.options.onJournal?.(this.journal.pendingCount);
    }
  }

  private refusedBecause(next: StationRefusal | null): void {
    if (next?.error === this.refusal?.error && next?.message === this.refusal?.message) return;
    this.refusal = next;
    this.options.onRefusal?.(next);
  }

  private setConnectivity(c: Connectivity): void {
    if (c === this.connectivity) return;
    this.connectivity = c;
    this.options.log.info({ connectivity: c }, c === 'offline' ? 'server not answering: offline policy applies' : `connectivity ${c}`);
    this.options.onConnectivity?.(c);
  }
}

/** Which server and provider an offline bundle or a journal entry belongs to. */
function scopeOf(s: Pick<VerifierSettings, 'serverUrl' | 'providerId'>): string {
  return `${s.serverUrl}|${s.providerId}`;
}

/** What a GP1 text says of its ticket, shown until (or unless) the server says better. */
function qrTicket(body: Gp1Body | undefined): StationTicket | undefined {
  return body ? { ...body.info, validFrom: body.validFrom, validUntil: body.validUntil } : undefined;
}

/** The server's verdict as it is, with what the station adds: it was online, and the QR's validity where the server's ticket gives none. */
function fromServer(v: ScanVerdict, base: Pick<Decision, 'scanId' | 'code' | 'ticket'>): Decision {
  // The server's ticket is the provider's record; the QR's own text is only a fallback.
  const ticket = v.ticket && base.ticket ? { validFrom: base.ticket.validFrom, validUntil: base.ticket.validUntil, ...v.ticket } : (v.ticket ?? base.ticket);
  return { ...base, ...v, ...(ticket ? { ticket } : {}), offline: false };
}
