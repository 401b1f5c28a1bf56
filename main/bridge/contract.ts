// The one bridge between the station core and its screen: every command the
// renderer may invoke and every event the core pushes, channel → signature.
// The Electron preload, the Electron main process, the web-kiosk shell and the
// renderer all type themselves from this map (the pattern of GitHub Desktop's
// ipc-shared.ts), so a channel cannot drift between the two shells.
// Types and constant channel lists only: the renderer and the sandboxed preload
// import it, so it must not pull in Node or zod: it takes only types from protocol/.
import type { DenyReason } from '../../protocol/reasons.js';
import type { Connectivity, StationTicket, StationVerdict } from '../../protocol/verdict.js';

export type Language = 'zh-CN' | 'en' | 'system';
export type OfflinePolicy = 'deny' | 'signed';

/** A verdict on the screen: the station's verdict, and which scan it answers. */
export interface VerdictView extends StationVerdict {
  /** the scan's ID on this station: unique per scan */
  id: string;
  /** which reader it came from: 'wedge', 'serial:/dev/ttyACM0', 'camera', … */
  source: string;
  /** epoch ms, high resolution, when the scan entered the core: the page measures scan → paint from it */
  enteredAt: number;
  /** how long the page shows it before going back to ready */
  holdMs: number;
  /**
   * Why a `cannot_verify` refusal was not the server's silence: `storage`, the station could not
   * save the admission (a full disk); `not_enrolled`, it has no server to ask; `refused`, the
   * server answered and refused this station (its token, its provider).
   */
  cause?: 'storage' | 'not_enrolled' | 'refused';
}

export interface RecentScan {
  id: string;
  /** epoch ms */
  at: number;
  result: StationVerdict['result'];
  reason?: DenyReason;
  offline: boolean;
  seat?: string;
  title?: string;
  source: string;
}

export interface Counters {
  admitted: number;
  denied: number;
  /** epoch ms when the counters were last reset */
  since: number;
}

export interface SourceStatusView {
  name: string;
  kind: 'wedge' | 'serial' | 'hid' | 'camera';
  state: 'connected' | 'disconnected' | 'error';
  detail: string;
}

/** An offline admission the server later found was not good (redeemed elsewhere, revoked…). */
export interface ConflictView {
  scanId: string;
  /** epoch ms of the offline admission */
  at: number;
  reason: DenyReason;
  ticket?: StationTicket;
  redeemedAt?: number;
  redeemedGate?: string;
}

/** What the screen knows at any time. Never carries the station token or the PIN: only "enrolled". */
export interface StationState {
  enrolled: boolean;
  /** the server revoked this station: the screen says so and it admits no one until enrolled again */
  revoked: boolean;
  gate: string;
  providerId: string;
  serverUrl: string;
  connectivity: Connectivity;
  offlinePolicy: OfflinePolicy;
  language: Language;
  kiosk: boolean;
  holdMs: number;
  pinSet: boolean;
  counters: Counters;
  /** newest first; the core keeps 200, the screen gets the latest few */
  recent: RecentScan[];
  sources: SourceStatusView[];
  relay: { name: string; state: 'ready' | 'error' | 'idle'; detail: string };
  /** the renderer-side sources the core wants running */
  wedge: WedgeSettingsView;
  camera: { enabled: boolean; deviceId: string | null };
  conflicts: ConflictView[];
  /** offline admissions not yet uploaded */
  journalPending: number;
  /**
   * Offline admissions the server refused to take for good (never sent again),
   * by the server's error reason, until the attendant dismisses them.
   */
  journalRefused: JournalRefusedView[];
  /** epoch s of the last complete offline bundle; null when there is none (policy `signed` cannot admit) */
  offlineBundleAt: number | null;
  /** a setup QR scanned on a station not yet enrolled, waiting for the PIN to be chosen or entered on a screen */
  setupPending: { serverUrl: string } | null;
  /** the configured server is not used: plain http to another machine without allowInsecureHttp */
  serverRefused: 'insecure_http' | null;
  /**
   * The server refused this station itself, in its own words (a token it does not know, a provider
   * ID the enrolment does not carry), until it answers a scan or the settings change.
   */
  stationRefusal: { error: string; message: string } | null;
}

