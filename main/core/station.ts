// The station core: every scan, from any source, comes in through submit(), is
// deduped, checked through the server client (or the offline policy), and
// leaves as one verdict for every connected screen, with a relay pulse on
// ADMIT. Knows nothing of Electron or HTTP: the shells connect screens to it
// through sessions (session.ts), one typed bridge for both.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeSetupPayload, SETUP_PREFIX } from '../../protocol/booking-api.js';
import type { ScanEvent } from '../../scanner-drivers/types.js';
import { ScanVerifier, type Connectivity, type Decision, type JournalEntry, type VerifierOptions } from '../../server-client/index.js';
import type { ConflictView, EventChannel, EventPayload, JournalRefusedView, Notice, SourceStatusView, StationState, VerdictView } from '../bridge/contract.js';
import type { StationConfig } from '../config/schema.js';
import { ConfigStore } from '../config/store.js';
import { createLogger, type Logger } from '../log.js';
import { dedupeKey, Deduper } from './dedupe.js';
import { enroll } from './enroll.js';
import { Hardware, type HardwareFactories } from './hardware.js';
import { History } from './history.js';
import { BridgeSession, type SessionSink } from './session.js';

export interface StationCoreOptions {
  configFile: string;
  /** where the journal, offline bundle and history live; the config file's folder by default */
  dataDir?: string;
  log?: Logger;
  verifier?: Partial<Pick<VerifierOptions, 'bundleRefreshMs' | 'journalRetryMs' | 'maxBundleAgeS'>>;
  hardware?: Partial<HardwareFactories>;
}

/** How long state changes are gathered before one push to the screens. */
const STATE_PUSH_MS = 40;
/** How many recent scans each state push carries; the core keeps 200. */
const RECENT_SHOWN = 12;
export type SourceKind = 'wedge' | 'camera' | 'keyboard' | 'serial' | 'hid';

export class StationCore {
  readonly log: Logger;
  readonly config: ConfigStore;
  readonly verifier: ScanVerifier;
  private readonly hardware: Hardware;
  private readonly history: History;
  private readonly deduper = new Deduper();
  private readonly sessions = new Set<BridgeSession>();
  private readonly screenSources = new Map<string, { session: BridgeSession; status: SourceStatusView }>();
  private conflicts: ConflictView[] = [];
  private applying: Promise<void> = Promise.resolve();
  private stateTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(options: StationCoreOptions) {
    this.log = options.log ?? createLogger();
    const dataDir = options.dataDir ?? dirname(options.configFile);
    mkdirSync(dataDir, { recursive: true });
    this.config = new ConfigStore(options.configFile, this.log);
    this.history = new History(dataDir, (err) => this.log.warn({ err: err.message }, 'history write failed'));
    this.verifier = new ScanVerifier({
      dataDir,
      log: this.log,
      ...options.verifier,
      onConnectivity: () => this.stateChanged(),
      onJournal: () => this.stateChanged(),
      onBundle: () => this.stateChanged(),
      onConflicts: (entries) => this.addConflicts(entries),
      onRefused: () => this.stateChanged(),
      onProblem: (p) => this.notice({ level: 'error', key: 'enroll_failed', params: { message: p.message } }),
    });
    this.conflicts = this.verifier.journal.conflicts().map(conflictView);
    this.hardware = new Hardware(
      (scan, kind) => void this.submit(scan, kind),
      () => this.stateChanged(),
      this.log,
      options.hardware,
    );
    this.config.onChange((next) => this.apply(next));
  }

  /** Starts the configured sources and relay and the server client. */
  async start(): Promise<void> {
    this.apply(this.config.current);
    await this.applying;
    const c = this.config.current;
    this.log.info({ enrolled: c.enrollment !== null, serverUrl: c.serverUrl, providerId: c.providerId, gate: c.gate }, 'station core started');
  }

