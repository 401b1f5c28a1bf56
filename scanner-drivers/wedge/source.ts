// The keyboard wedge as a ScanSource: the renderer feeds it every keydown, it emits
// scans, and hands back the keys a person typed (event 'keys') so the UI can apply
// them to whatever field has focus. The idle timer runs on the same clock as the
// key times, performance.now() by default, which is what KeyboardEvent.timeStamp uses.
import { TypedEmitter } from '../emitter.js';
import type { ScanSource, ScanSourceEvents, StatusEvent } from '../types.js';
import { WedgeDetector, type KeyEvent, type WedgeOutput, type WedgeSettings } from './detector.js';

export type WedgeSourceEvents = ScanSourceEvents & { keys: [KeyEvent[]] };

export interface WedgeSourceOptions extends Partial<WedgeSettings> {
  name?: string;
  /** The clock key times are on. */
  now?: () => number;
}

export class KeyboardWedgeSource extends TypedEmitter<WedgeSourceEvents> implements ScanSource {
  readonly name: string;
  readonly detector: WedgeDetector;
  private readonly now: () => number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private current: StatusEvent = { state: 'disconnected', detail: 'not started' };

  constructor(options: WedgeSourceOptions = {}) {
    super();
    const { name = 'wedge', now = () => performance.now(), ...settings } = options;
    this.name = name;
    this.now = now;
    this.detector = new WedgeDetector(settings);
  }

  get status(): StatusEvent {
    return this.current;
  }

  async start(): Promise<void> {
    this.running = true;
    this.setStatus({ state: 'connected', detail: 'listening to the keyboard' });
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // Keys already typed are the user's: hand them over rather than lose them.
    if (this.running) this.deliver(this.detector.flush());
    this.running = false;
    this.setStatus({ state: 'disconnected', detail: 'stopped' });
  }

  /** Feeds one keydown. Ignored while stopped. */
  feed(event: KeyEvent): void {
    if (!this.running) return;
    this.deliver(this.detector.push(event));
    this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = this.detector.deadline();
    if (deadline === null) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.deliver(this.detector.flush(this.now()));
      this.arm();
    }, Math.max(0, deadline - this.now()));
  }

  private deliver(outputs: WedgeOutput[]): void {
    for (const o of outputs) {
      if (o.kind === 'keys') this.emit('keys', o.keys);
      else this.emit('scan', { text: o.text, symbology: o.symbology, source: this.name, at: Date.now() });
    }
  }

  private setStatus(s: StatusEvent): void {
    this.current = s;
    this.emit('status', s);
  }
}
