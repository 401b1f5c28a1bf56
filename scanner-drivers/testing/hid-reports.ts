// HID POS input reports, byte for byte as hidapi delivers them (report ID first),
// in the 64-byte layout Honeywell and Access-IS document for HID POS mode. The
// literal dumps pin the layout independently of the builder below.

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.trim().split(/\s+/).map((h) => parseInt(h, 16)));
}

/** EAN-13 4006381333931, AIM ]E0, Honeywell code ID 'd' at byte 61. */
export const EAN13_REPORT = fromHex(`
02 0d 5d 45 30 34 30 30 36 33 38 31 33 33 33 39 33 31 00 00 00 00 00 00 00 00 00 00 00 00 00 00
00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 64 00 00`);

/** A 69-byte QR code in two reports: 56 bytes with the continuation bit, then 13. */
export const QR_TWO_REPORTS_TEXT = 'GP1:NCFOXN%TSMAHN-HMUK5QQ/8 BARCODE SPLIT ACROSS TWO HID REPORTS 0123';
export const QR_TWO_REPORTS = [
  fromHex(`
02 38 5d 51 31 47 50 31 3a 4e 43 46 4f 58 4e 25 54 53 4d 41 48 4e 2d 48 4d 55 4b 35 51 51 2f 38
20 42 41 52 43 4f 44 45 20 53 50 4c 49 54 20 41 43 52 4f 53 53 20 54 57 4f 20 48 49 44 73 00 01`),
  fromHex(`
02 0d 5d 51 31 20 52 45 50 4f 52 54 53 20 30 31 32 33 00 00 00 00 00 00 00 00 00 00 00 00 00 00
00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 73 00 00`),
];

/** Builds the reports a HID POS scanner sends for `text`: 56 data bytes per report, continuation bit on all but the last. */
export function hidPosReports(text: string, aim = ']Q1', reportId = 0x02): Uint8Array[] {
  const data = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i === 0 || i < data.length; i += 56) {
    const part = data.subarray(i, i + 56);
    const r = new Uint8Array(64);
    r[0] = reportId;
    r[1] = part.length;
    r.set(new TextEncoder().encode(aim.padEnd(3, '\0').slice(0, 3)), 2);
    r.set(part, 5);
    r[63] = i + 56 < data.length ? 1 : 0;
    out.push(r);
  }
  return out;
}
