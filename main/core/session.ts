// One connected screen. Every command from a screen goes through invoke(): the
// channel must be one of the bridge map's, its argument must pass the schema,
// and settings commands need this screen to have opened the settings with the
// PIN (unlocks lapse after 5 idle minutes, and when the PIN changes). The
// Electron shell and the web-kiosk shell both hand their screens' messages to a
// session, so the PIN gate exists in one place.
import {
  isCommandChannel,
  type AnnulResult,
  type CommandChannel,
  type DeviceLists,
  type EventChannel,
  type EventPayload,
  type SettingsPatch,
  type SettingsResult,
  type SettingsView,
  type SetupResult,
  type Notice,
  type SourceStatusView,
  type StationState,
  type SubmittedScan,
  type UnlockResult,
} from '../bridge/contract.js';
import { commandArgs } from '../bridge/validate.js';
import { applyPatch, sameServer, settingsView } from '../config/schema.js';
import type { ConfigStore } from '../config/store.js';
import type { Logger } from '../log.js';

/**
 * What a session asks of the station core (station.ts): declared here, so that
 * the core, which makes sessions, and the session do not import each other.
 */
export interface SessionCore {
  readonly log: Logger;
  readonly config: ConfigStore;
  state(): StationState;
  submit(scan: { text: string; source: string }, kind: SubmittedScan['source']): Promise<unknown>;
  disconnect(session: BridgeSession): void;
  reportScreenSource(session: BridgeSession, status: SourceStatusView): void;
  dismissConflicts(scanId: string | null): Promise<void>;
  resetCounters(): void;
  checkSettingsPin(pin: string): Promise<{ ok: true } | { ok: false; message: string; retryAfterMs?: number }>;
  setPin(pin: string): Promise<{ ok: true; pinHash: string } | { ok: false; errors: { field: string; message: string }[] }>;
  enroll(code: string, serverUrl: string): Promise<{ ok: true } | { ok: false; field: string; message: string }>;
  confirmSetup(pin: string): Promise<SetupResult>;
  cancelSetup(): void;
  notice(n: Notice): void;
  annul(id: string): Promise<AnnulResult>;
}

export interface SessionSink {
  send<E extends EventChannel>(event: E, payload: EventPayload<E>): void;
}

/** A refused command: the shells pass its message to the screen. */
export class BridgeError extends Error {}

const UNLOCK_IDLE_MS = 5 * 60_000;

export class BridgeSession {
  private unlockedUntil = 0;
  /** the PIN hash the settings were opened with: a PIN set or changed since locks this screen */
  private unlockedWith: string | null = null;

  constructor(
    private readonly core: SessionCore,
    private readonly sink: SessionSink,
  ) {}

  /**
   * Settings are open on this screen: with the PIN, or, while none is set, by
   * opening them (a station being set up). The core never counts the latter as
   * knowing a PIN: see StationCore.settingsOpenWithPin.
   */
  get unlocked(): boolean {
    return Date.now() < this.unlockedUntil && this.unlockedWith === this.core.config.current.pinHash;
  }