export interface JournalRefusedView {
  /** the server's stable error reason, e.g. `body_too_large`, `bad_request` */
  reason: string;
  count: number;
}

export interface WedgeSettingsView {
  enabled: boolean;
  maxAvgGapMs: number;
  minLength: number;
}

export interface SerialSourceSetting {
  path: string;
  baudRate: number;
  framing: string;
}

export interface HidSourceSetting {
  /** VID:PID in hex, or a device path */
  device: string;
}

export type RelaySetting =
  | { kind: 'none'; pulseMs: number }
  | { kind: 'lcus'; path: string; channel: number; baudRate: number; pulseMs: number }
  | { kind: 'serial-command'; path: string; baudRate: number; on: string; off: string; pulseMs: number }
  | { kind: 'dcttech'; channel: number; pulseMs: number };

/** The settings screen's view of the config: every editable value, and only "enrolled" of the secrets. */
export interface SettingsView {
  serverUrl: string;
  providerId: string;
  gate: string;
  enrolled: boolean;
  stationId: string | null;
  wedge: WedgeSettingsView;
  serial: SerialSourceSetting[];
  hid: HidSourceSetting[];
  camera: { enabled: boolean; deviceId: string | null };
  relay: RelaySetting;
  offlinePolicy: OfflinePolicy;
  holdMs: number;
  language: Language;
  kiosk: boolean;
  pinSet: boolean;
  /** plain http to a server on another machine is allowed (a closed venue network) */
  allowInsecureHttp: boolean;
}

/** What the settings screen may change in one save; enrollment and the PIN have their own commands. */
export type SettingsPatch = Partial<Omit<SettingsView, 'enrolled' | 'stationId' | 'pinSet'>>;

export interface FieldError {
  /** dotted path of the field, e.g. 'serverUrl', 'serial.0.path' */
  field: string;
  message: string;
}

export type SettingsResult = { ok: true; settings: SettingsView } | { ok: false; errors: FieldError[] };
/** Enrolling with a scanned setup QR from the "choose / enter the PIN" step. */
export type SetupResult = { ok: true } | { ok: false; field: 'pin' | 'code' | 'serverUrl'; message: string; retryAfterMs?: number };
export type UnlockResult = { ok: true; settings: SettingsView } | { ok: false; message: string; retryAfterMs?: number };

/** A scan read by a renderer-side source: the keyboard wedge, the camera, or a code typed by hand. */
export interface SubmittedScan {
  text: string;
  symbology: string;
  source: 'wedge' | 'camera' | 'keyboard';
}

export interface DeviceLists {
  serial: { path: string; label: string }[];
  hid: { id: string; path: string | null; label: string; hidPos: boolean }[];
  /** why a list is empty when it failed (no permission, no native module) */
  problems: string[];
}

export interface Notice {
  level: 'info' | 'warn' | 'error';
  /** a message key the renderer translates, with its parameters */
  key: 'enrolled' | 'enroll_failed' | 'setup_ignored' | 'setup_insecure' | 'conflict' | 'journal_uploaded' | 'journal_unwritable' | 'settings_saved' | 'annulled' | 'annul_failed';
  params?: Record<string, string | number>;
}

/** How long after an admission the station may annul it (the server allows a station the same). */
export const ANNUL_WINDOW_MS = 30_000;

/**
 * Undoing an admission whose holder did not pass. `error`: the server's reason
 * (`annul_window_passed`, `not_your_scan`, `not_annullable`, `provider_unavailable`…),
 * or the station's own `unknown_scan` (not an admission of this station in the last
 * 30 s), `kiosk` (unattended: no one to annul), `unreachable`.
 */
export type AnnulResult = { ok: true; offline: boolean } | { ok: false; error: string; message: string };

