// What a scanned `GPS1:` setup QR may do. Whoever can hold a printed QR up to a
// scanner must not be able to repoint a gate, so a setup QR is only ever used
// by someone who knows the settings PIN, or chooses it now:
//  - settings open on a screen with the PIN: enroll at once;
//  - an enrolled station otherwise: ignored (said on the screen and in the log);
//  - a station not yet enrolled: held, and the screen asks for the PIN (or to
//    choose one when none is set) before the one-time code is spent.
import type { Logger } from '../log.js';

export type SetupDecision = 'enroll' | 'ask_pin' | 'ignore';

export function setupDecision(s: { enrolled: boolean; pinSet: boolean; settingsOpen: boolean }): SetupDecision {
  if (s.pinSet && s.settingsOpen) return 'enroll';
  return s.enrolled ? 'ignore' : 'ask_pin';
}

/** How long a scanned setup QR waits for its PIN: the life of the enrollment code. */
export const SETUP_HOLD_MS = 15 * 60_000;

export interface PendingSetup {
  serverUrl: string;
  enrollment: string;
}

/** The one setup QR waiting for its PIN; a newer scan replaces it, and it lapses with its code. */
export class PendingSetupHolder {
  private pending: PendingSetup | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly onChange: () => void,
    private readonly log: Logger,
  ) {}

  get current(): PendingSetup | null {
    return this.pending;
  }

  hold(setup: PendingSetup): void {
    clearTimeout(this.timer);
    this.pending = setup;
    this.timer = setTimeout(() => {
      this.log.info({}, 'a scanned setup QR lapsed without its PIN');
      this.clear();
    }, SETUP_HOLD_MS);
    this.timer.unref?.();
    this.onChange();
  }

  /** Hands the held setup over (once) and forgets it. */
  take(): PendingSetup | null {
    const p = this.pending;
    this.clear();
    return p;
  }

  clear(): void {
    clearTimeout(this.timer);
    if (this.pending === null) return;
    this.pending = null;
    this.onChange();
  }
}
