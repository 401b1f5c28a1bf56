// There is no /dev/uhid here to fake a USB device, so these tests hand recorded
// report bytes to a stand-in for node-hid's HIDAsync and emit them as its 'data'
// event: the source's listener calls onReport, the very function that handles a
// real device's reports. Everything after the USB read is the production path.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { HidPosScanSource, type HidDeviceLike, type HidTarget } from './source.js';
import { HidPosAssembler, parseScannedDataReport } from './report.js';
import { parseVidPid, scannerCandidates } from './devices.js';
import { honeywellMenuReport } from './honeywell.js';
import { EAN13_REPORT, QR_TWO_REPORTS, QR_TWO_REPORTS_TEXT, fromHex, hidPosReports } from '../testing/hid-reports.js';
import type { ScanEvent, StatusEvent } from '../types.js';
import { gp1Like, rng } from '../testing/random.js';
import { nextStatus } from '../testing/wait.js';

class FakeHid extends EventEmitter implements HidDeviceLike {
  closed = false;
  features: number[][] = [];
  async close(): Promise<void> {
    this.closed = true;
  }
  async sendFeatureReport(data: number[] | Buffer): Promise<number> {
    this.features.push([...data]);
    return data.length;
  }
  /** What node-hid does when the device delivers a report. */
  deliver(report: Uint8Array): void {
    this.emit('data', Buffer.from(report));
  }
}

function rig(options: { honeywellSwitch?: boolean; pollMs?: number; present?: () => boolean } = {}) {
  const devices: FakeHid[] = [];
  const opened: HidTarget[] = [];
  const source = new HidPosScanSource({
    target: { vendorId: 0x0c2e, productId: 0x0b61 },
    honeywellSwitch: options.honeywellSwitch,
    pollMs: options.pollMs ?? 2000,
    open: async (target) => {
      opened.push(target);
      if (options.present && !options.present()) throw Object.assign(new Error('no HID device 0c2e:0b61'), { code: 'ENODEV' });
      const d = new FakeHid();
      devices.push(d);
      return d;
    },
  });
  const scans: ScanEvent[] = [];
  const statuses: StatusEvent[] = [];
  source.on('scan', (s) => scans.push(s));
  source.on('status', (s) => statuses.push(s));
  return { source, devices, opened, scans, statuses };
}

describe('HID POS reports', () => {
  it('reads a single-report EAN-13 with its AIM symbology', async () => {
    const { source, devices, scans } = rig();
    await source.start();
    devices[0]!.deliver(EAN13_REPORT);
    expect(scans).toMatchObject([{ text: '4006381333931', symbology: 'ean-13', source: 'hid:0c2e:0b61' }]);
    await source.stop();
  });

  it('joins a code continued over two reports', async () => {
    const { source, devices, scans } = rig();
    await source.start();
    devices[0]!.deliver(QR_TWO_REPORTS[0]!);
    expect(scans).toEqual([]);
    devices[0]!.deliver(QR_TWO_REPORTS[1]!);
    expect(scans).toMatchObject([{ text: QR_TWO_REPORTS_TEXT, symbology: 'qr' }]);
    await source.stop();
  });

  it('joins a 250-character GP1 ticket over five reports, twice in a row', async () => {
    const { source, devices, scans } = rig();
    await source.start();
    const random = rng(42);
    const codes = [gp1Like(random), gp1Like(random)];
    for (const code of codes) {
      const reports = hidPosReports(code);
      expect(reports).toHaveLength(5);
      for (const r of reports) devices[0]!.deliver(r);
    }
    expect(scans.map((s) => s.text)).toEqual(codes);
    await source.stop();
  });

  it('drops reports that are not scanned data, says so, and keeps reading', async () => {
    const { source, devices, scans, statuses } = rig();
    await source.start();
    devices[0]!.deliver(fromHex('02 01 00'));
    devices[0]!.deliver(fromHex('fd 10 41 42'));
    expect(statuses.filter((s) => s.state === 'error').map((s) => s.detail)).toEqual([
      'dropped a report: report of 3 bytes is too short',
      'dropped a report: report ID 0xfd is not scanned data (0x02)',
    ]);
    devices[0]!.deliver(EAN13_REPORT);
    expect(scans).toHaveLength(1);
    expect(source.status.state).toBe('connected');
    await source.stop();
  });

  it('survives a length byte larger than the report and noise bytes inside the data', () => {
    const r = hidPosReports('ABC123')[0]!;
    r[1] = 200;
    expect(parseScannedDataReport(r)).toMatchObject({ ok: true, warning: expect.stringMatching(/exceeds the 56-byte/) });
    const noisy = hidPosReports('ABC\u0007123')[0]!;
    expect(new HidPosAssembler().push(noisy)).toEqual({ scan: { text: 'ABC123', symbology: 'qr' }, problem: 'dropped 1 unexpected byte(s) from a code' });
  });

  it('takes an AIM id from the data when the AIM field is empty', () => {
    expect(new HidPosAssembler().push(hidPosReports(']C0PART-0042', '\0\0\0')[0]!)).toEqual({ scan: { text: 'PART-0042', symbology: 'code-128' } });
  });
});