  send<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    try {
      this.sink.send(event, payload);
    } catch (err) {
      this.core.log.warn({ event, err: (err as Error).message }, 'a screen could not take an event');
    }
  }

  close(): void {
    this.core.disconnect(this);
  }

  async invoke(channel: unknown, arg: unknown): Promise<unknown> {
    if (!isCommandChannel(channel)) throw new BridgeError(`unknown command ${String(channel).slice(0, 60)}`);
    const parsed = commandArgs[channel].safeParse(arg);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BridgeError(`bad argument for ${channel}: ${issue?.path.join('.') || 'value'}: ${issue?.message}`);
    }
    return this.dispatch(channel, parsed.data);
  }

  private async dispatch(channel: CommandChannel, arg: unknown): Promise<unknown> {
    const core = this.core;
    switch (channel) {
      case 'station:state':
        return core.state();
      case 'scan:submit': {
        const scan = arg as SubmittedScan;
        void core.submit({ text: scan.text, source: scan.source }, scan.source);
        return { accepted: true };
      }
      case 'source:status':
        core.reportScreenSource(this, arg as SourceStatusView);
        return undefined;
      case 'conflicts:dismiss':
        await core.dismissConflicts((arg as { scanId: string | null }).scanId);
        return undefined;
      case 'settings:unlock':
        return this.unlock((arg as { pin: string }).pin);
      case 'settings:lock':
        this.unlockedUntil = 0;
        this.unlockedWith = null;
        return undefined;
      case 'settings:get':
        if (!this.unlocked) return locked();
        this.requireUnlocked();
        return { ok: true, settings: this.view() };
      case 'counters:reset':
        this.requireUnlocked();
        core.resetCounters();
        return undefined;
      case 'settings:save':
        return this.save(arg as SettingsPatch);
      case 'settings:enroll':
        return this.enroll(arg as { code: string; serverUrl?: string; pin?: string });
      case 'settings:set-pin':
        return this.setPin((arg as { pin: string }).pin);
      case 'devices:list':
        this.requireUnlocked();
        return listDevices();
      case 'setup:confirm':
        return this.confirmSetup((arg as { pin: string }).pin);
      case 'setup:cancel':
        core.cancelSetup();
        return undefined;
      case 'scan:annul':
        return core.annul((arg as { id: string }).id);
    }
  }

  private requireUnlocked(): void {
    if (!this.unlocked) throw new BridgeError('settings are locked: enter the PIN');
    this.unlockedUntil = Math.max(this.unlockedUntil, Date.now() + UNLOCK_IDLE_MS);
  }

  private async unlock(pin: string): Promise<UnlockResult> {
    const pinHash = this.core.config.current.pinHash;
    const checked = await this.core.checkSettingsPin(pin);
    if (!checked.ok) return checked;
    this.open(pinHash);
    return { ok: true, settings: settingsView(this.core.config.current) };
  }

  private open(pinHash: string | null): void {
    this.unlockedWith = pinHash;
    this.unlockedUntil = Date.now() + UNLOCK_IDLE_MS;
  }

  private async confirmSetup(pin: string): Promise<SetupResult> {
    const hadPin = this.core.config.current.pinHash !== null;
    const result = await this.core.confirmSetup(pin);
    // The PIN was just chosen here: this screen may go on to the settings without typing it again.
    if (result.ok && !hadPin) this.open(this.core.config.current.pinHash);
    return result;
  }

  private save(patch: SettingsPatch): SettingsResult {
    if (!this.unlocked) return locked();
    this.requireUnlocked();
    const current = this.core.config.current;
    const candidate = applyPatch(current, patch) as { serverUrl: unknown; enrollment: unknown };
    // The token is the old server's: it must not be sent to a new one.
    if (typeof candidate.serverUrl === 'string' && current.enrollment && !sameServer(candidate.serverUrl.trim(), current.serverUrl)) {
      candidate.enrollment = null;
      this.core.log.warn({ from: current.serverUrl, to: candidate.serverUrl }, 'server URL changed: the station must be enrolled again');
    }
    const result = this.core.config.replace(candidate);
    if (!result.ok) {
      this.core.log.info({ fields: result.errors.map((e) => e.field) }, 'settings refused');
      return { ok: false, errors: result.errors };
    }
    this.core.notice({ level: 'info', key: 'settings_saved' });
    return { ok: true, settings: settingsView(result.config) };
  }

  private async enroll(arg: { code: string; serverUrl?: string; pin?: string }): Promise<SettingsResult> {
    if (!this.unlocked) return locked();
    this.requireUnlocked();
    // Enrolling makes a gate: it needs a settings PIN, chosen here if there is none yet.
    if (this.core.config.current.pinHash === null) {
      if (arg.pin === undefined || arg.pin === '') return { ok: false, errors: [{ field: 'pin', message: 'choose a settings PIN before enrolling: anyone could reconfigure the gate otherwise' }] };
      const set = await this.core.setPin(arg.pin);
      if (!set.ok) return { ok: false, errors: set.errors };
      this.open(set.pinHash);
    }
    const result = await this.core.enroll(arg.code, arg.serverUrl ?? this.core.config.current.serverUrl);
    if (!result.ok) return { ok: false, errors: [{ field: result.field, message: result.message }] };
    return { ok: true, settings: this.view() };
  }

  private async setPin(pin: string): Promise<SettingsResult> {
    if (!this.unlocked) return locked();
    this.requireUnlocked();
    const result = await this.core.setPin(pin);
    if (!result.ok) return result;
    this.open(result.pinHash);
    return { ok: true, settings: this.view() };
  }

  private view(): SettingsView {
    return settingsView(this.core.config.current);
  }
}

function locked(): SettingsResult {
  return { ok: false, errors: [{ field: 'pin', message: 'settings are locked: enter the PIN' }] };
}

async function listDevices(): Promise<DeviceLists> {
  const problems: string[] = [];
  // Loaded on first use: the native drivers are not needed to start the station.
  const listSerialPorts = async () => (await import('../../scanner-drivers/serial/list.js')).listSerialPorts();
  const listHidScanners = async () => (await import('../../scanner-drivers/hid/devices.js')).listHidScanners();
  const [serial, hid] = await Promise.all([
    listSerialPorts().catch((err: unknown) => {
      problems.push(`serial ports: ${(err as Error).message}`);
      return [];
    }),
    listHidScanners().catch((err: unknown) => {
      problems.push(`HID devices: ${(err as Error).message}`);
      return [];
    }),
  ]);
  return {
    serial: serial.map((p) => ({ path: p.path, label: [p.path, p.manufacturer].filter(Boolean).join(' — ') })),
    hid: hid.map((h) => ({ id: h.id, path: h.path, label: `${h.vendor}${h.product ? ` ${h.product}` : ''} (${h.id})${h.hidPos ? ' HID POS' : ''}`, hidPos: h.hidPos })),
    problems,
  };
}
