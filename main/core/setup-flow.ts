// The settings PIN and the setup QR: who may open the settings, and what a scanned
// `GPS1:` code may do (setup.ts decides; this carries it out). A setup code is never a
// ticket and never opens the gate; its one-time code is spent only once the PIN is in.
import { decodeSetupPayload } from '../../protocol/booking-api.js';
import type { Notice, SetupResult } from '../bridge/contract.js';
import { checkPin, hashPin, PIN_RULE, PinGuard, validPin } from '../config/pin.js';
import { insecureServerUrl } from '../config/schema.js';
import type { ConfigStore } from '../config/store.js';
import type { Logger } from '../log.js';
import { PendingSetupHolder, setupDecision } from './setup.js';

export type PinCheck = { ok: true } | { ok: false; message: string; retryAfterMs?: number };
export type PinChange = { ok: true; pinHash: string } | { ok: false; errors: { field: string; message: string }[] };
export type EnrollResult = { ok: true } | { ok: false; field: string; message: string };

export interface SetupFlowOptions {
  config: ConfigStore;
  log: Logger;
  /** the PIN back-off's file: tries count across restarts */
  pinGuardFile: string;
  enroll(code: string, serverUrl: string): Promise<EnrollResult>;
  notice(n: Notice): void;
  /** settings are open with the PIN on some screen */
  settingsOpenWithPin(): boolean;
  /** a setup code is now held or no longer: the screens show it */
  changed(): void;
}

export class SetupFlow {
  readonly pending: PendingSetupHolder;
  private readonly pinGuard: PinGuard;

  constructor(private readonly o: SetupFlowOptions) {
    this.pinGuard = new PinGuard(o.pinGuardFile, (err) => o.log.error({ err: err.message }, 'the PIN back-off file could not be read or written'));
    this.pending = new PendingSetupHolder(() => o.changed(), o.log);
  }

  /** Checks the settings PIN against the back-off; every screen's tries count together. */
  async checkSettingsPin(pin: string): Promise<PinCheck> {
    const pinHash = this.o.config.current.pinHash;
    if (pinHash === null) return { ok: true };
    const wait = await this.pinGuard.begin();
    if (wait > 0) return { ok: false, message: 'too many wrong PINs', retryAfterMs: wait };
    if (!(await checkPin(pin, pinHash))) {
      this.o.log.warn({}, 'wrong settings PIN entered');
      const after = this.pinGuard.retryAfter();
      return after > 0 ? { ok: false, message: 'wrong PIN', retryAfterMs: after } : { ok: false, message: 'wrong PIN' };
    }
    await this.pinGuard.succeeded();
    return { ok: true };
  }

  /** Saves a first or new settings PIN. */
  async setPin(pin: string): Promise<PinChange> {
    if (!validPin(pin)) return { ok: false, errors: [{ field: 'pin', message: PIN_RULE }] };
    const result = this.o.config.replace({ ...this.o.config.current, pinHash: await hashPin(pin) });
    if (!result.ok) return { ok: false, errors: result.errors };
    this.o.log.info({}, 'settings PIN changed');
    return { ok: true, pinHash: result.config.pinHash! };
  }

  /**
   * The PIN for a held setup QR, entered (or chosen, when none is set) on a
   * screen: only then is the one-time code spent.
   */
  async confirmSetup(pin: string): Promise<SetupResult> {
    const held = this.pending.current;
    if (!held) return { ok: false, field: 'code', message: 'no setup code is waiting: scan it again' };
    if (this.o.config.current.enrollment !== null) {
      this.pending.clear();
      return { ok: false, field: 'code', message: 'this station is already enrolled: open settings with the PIN to re-enroll it' };
    }
    if (this.o.config.current.pinHash === null) {
      const set = await this.setPin(pin);
      if (!set.ok) return { ok: false, field: 'pin', message: set.errors[0]?.message ?? PIN_RULE };
    } else {
      const checked = await this.checkSettingsPin(pin);
      if (!checked.ok) return { ok: false, field: 'pin', message: checked.message, ...(checked.retryAfterMs ? { retryAfterMs: checked.retryAfterMs } : {}) };
    }
    // The code is spent by this try whatever the answer: hold it no longer.
    const setup = this.pending.take();
    if (!setup) return { ok: false, field: 'code', message: 'no setup code is waiting: scan it again' };
    const result = await this.o.enroll(setup.enrollment, setup.serverUrl);
    if (!result.ok) {
      this.o.notice({ level: 'error', key: 'enroll_failed', params: { message: result.message } });
      return { ok: false, field: result.field === 'serverUrl' ? 'serverUrl' : 'code', message: result.message };
    }
    return { ok: true };
  }

  cancelSetup(): void {
    if (this.pending.current) this.o.log.info({}, 'a scanned setup QR was cancelled on the screen');
    this.pending.clear();
  }

  /** A `GPS1:` setup QR, from any source: see setup.ts for what it may do. */
  async scanned(text: string): Promise<void> {
    const { config, log } = this.o;
    const setup = decodeSetupPayload(text);
    if (!setup) {
      log.warn({}, 'a setup QR that is not valid was scanned');
      this.o.notice({ level: 'error', key: 'enroll_failed', params: { message: 'not a valid setup code' } });
      return;
    }
    const c = config.current;
    const decision = setupDecision({ enrolled: c.enrollment !== null, pinSet: c.pinHash !== null, settingsOpen: this.o.settingsOpenWithPin() });
    if (decision === 'ignore') {
      log.warn({ pinSet: c.pinHash !== null }, 'a setup QR was scanned on an enrolled station without settings open with the PIN: ignored');
      this.o.notice({ level: 'warn', key: 'setup_ignored' });
      return;
    }
    if (!c.allowInsecureHttp && insecureServerUrl(setup.serverUrl)) {
      log.warn({ serverUrl: setup.serverUrl }, 'a setup QR names a plain-http server on another machine: refused (set allowInsecureHttp to allow)');
      this.o.notice({ level: 'error', key: 'setup_insecure', params: { url: setup.serverUrl } });
      return;
    }
    if (decision === 'ask_pin') {
      log.info({ serverUrl: setup.serverUrl, pinSet: c.pinHash !== null }, 'a setup QR was scanned: waiting for the PIN on the screen');
      this.pending.hold(setup);
      return;
    }
    this.pending.clear();
    const result = await this.o.enroll(setup.enrollment, setup.serverUrl);
    if (!result.ok) this.o.notice({ level: 'error', key: 'enroll_failed', params: { message: result.message } });
  }
}