describe('HID POS device handling', () => {
  it('sends the Honeywell HID POS switch report on open when configured', async () => {
    const { source, devices } = rig({ honeywellSwitch: true });
    await source.start();
    const sent = devices[0]!.features[0]!;
    expect(sent.slice(0, 12)).toEqual([0xfd, 10, 0x16, 0x4d, 0x0d, ...'PAP131.'.split('').map((c) => c.charCodeAt(0))]);
    expect(sent).toHaveLength(64);
    expect(honeywellMenuReport('PAP131.')).toEqual(sent);
    await source.stop();
    expect(devices[0]!.closed).toBe(true);
  });

  it('reports an unplug (read error), reopens on the next poll, and reads again', async () => {
    let present = true;
    const { source, devices, scans, statuses } = rig({ pollMs: 50, present: () => present });
    await source.start();
    present = false;
    const gone = nextStatus(source, (s) => s.state === 'disconnected');
    devices[0]!.emit('error', new Error('could not read from HID device'));
    await gone;
    expect(devices[0]!.closed).toBe(true);
    const back = nextStatus(source, (s) => s.state === 'connected');
    present = true;
    await back;
    devices[1]!.deliver(EAN13_REPORT);
    expect(scans).toHaveLength(1);
    expect(statuses.map((s) => s.state)).toEqual(['connected', 'disconnected', 'connected']);
    await source.stop();
  });
});

describe('HID candidates', () => {
  it('lists known scanner vendors and any usage page 0x8C interface, not other HID devices', () => {
    const list = scannerCandidates([
      { vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw3', release: 1, interface: 0, usagePage: 0x8c, product: 'Xenon 1900' },
      { vendorId: 0x046d, productId: 0xc52b, path: '/dev/hidraw0', release: 1, interface: 0, usagePage: 0x01 },
      { vendorId: 0x1234, productId: 0x0001, path: '/dev/hidraw5', release: 1, interface: 0, usagePage: 0x8c },
      { vendorId: 0x05e0, productId: 0x1200, path: '/dev/hidraw6', release: 1, interface: 0, usagePage: 0x01 },
    ]);
    expect(list.map((c) => [c.id, c.vendor, c.hidPos])).toEqual([
      ['0c2e:0b61', 'Honeywell', true],
      ['1234:0001', 'vendor 0x1234', true],
      ['05e0:1200', 'Zebra/Symbol', false],
    ]);
  });

  it('parses VID:PID as venue IT types it', () => {
    expect(parseVidPid('0c2e:0b61')).toEqual({ vendorId: 0x0c2e, productId: 0x0b61 });
    expect(parseVidPid('0x05E0:0x1200')).toEqual({ vendorId: 0x05e0, productId: 0x1200 });
    expect(parseVidPid('honeywell')).toBeNull();
  });
});