  /** Every scan from every source enters here. Resolves with the verdict shown, or null when the scan was not a ticket scan or a repeat. */
  async submit(scan: Pick<ScanEvent, 'text' | 'source'>, kind: SourceKind): Promise<VerdictView | null> {
    const enteredAt = performance.timeOrigin + performance.now();
    if (this.closed || typeof scan.text !== 'string') return null;
    const text = scan.text.trim();
    if (text.length === 0) return null;
    if (text.toUpperCase().startsWith(SETUP_PREFIX)) {
      await this.setupScanned(text);
      return null;
    }
    const config = this.config.current;
    if (!this.deduper.accept(dedupeKey(text), Date.now(), config.holdMs)) return null;
    const id = randomUUID();
    this.broadcast('scan', { id, source: scan.source, enteredAt });
    let decision: Decision;
    try {
      decision = await this.verifier.verify(text, kind === 'wedge' ? 'keyboard' : kind === 'keyboard' ? 'typed' : kind);
    } catch (err) {
      // A bug or a full disk must still leave the attendant with an answer: refuse.
      this.log.error({ err: (err as Error).message }, 'scan check failed');
      decision = { kind: 'deny', reason: 'cannot_verify', offline: false, scanId: id };
    }
    if (decision.kind === 'admit') this.hardware.pulse();
    const view = verdictView(decision, id, scan.source, enteredAt, config.holdMs);
    this.broadcast('verdict', view);
    this.history.record(view, Date.now());
    this.log.info(
      { scanId: decision.scanId, source: scan.source, verdict: decision.kind, reason: decision.reason, offline: decision.offline, detail: decision.detail },
      'scan',
    );
    this.stateChanged();
    return view;
  }

  state(): StationState {
    const c = this.config.current;
    const { counters, recent } = this.history.snapshot;
    return {
      enrolled: c.enrollment !== null,
      gate: c.gate,
      providerId: c.providerId,
      serverUrl: c.serverUrl,
      connectivity: c.enrollment ? this.verifier.state : ('unknown' satisfies Connectivity),
      offlinePolicy: c.offlinePolicy,
      language: c.language,
      kiosk: c.kiosk,
      holdMs: c.holdMs,
      pinSet: c.pinHash !== null,
      counters,
      recent: recent.slice(0, RECENT_SHOWN),
      sources: [...this.screenStatuses(c), ...this.hardware.statuses()],
      relay: this.hardware.relayStatus(),
      wedge: { ...c.sources.wedge },
      camera: { ...c.sources.camera },
      conflicts: this.conflicts,
      journalPending: this.verifier.journal.pendingCount,
      journalRefused: refusedViews(this.verifier.journal.refused()),
      offlineBundleAt: this.verifier.offlineCache?.refreshedAt ?? null,
    };
  }

  /** A screen connects: it gets a session holding its own PIN state. */
  connect(sink: SessionSink): BridgeSession {
    const session = new BridgeSession(this, sink);
    this.sessions.add(session);
    return session;
  }

  disconnect(session: BridgeSession): void {
    this.sessions.delete(session);
    for (const [name, s] of this.screenSources) if (s.session === session) this.screenSources.delete(name);
    this.stateChanged();
  }

  /** Enrolls with a typed or scanned code; on success the config holds the token and the station's provider and gate. */
  async enroll(code: string, serverUrl: string): Promise<{ ok: true } | { ok: false; field: string; message: string }> {
    const result = await enroll(this.config, this.log, code, serverUrl);
    if (result.ok) this.notice({ level: 'info', key: 'enrolled', params: { gate: this.config.current.gate } });
    return result;
  }

  reportScreenSource(session: BridgeSession, status: SourceStatusView): void {
    this.screenSources.set(status.name, { session, status });
    this.stateChanged();
  }

  async dismissConflicts(scanId: string | null): Promise<void> {
    this.conflicts = scanId === null ? [] : this.conflicts.filter((c) => c.scanId !== scanId);
    await this.verifier.journal.acknowledge(scanId);
    this.stateChanged();
  }

  resetCounters(): void {
    this.history.reset(Date.now());
    this.stateChanged();
  }

  get anyUnlocked(): boolean {
    for (const s of this.sessions) if (s.unlocked) return true;
    return false;
  }

