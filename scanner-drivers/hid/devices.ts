// Finding HID POS scanners. A gun in HID POS mode shows usage page 0x8C; the vendor
// list catches the common makes even where the OS does not report usage pages.
import HID from 'node-hid';
import { HID_POS_USAGE_PAGE } from './report.js';

export const SCANNER_VENDORS: Record<number, string> = {
  0x0c2e: 'Honeywell',
  0x05e0: 'Zebra/Symbol',
  0x05f9: 'Datalogic',
  0x1eab: 'Newland',
  0x23d0: 'vendor 0x23D0',
};

export interface HidCandidate {
  vendorId: number;
  productId: number;
  path: string | null;
  vendor: string;
  product: string | null;
  usagePage: number | null;
  /** True when the interface declares usage page 0x8C (HID POS), not keyboard mode. */
  hidPos: boolean;
  /** `VID:PID` in hex, as `gatepost scanners listen --hid` takes it. */
  id: string;
}

export function vidPid(vendorId: number, productId: number): string {
  return `${vendorId.toString(16).padStart(4, '0')}:${productId.toString(16).padStart(4, '0')}`;
}

/** Parses `VID:PID` in hex (`0c2e:0b61`, `0x0C2E:0x0B61`); null when malformed. */
export function parseVidPid(spec: string): { vendorId: number; productId: number } | null {
  const m = /^(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})$/i.exec(spec.trim());
  return m ? { vendorId: parseInt(m[1]!, 16), productId: parseInt(m[2]!, 16) } : null;
}

export function toCandidate(d: HID.Device): HidCandidate {
  return {
    vendorId: d.vendorId,
    productId: d.productId,
    path: d.path ?? null,
    vendor: SCANNER_VENDORS[d.vendorId] ?? d.manufacturer ?? `vendor 0x${d.vendorId.toString(16)}`,
    product: d.product ?? null,
    usagePage: d.usagePage ?? null,
    hidPos: d.usagePage === HID_POS_USAGE_PAGE,
    id: vidPid(d.vendorId, d.productId),
  };
}

/** HID interfaces that are, or may be, barcode scanners: usage page 0x8C or a known scanner vendor. */
export function scannerCandidates(devices: HID.Device[]): HidCandidate[] {
  return devices.filter((d) => d.usagePage === HID_POS_USAGE_PAGE || d.vendorId in SCANNER_VENDORS).map(toCandidate);
}

export async function listHidScanners(): Promise<HidCandidate[]> {
  return scannerCandidates(await HID.devicesAsync());
}
