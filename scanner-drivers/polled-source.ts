// What the device-backed scan sources (serial, HID, camera) share: start opens the
// device once, stop releases it and every timer, a device that is away or fails
// is tried again after a while with one timer, and a status is emitted only when
// it changes, so a device polled while absent does not repeat itself.
import { TypedEmitter } from './emitter.js';
import type { ScanSource, ScanSourceEvents, SourceState, StatusEvent } from './types.js';

/** The tail of a status detail for a device that is tried again every `ms`. */
export function retryingEvery(ms: number): string {
  return `; retrying every ${ms / 1000} s`;
}

export abstract class PolledSource extends TypedEmitter<ScanSourceEvents> implements ScanSource {
  abstract readonly name: string;
  protected running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current: StatusEvent = { state: 'disconnected', detail: 'not started' };

  get status(): StatusEvent {
    return this.current;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.release();
    this.setStatus('disconnected', 'stopped');
  }

  /** Opens the device; when it cannot, reports why and schedules the next try. */
  protected abstract open(): Promise<void>;
  /** Closes the device and the source's own timers; never rejects. */
  protected abstract release(): Promise<void>;

  /** Runs `next` after `ms` unless stopped by then; a later call replaces an earlier one. */
  protected schedule(ms: number, next: () => Promise<void> | void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) void next();
    }, ms);
  }

  protected setStatus(state: SourceState, detail: string): void {
    if (this.current.state === state && this.current.detail === detail) return;
    this.current = { state, detail };
    this.emit('status', this.current);
  }
}
