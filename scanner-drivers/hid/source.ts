// A HID POS scanner as a ScanSource (node-hid, HIDAsync). Reports arrive through
// onReport, the one function node-hid's 'data' event calls; tests feed recorded
// report bytes to a stand-in device through the same path.
import HID from 'node-hid';
import { PolledSource, retryingEvery } from '../polled-source.js';
import { HidPosAssembler, HID_POS_USAGE_PAGE, SCANNED_DATA_REPORT_ID } from './report.js';
import { vidPid } from './devices.js';
import { HONEYWELL_HID_POS_COMMAND, honeywellMenuReport } from './honeywell.js';

/** The part of node-hid's HIDAsync this source uses. */
export interface HidDeviceLike {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): Promise<void>;
  sendFeatureReport(data: number[] | Buffer): Promise<number>;
}

export type HidTarget = { vendorId: number; productId: number } | { path: string };

export interface HidPosSourceOptions {
  target: HidTarget;
  /** Report ID of scanned-data input reports. Default 0x02. */
  reportId?: number;
  /** Send the Honeywell "switch to HID POS" menu command on open. Default false. */
  honeywellSwitch?: boolean;
  /** How often to look for the device while it is away. Default 2000 ms. */
  pollMs?: number;
  name?: string;
  /** Opens the device; node-hid by default. */
  open?: (target: HidTarget) => Promise<HidDeviceLike>;
}

/** Opens by path, or by VID:PID preferring the interface that declares usage page 0x8C (composite guns also expose a keyboard). */
export async function openHidDevice(target: HidTarget): Promise<HidDeviceLike> {
  if ('path' in target) return HID.HIDAsync.open(target.path);
  const matches = await HID.devicesAsync(target.vendorId, target.productId);
  const pos = matches.find((d) => d.usagePage === HID_POS_USAGE_PAGE && d.path) ?? matches.find((d) => d.path);
  if (!pos?.path) throw Object.assign(new Error(`no HID device ${vidPid(target.vendorId, target.productId)}`), { code: 'ENODEV' });
  return HID.HIDAsync.open(pos.path);
}

export class HidPosScanSource extends PolledSource {
  readonly name: string;
  private readonly options: Required<Omit<HidPosSourceOptions, 'name'>>;
  private readonly label: string;
  private device: HidDeviceLike | undefined;
  private assembler: HidPosAssembler;

  constructor(options: HidPosSourceOptions) {
    super();
    this.options = {
      target: options.target,
      reportId: options.reportId ?? SCANNED_DATA_REPORT_ID,
      honeywellSwitch: options.honeywellSwitch ?? false,
      pollMs: options.pollMs ?? 2000,
      open: options.open ?? openHidDevice,
    };
    const t = options.target;
    this.label = 'path' in t ? t.path : vidPid(t.vendorId, t.productId);
    this.name = options.name ?? `hid:${this.label}`;
    this.assembler = new HidPosAssembler(this.options.reportId);
  }

  protected async release(): Promise<void> {
    const device = this.device;
    this.device = undefined;
    if (device) await device.close().catch(() => undefined);
  }

  /** Handles one input report exactly as node-hid delivers it (report ID first). */
  onReport(data: Uint8Array): void {
    const { scan, problem } = this.assembler.push(data);
    if (problem) this.setStatus('error', problem);
    if (!scan) return;
    if (this.status.state === 'error' && !problem) this.setStatus('connected', `${this.label} receiving`);
    this.emit('scan', { ...scan, source: this.name, at: Date.now() });
  }

  protected async open(): Promise<void> {
    let device: HidDeviceLike;
    try {
      device = await this.options.open(this.options.target);
    } catch (err) {
      if (!this.running) return;
      const e = err as { message?: string; code?: string };
      const retry = retryingEvery(this.options.pollMs);
      if (e.code === 'ENODEV' || /could not open|no hid device|cannot open/i.test(e.message ?? '')) {
        this.setStatus('disconnected', `${this.label} is not present${retry}`);
      } else this.setStatus('error', `cannot open ${this.label}: ${e.message ?? String(err)}${retry}`);
      this.schedulePoll();
      return;
    }
    if (!this.running) {
      await device.close().catch(() => undefined);
      return;
    }
    this.device = device;
    this.assembler = new HidPosAssembler(this.options.reportId);
    device.on('data', (data) => this.onReport(data));
    device.on('error', (err) => void this.onDeviceError(device, err));
    if (this.options.honeywellSwitch) {
      try {
        await device.sendFeatureReport(honeywellMenuReport(HONEYWELL_HID_POS_COMMAND));
      } catch (err) {
        this.setStatus('error', `Honeywell HID POS switch refused: ${(err as Error).message}`);
        return;
      }
    }
    this.setStatus('connected', `${this.label} open`);
  }

  /** node-hid reports an unplug as a read error on the device. */
  private async onDeviceError(device: HidDeviceLike, err: Error): Promise<void> {
    if (this.device !== device) return;
    this.device = undefined;
    await device.close().catch(() => undefined);
    if (!this.running) return;
    this.setStatus('disconnected', `${this.label} went away (${err.message})${retryingEvery(this.options.pollMs)}`);
    this.schedulePoll();
  }

  private schedulePoll(): void {
    this.schedule(this.options.pollMs, () => this.open());
  }
}
