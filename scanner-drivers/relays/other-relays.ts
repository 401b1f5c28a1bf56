// DCTTech USB HID relays (the common "USBRelay1/2/4/8" boards) and the no-relay case.
import HID from 'node-hid';
import { BaseRelay, type RelayTiming } from './base.js';

export const DCTTECH_VENDOR_ID = 0x16c0;
export const DCTTECH_PRODUCT_ID = 0x05df;

/** Feature report: report ID 0, then FF (close) or FD (open), the 1-based channel, zero padding to 9 bytes. */
export function dcttechReport(channel: number, closed: boolean): number[] {
  return [0x00, closed ? 0xff : 0xfd, channel, 0, 0, 0, 0, 0, 0];
}

export interface FeatureDevice {
  sendFeatureReport(data: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
}

export interface DctTechRelayOptions extends RelayTiming {
  channel?: number;
  /** A hidraw path, when several boards are attached. */
  path?: string;
  /** Opens the board; node-hid by default. */
  open?: () => Promise<FeatureDevice>;
}

export class DctTechRelay extends BaseRelay {
  readonly name: string;
  private device: FeatureDevice | undefined;
  private readonly channel: number;
  private readonly open: () => Promise<FeatureDevice>;

  constructor(options: DctTechRelayOptions = {}) {
    super(options);
    this.channel = options.channel ?? 1;
    if (!Number.isInteger(this.channel) || this.channel < 1 || this.channel > 8) throw new Error(`DCTTech channel must be 1–8, got ${options.channel}`);
    const path = options.path;
    this.open = options.open ?? (() => (path ? HID.HIDAsync.open(path) : HID.HIDAsync.open(DCTTECH_VENDOR_ID, DCTTECH_PRODUCT_ID)));
    this.name = `dcttech:${path ?? '16c0:05df'}#${this.channel}`;
  }

  protected async apply(closed: boolean): Promise<void> {
    this.device ??= await this.open();
    await this.device.sendFeatureReport(dcttechReport(this.channel, closed));
  }

  protected async release(): Promise<void> {
    const d = this.device;
    this.device = undefined;
    await d?.close();
  }
}

/** For gates with no turnstile, or a turnstile wired elsewhere. */
export class NoRelay extends BaseRelay {
  readonly name = 'none';

  override pulse(_ms?: number): Promise<void> {
    this.setStatus('ready', 'no relay configured');
    return Promise.resolve();
  }

  protected async apply(): Promise<void> {}

  protected async release(): Promise<void> {}
}
