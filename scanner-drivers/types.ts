// The two contracts every driver in this folder meets: a ScanSource yields decoded
// text, a Relay opens a turnstile. The station core wires them without knowing which
// hardware sits behind them, so nothing here mentions a specific device.
import type { Emitter } from './emitter.js';

export interface ScanEvent {
  /** The decoded text, with any AIM prefix, terminator and configured prefix/suffix removed. */
  text: string;
  /** 'qr', 'ean-13', 'code-128', 'datamatrix', … ; the raw AIM id (e.g. ']G0') when unmapped; 'unknown' when the device did not say. */
  symbology: string;
  /** Which source read it, e.g. 'wedge', 'serial:/dev/ttyACM0', 'hid:0c2e:0b61', 'camera'. */
  source: string;
  /** Epoch milliseconds when the source finished reading it. */
  at: number;
}

/** Where a source or relay stands, and why in words for the operator. */
export interface DeviceStatus<State extends string> {
  state: State;
  detail: string;
}

/** The event every source and relay emits when its status changes. */
export type StatusEvents<State extends string> = {
  status: [DeviceStatus<State>];
};

export type SourceState = 'connected' | 'disconnected' | 'error';

export type StatusEvent = DeviceStatus<SourceState>;

export type ScanSourceEvents = StatusEvents<SourceState> & {
  scan: [ScanEvent];
};

export interface ScanSource extends Emitter<ScanSourceEvents> {
  readonly name: string;
  /** The latest status, so a caller that subscribes late still knows where things stand. */
  readonly status: StatusEvent;
  /** Resolves once the source is running; a device that is absent is polled for, not an error. */
  start(): Promise<void>;
  /** Releases the device and every timer; never rejects. */
  stop(): Promise<void>;
}

/** 'ready' after a successful command, 'error' after a failed one, 'idle' before the first. */
export type RelayState = 'ready' | 'error' | 'idle';

export type RelayStatus = DeviceStatus<RelayState>;

export type RelayEvents = StatusEvents<RelayState>;

export interface Relay extends Emitter<RelayEvents> {
  readonly name: string;
  readonly status: RelayStatus;
  /**
   * Closes the relay, waits `ms`, opens it. Never rejects: failures land in `status`.
   * A pulse asked for while one is running keeps the relay closed until the later end.
   */
  pulse(ms: number): Promise<void>;
  /** Opens the relay if it is closed and releases the device; never rejects. */
  close(): Promise<void>;
}