/** Commands: channel → (argument) => result. Every command takes at most one argument. */
export type BridgeCommands = {
  'station:state': () => StationState;
  'scan:submit': (scan: SubmittedScan) => { accepted: boolean };
  'source:status': (status: SourceStatusView) => void;
  /** dismisses a conflict, or (scanId null) every conflict and refused upload shown */
  'conflicts:dismiss': (arg: { scanId: string | null }) => void;
  'counters:reset': () => void;
  'settings:unlock': (arg: { pin: string }) => UnlockResult;
  'settings:lock': () => void;
  'settings:get': () => SettingsResult;
  'settings:save': (patch: SettingsPatch) => SettingsResult;
  /** `pin`: the settings PIN to choose, required when none is set yet (enrolling needs one) */
  'settings:enroll': (arg: { code: string; serverUrl?: string; pin?: string }) => SettingsResult;
  'settings:set-pin': (arg: { pin: string }) => SettingsResult;
  'devices:list': () => DeviceLists;
  /** a pending setup QR: the PIN to choose (none set yet) or the settings PIN; then the enrollment is used */
  'setup:confirm': (arg: { pin: string }) => SetupResult;
  'setup:cancel': () => void;
  /** annuls the admission shown as verdict `id` (VerdictView.id), within 30 s of it */
  'scan:annul': (arg: { id: string }) => AnnulResult;
};

/** Events the core pushes: channel → (payload) => void. */
export type BridgeEvents = {
  state: (state: StationState) => void;
  /** a scan was taken in and is being checked: the page may show "checking" */
  scan: (scan: { id: string; source: string; enteredAt: number }) => void;
  verdict: (verdict: VerdictView) => void;
  notice: (notice: Notice) => void;
};

export type CommandChannel = keyof BridgeCommands;
export type EventChannel = keyof BridgeEvents;
export type CommandArg<C extends CommandChannel> = Parameters<BridgeCommands[C]> extends [infer A] ? A : undefined;
export type CommandResult<C extends CommandChannel> = ReturnType<BridgeCommands[C]>;
export type EventPayload<E extends EventChannel> = Parameters<BridgeEvents[E]>[0];

// Runtime lists for the shells that must refuse anything else (the preload, the
// WebSocket). `satisfies Record<…>` makes the compiler check they name every channel.
const commandChannels = {
  'station:state': true,
  'scan:submit': true,
  'source:status': true,
  'conflicts:dismiss': true,
  'counters:reset': true,
  'settings:unlock': true,
  'settings:lock': true,
  'settings:get': true,
  'settings:save': true,
  'settings:enroll': true,
  'settings:set-pin': true,
  'devices:list': true,
  'setup:confirm': true,
  'setup:cancel': true,
  'scan:annul': true,
} as const satisfies Record<CommandChannel, true>;
const eventChannels = { state: true, scan: true, verdict: true, notice: true } as const satisfies Record<EventChannel, true>;

export const COMMAND_CHANNELS = Object.keys(commandChannels) as CommandChannel[];

export function isCommandChannel(name: unknown): name is CommandChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commandChannels, name);
}

export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventChannels, name);
}

/** What the renderer holds, whichever shell it runs in. */
export interface StationBridge {
  invoke<C extends CommandChannel>(channel: C, ...arg: CommandArg<C> extends undefined ? [] : [CommandArg<C>]): Promise<CommandResult<C>>;
  /** Subscribes; returns the unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** The Electron preload's name for the bridge on `window`. */
export const ELECTRON_BRIDGE_KEY = 'gatepostBridge';

/** IPC channel names the Electron shell uses: commands go one per channel, events all on this one. */
export const ELECTRON_EVENT_CHANNEL = 'gatepost:event';
export const electronCommandChannel = (c: CommandChannel): string => `gatepost:${c}`;

/** The web-kiosk shell's WebSocket path and frames. */
export const WEB_BRIDGE_PATH = '/bridge';
/**
 * The page offers two WebSocket subprotocols: this one, which the shell selects,
 * and the launch secret (from the URL's #k= fragment) after WEB_KEY_PROTOCOL_PREFIX.
 * A subprotocol keeps the secret out of request lines, proxies' logs and Referer.
 */
export const WEB_BRIDGE_PROTOCOL = 'gatepost-bridge';
export const WEB_KEY_PROTOCOL_PREFIX = 'gatepost-key.';
/** The fragment parameter carrying the launch secret in the screen's URL. */
export const WEB_KEY_PARAM = 'k';
export type WebReplyFrame = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
export type WebEventFrame = { event: EventChannel; payload: unknown };
