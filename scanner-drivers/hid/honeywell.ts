// Honeywell guns take their menu commands over USB HID as a report 0xFD carrying
// the same bytes as on a serial line: SYN 'M' CR, then the command. PAP131. selects
// the HID POS interface, which some models need before they send 0x8C reports.
// Layout as reverse-engineered in HenkVanAsselt/python_hon_usbhid (no public spec);
// byte 1 counts the bytes after it, as in that project's beep example.

export const HONEYWELL_COMMAND_REPORT_ID = 0xfd;
export const HONEYWELL_HID_POS_COMMAND = 'PAP131.';
const REPORT_SIZE = 64;

export function honeywellMenuReport(command: string): number[] {
  const body = [0x16, 0x4d, 0x0d, ...Array.from(command, (c) => c.charCodeAt(0) & 0x7f)];
  if (body.length > REPORT_SIZE - 2) throw new Error(`Honeywell menu command too long: ${command}`);
  const report = [HONEYWELL_COMMAND_REPORT_ID, body.length, ...body];
  while (report.length < REPORT_SIZE) report.push(0);
  return report;
}
