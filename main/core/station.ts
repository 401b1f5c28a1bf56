// The station core: every scan, from any source, comes in through submit(), is
// deduped, checked through the server client (or the offline policy), and
// leaves as one verdict for every connected screen, with a relay pulse on
// ADMIT. Knows nothing of Electron or HTTP: the shells connect screens to it
// through sessions (session.ts), one typed bridge for both.
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseScanText } from '../../protocol/gp1.js';
import { GP1_PREFIX, SETUP_PREFIX } from '../../protocol/scan-text.js';
import type { Connectivity } from '../../protocol/verdict.js';
import type { ScanEvent } from '../../scanner-drivers/types.js';
import { ScanVerifier, type Decision, type JournalEntry, type VerifierOptions } from '../../server-client/index.js';
import type { AnnulResult, ConflictView, EventChannel, EventPayload, JournalRefusedView, Notice, SetupResult, SourceStatusView, StationState, VerdictView } from '../bridge/contract.js';
import { transportIssue, type StationConfig } from '../config/schema.js';
import { ConfigStore } from '../config/store.js';
import { createLogger, type Logger } from '../log.js';
import { Annulments } from './annul.js';
import { dedupeKey, Deduper } from './dedupe.js';
import { enroll } from './enroll.js';
import { Hardware, type HardwareFactories } from './hardware.js';
import { heartbeatInterval, heartbeatReport, StationHeartbeat, stationVersion } from './heartbeat.js';
import { History } from './history.js';
import { ensureStationFolder } from './paths.js';
import { renameGate, Revocation } from './revocation.js';
import { BridgeSession, type SessionSink } from './session.js';
import { SetupFlow, type EnrollResult, type PinChange, type PinCheck } from './setup-flow.js';

/** A file system that cannot keep what the station writes (a full disk, a failing or read-only one). */
const UNWRITABLE = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EACCES', 'EPERM']);

export interface StationCoreOptions {
  configFile: string;
  /** where the journal, offline bundle and history live; the config file's folder by default */
  dataDir?: string;
  log?: Logger;
  verifier?: Partial<Pick<VerifierOptions, 'bundleRefreshMs' | 'journalRetryMs' | 'maxBundleAgeS'>>;
  hardware?: Partial<HardwareFactories>;
  /** how often the heartbeat goes to the server (ms); default GATEPOST_STATION_HEARTBEAT_MS, else 30 s */
  heartbeatMs?: number;
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
  /** wrong-PIN back-off, shared by every screen and kept on disk beside the config */
  private readonly setup: SetupFlow;
  private readonly hardware: Hardware;
  private readonly history: History;
  private readonly heartbeat: StationHeartbeat;
  private readonly revocation: Revocation;
  private readonly deduper = new Deduper();
  private readonly sessions = new Set<BridgeSession>();
  private readonly screenSources = new Map<string, { session: BridgeSession; status: SourceStatusView }>();
  private readonly annulments: Annulments;
  private conflicts: ConflictView[] = [];
  private applying: Promise<void> = Promise.resolve();
  private stateTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private serverRefused = false;