  notice(n: Notice): void {
    this.broadcast('notice', n);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.stateTimer);
    await this.applying;
    await Promise.allSettled([this.hardware.close(), this.verifier.close(), this.history.flush()]);
  }

  private broadcast<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const s of this.sessions) s.send(event, payload);
  }

  /**
   * State pushes are coalesced: a burst of changes sends one. The short wait
   * also keeps the push after a verdict out of the frame that paints the verdict.
   */
  private stateChanged(): void {
    if (this.stateTimer || this.closed) return;
    this.stateTimer = setTimeout(() => {
      this.stateTimer = undefined;
      if (this.sessions.size > 0) this.broadcast('state', this.state());
    }, STATE_PUSH_MS);
  }

  private apply(next: StationConfig): void {
    this.verifier.configure({
      serverUrl: next.serverUrl,
      token: next.enrollment?.token ?? null,
      providerId: next.providerId,
      gate: next.gate,
      policy: next.offlinePolicy,
      timeoutMs: next.scanTimeoutMs,
    });
    // Hardware changes are serialised: a second save waits for the first to settle.
    this.applying = this.applying.then(() => this.hardware.apply(next)).catch((err: unknown) => this.log.error({ err: (err as Error).message }, 'applying sources failed'));
    this.stateChanged();
  }

  /**
   * A `GPS1:` setup QR, from any source. Enrolls only while a screen has the
   * settings unlocked, or while the station is not enrolled: otherwise anyone
   * holding a setup QR up to a working gate could point it at another server.
   */
  private async setupScanned(text: string): Promise<void> {
    const setup = decodeSetupPayload(text);
    if (!setup) {
      this.notice({ level: 'error', key: 'enroll_failed', params: { message: 'not a valid setup code' } });
      return;
    }
    if (this.config.current.enrollment !== null && !this.anyUnlocked) {
      this.log.warn({}, 'a setup QR was scanned while settings were locked: ignored');
      this.notice({ level: 'warn', key: 'setup_ignored' });
      return;
    }
    const result = await this.enroll(setup.enrollment, setup.serverUrl);
    if (!result.ok) this.notice({ level: 'error', key: 'enroll_failed', params: { message: result.message } });
  }

  private screenStatuses(c: StationConfig): SourceStatusView[] {
    const out: SourceStatusView[] = [];
    for (const { status } of this.screenSources.values()) {
      if (status.kind === 'wedge' && !c.sources.wedge.enabled) continue;
      if (status.kind === 'camera' && !c.sources.camera.enabled) continue;
      out.push(status);
    }
    return out;
  }

  private addConflicts(entries: JournalEntry[]): void {
    for (const e of entries) {
      const view = conflictView(e);
      this.conflicts = [view, ...this.conflicts.filter((c) => c.scanId !== e.scanId)].slice(0, 50);
      this.notice({ level: 'warn', key: 'conflict', params: { seat: e.ticket?.seat ?? '', gate: e.result?.redeemedGate ?? '' } });
    }
    this.stateChanged();
  }
}

function verdictView(d: Decision, id: string, source: string, enteredAt: number, holdMs: number): VerdictView {
  const v: VerdictView = { id, kind: d.kind, offline: d.offline, source, enteredAt, holdMs };
  if (d.reason) v.reason = d.reason;
  if (d.ticket) v.ticket = { ...d.ticket };
  if (d.redeemedAt !== undefined) v.redeemedAt = d.redeemedAt;
  if (d.redeemedGate !== undefined) v.redeemedGate = d.redeemedGate;
  if (d.validFrom !== undefined) v.validFrom = d.validFrom;
  if (d.validUntil !== undefined) v.validUntil = d.validUntil;
  return v;
}

function refusedViews(entries: JournalEntry[]): JournalRefusedView[] {
  const byReason = new Map<string, number>();
  for (const e of entries) {
    const reason = e.refusal?.error ?? 'refused';
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  return [...byReason].map(([reason, count]) => ({ reason, count }));
}

function conflictView(e: JournalEntry): ConflictView {
  const c: ConflictView = { scanId: e.scanId, at: e.at * 1000, reason: e.result?.reason ?? 'cannot_verify' };
  if (e.ticket) c.ticket = { ...e.ticket };
  if (e.result?.redeemedAt !== undefined) c.redeemedAt = e.result.redeemedAt;
  if (e.result?.redeemedGate !== undefined) c.redeemedGate = e.result.redeemedGate;
  return c;
}
