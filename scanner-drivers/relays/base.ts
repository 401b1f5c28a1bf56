// What every relay shares: a pulse closes the contact, holds it, opens it; a pulse
// that arrives while one runs stretches it instead of chattering the turnstile; and
// nothing a relay does may throw into, or hold up, the verdict that asked for it.
import { TypedEmitter } from '../emitter.js';
import type { Relay, RelayEvents, RelayState, RelayStatus } from '../types.js';

export const MAX_PULSE_MS = 60_000;

export interface RelayTiming {
  /** A command that has not completed after this long counts as failed. Default 1000 ms. */
  commandTimeoutMs?: number;
}

export abstract class BaseRelay extends TypedEmitter<RelayEvents> implements Relay {
  abstract readonly name: string;
  private current: RelayStatus = { state: 'idle', detail: 'no pulse yet' };
  private active: { end: number; done: Promise<void> } | undefined;
  private readonly commandTimeoutMs: number;

  constructor(timing: RelayTiming = {}) {
    super();
    this.commandTimeoutMs = timing.commandTimeoutMs ?? 1000;
  }

  get status(): RelayStatus {
    return this.current;
  }

  /** Drives the contact: true closes it (turnstile free), false opens it. */
  protected abstract apply(closed: boolean): Promise<void>;
  /** Releases the device; the next apply() opens it again. */
  protected abstract release(): Promise<void>;

  pulse(ms: number): Promise<void> {
    const length = Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_PULSE_MS) : 0;
    const end = Date.now() + length;
    if (this.active) {
      this.active.end = Math.max(this.active.end, end);
      return this.active.done;
    }
    const active = { end, done: Promise.resolve() };
    this.active = active;
    active.done = this.run(active).finally(() => {
      if (this.active === active) this.active = undefined;
    });
    return active.done;
  }

  async close(): Promise<void> {
    await this.active?.done;
    await this.release().catch(() => undefined);
  }

  private async run(active: { end: number }): Promise<void> {
    try {
      await this.command(true);
    } catch (err) {
      // A device that is not there says so; "could not close" is for a relay that is there and fails.
      this.setStatus('error', err instanceof MissingDeviceError ? err.message : `could not close the relay: ${message(err)}`);
      await this.release().catch(() => undefined);
      return;
    }
    for (let left = active.end - Date.now(); left > 0; left = active.end - Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, left));
    }
    // Left closed, the turnstile stays free: try hard to open it again.
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.command(false);
        this.setStatus('ready', 'last pulse closed and opened the relay');
        return;
      } catch (err) {
        lastError = err;
        await this.release().catch(() => undefined);
      }
    }
    this.setStatus('error', `could not open the relay again: ${message(lastError)}`);
  }

  private async command(closed: boolean): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.commandTimeoutMs} ms`)), this.commandTimeoutMs);
    });
    try {
      await Promise.race([this.apply(closed), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  protected setStatus(state: RelayState, detail: string): void {
    if (this.current.state === state && this.current.detail === detail) return;
    this.current = { state, detail };
    this.emit('status', this.current);
  }
}

/** Thrown when the relay's device is not there at all (a wrong path, an unplugged board), as opposed to one that fails. */
export class MissingDeviceError extends Error {}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