  constructor(options: StationCoreOptions) {
    this.log = options.log ?? createLogger();
    const dataDir = options.dataDir ?? dirname(options.configFile);
    for (const dir of new Set([dataDir, dirname(options.configFile)])) ensureStationFolder(dir);
    this.config = new ConfigStore(options.configFile, this.log);
    this.setup = new SetupFlow({
      config: this.config,
      log: this.log,
      pinGuardFile: join(dirname(options.configFile), 'pin-guard.json'),
      enroll: (code, url) => this.enroll(code, url),
      notice: (n) => this.notice(n),
      settingsOpenWithPin: () => this.settingsOpenWithPin,
      changed: () => this.stateChanged(),
    });
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
      onRefusal: (p) => (p?.error === 'station_revoked' ? this.revoked() : this.stateChanged()),
    });
    this.conflicts = this.verifier.journal.conflicts().map(conflictView);
    this.hardware = new Hardware(
      (scan, kind) => void this.submit(scan, kind),
      () => this.stateChanged(),
      this.log,
      options.hardware,
    );
    this.annulments = new Annulments({
      verifier: this.verifier,
      deduper: this.deduper,
      log: this.log,
      kiosk: () => this.config.current.kiosk,
      notice: (n) => this.notice(n),
      changed: () => this.stateChanged(),
    });
    this.revocation = new Revocation(this.config, this.log);
    const version = stationVersion();
    this.heartbeat = new StationHeartbeat({
      intervalMs: options.heartbeatMs ?? heartbeatInterval(),
      log: this.log,
      target: () => {
        const c = this.config.current;
        return c.enrollment && !this.revocation.active && !this.serverRefused ? { serverUrl: c.serverUrl, token: c.enrollment.token } : null;
      },
      // The bundle's time was taken on the server's clock: its age is too.
      report: () => heartbeatReport(version, this.config.current, this.state(), this.verifier.clock.nowS(), this.verifier.clock.skewS),
      clock: this.verifier.clock,
      onGate: (gate) => renameGate(this.config, this.log, gate),
      onRevoked: () => this.revoked(),
    });
    this.config.onChange((next) => this.apply(next));
  }

  /** Starts the configured sources and relay and the server client. */
  async start(): Promise<void> {
    this.apply(this.config.current);
    await this.applying;
    this.heartbeat.start();
    const c = this.config.current;
    this.log.info({ enrolled: c.enrollment !== null, serverUrl: c.serverUrl, providerId: c.providerId, gate: c.gate }, 'station core started');
  }

  /** Every scan from every source enters here. Resolves with the verdict shown, or null when the scan was not a ticket scan or a repeat. */
  async submit(scan: Pick<ScanEvent, 'text' | 'source'>, kind: SourceKind): Promise<VerdictView | null> {
    const enteredAt = performance.timeOrigin + performance.now();
    if (this.closed || typeof scan.text !== 'string') return null;
    const text = scan.text.trim();
    if (text.length === 0) return null;
    const config = this.config.current;
    const setupAt = setupStart(text);
    if (setupAt >= 0) {
      const setup = text.slice(setupAt);
      // A camera keeps seeing the QR it is shown: one notice, one log line, one try.
      if (this.deduper.accept(setup.toUpperCase(), Date.now(), config.holdMs)) await this.setup.scanned(setup);
      return null;
    }
    // Read once: the deduper, the server client and the offline check all take it as it is.
    const read = parseScanText(text);
    if (!this.deduper.accept(dedupeKey(read), Date.now(), config.holdMs)) return null;
    const id = randomUUID();
    this.broadcast('scan', { id, source: scan.source, enteredAt });
    let decision: Decision;
    let cause: VerdictView['cause'];
    try {
      // A revoked station asks no one and admits no one, online or offline, until it is enrolled again.
      if (this.revocation.active) decision = { result: 'rejected', reason: 'cannot_verify', offline: false, scanId: id, detail: 'station revoked' };
      else decision = await this.verifier.verify(read, kind === 'wedge' ? 'keyboard' : kind === 'keyboard' ? 'typed' : kind);
    } catch (err) {
      // A bug or a full disk must still leave the attendant with an answer: refuse. A disk that
      // cannot keep an offline admission refuses every holder: the attendant is told why.
      this.log.error({ err: (err as Error).message }, 'scan check failed');
      decision = { result: 'rejected', reason: 'cannot_verify', offline: false, scanId: id };
      const code = (err as NodeJS.ErrnoException).code;
      if (code && UNWRITABLE.has(code)) {
        cause = 'storage';
        this.notice({ level: 'error', key: 'journal_unwritable', params: { code } });
      }
    }
    if (decision.result === 'admitted') {
      this.hardware.pulse();
      this.annulments.admitted(id, { scanId: decision.scanId, code: decision.code, key: dedupeKey(read), seat: decision.ticket?.seat });
    }
    // The screen gets the verdict as it is; the code, the scanId and the log's detail stay here.
    const { code: _code, scanId, detail, cause: refusedBecause, ...verdict } = decision;
    cause ??= refusedBecause;
    const view: VerdictView = { ...verdict, id, source: scan.source, enteredAt, holdMs: config.holdMs, ...(cause ? { cause } : {}) };
    this.broadcast('verdict', view);
    this.history.record(view, Date.now());
    this.log.info(
      { scanId, source: scan.source, verdict: verdict.result, reason: verdict.reason, offline: verdict.offline, detail },
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
      revoked: this.revocation.active,
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
      setupPending: this.setup.pending.current ? { serverUrl: this.setup.pending.current.serverUrl } : null,
      serverRefused: this.serverRefused ? 'insecure_http' : null,
      stationRefusal: this.verifier.refused,
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
  async enroll(code: string, serverUrl: string): Promise<EnrollResult> {
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

  /** Undoes the admission shown as verdict `id`: the holder did not pass (annul.ts). */
  annul(id: string): Promise<AnnulResult> {
    return this.annulments.annul(id);
  }

  resetCounters(): void {
    this.history.reset(Date.now());
    this.stateChanged();
  }

  /** Settings are open with the PIN on some screen. Without a PIN, open settings do not count: anyone could open them. */
  get settingsOpenWithPin(): boolean {
    if (this.config.current.pinHash === null) return false;
    for (const s of this.sessions) if (s.unlocked) return true;
    return false;
  }

  checkSettingsPin(pin: string): Promise<PinCheck> {
    return this.setup.checkSettingsPin(pin);
  }

  setPin(pin: string): Promise<PinChange> {
    return this.setup.setPin(pin);
  }

  confirmSetup(pin: string): Promise<SetupResult> {
    return this.setup.confirmSetup(pin);
  }

  cancelSetup(): void {
    this.setup.cancelSetup();
  }

  notice(n: Notice): void {
    this.broadcast('notice', n);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.stateTimer);
    this.setup.pending.clear();
    await this.applying;
    await Promise.allSettled([this.hardware.close(), this.verifier.close(), this.history.flush(), this.heartbeat.close()]);
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
    // A config file written by hand may name a plain-http server on another machine:
    // the station keeps the file but talks to no one rather than send its token in clear.
    const refused = transportIssue(next) !== null;
    if (refused && !this.serverRefused) this.log.error({ serverUrl: next.serverUrl }, 'refusing the server: plain http to another machine (use https, or set allowInsecureHttp)');
    else if (!refused && next.allowInsecureHttp && next.serverUrl.startsWith('http:'))
      this.log.warn({ serverUrl: next.serverUrl }, 'allowInsecureHttp: the station token and tickets travel unencrypted to this server');
    this.serverRefused = refused;
    this.verifier.configure({
      serverUrl: refused ? '' : next.serverUrl,
      // A revoked station's token opens nothing: no scans, bundle fetches or uploads through it.
      token: refused || this.revocation.active ? null : (next.enrollment?.token ?? null),
      providerId: next.providerId,
      gate: next.gate,
      policy: next.offlinePolicy,
      timeoutMs: next.scanTimeoutMs,
    });
    this.heartbeat.configure();
    // Hardware changes are serialised: a second save waits for the first to settle.
    this.applying = this.applying.then(() => this.hardware.apply(next)).catch((err: unknown) => this.log.error({ err: (err as Error).message }, 'applying sources failed'));
    this.stateChanged();
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

  /** The screens are told at once, before the verdict of the scan that found it out. */
  private revoked(): void {
    if (this.closed || !this.revocation.mark()) return;
    this.heartbeat.configure();
    clearTimeout(this.stateTimer);
    this.stateTimer = undefined;
    if (this.sessions.size > 0) this.broadcast('state', this.state());
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

/**
 * Where a setup QR's text starts, or -1. Keys typed just before a wedge scan, or
 * a scanner's symbology prefix, may come in front of it: it is still a setup QR,
 * and its one-time code must not go to the server as a ticket. A GP1 ticket is
 * never one, though base45 could spell GPS1: inside it.
 */
function setupStart(text: string): number {
  const upper = text.toUpperCase();
  return upper.startsWith(GP1_PREFIX) ? -1 : upper.indexOf(SETUP_PREFIX);
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
