// HID POS (usage page 0x8C) scanned-data input reports, as hidapi hands them over:
// the report ID byte first. The layout is the one Honeywell, Access-IS, Newland and
// others document for their HID POS mode (64-byte reports):
//
//   [0]      report ID (0x02: scanned data)
//   [1]      number of data bytes in this report (0–56)
//   [2..4]   AIM symbology identifier, e.g. ']' 'Q' '1' (zeros when the scanner has none)
//   [5..60]  data, zero-padded
//   [61..62] vendor symbology code / reserved (ignored)
//   [63]     bit 0: more reports of this code follow
//
// A code longer than 56 bytes comes as several reports joined in order.
import { stripAim, symbologyOfAim } from '../aim.js';
import { frameToText } from '../serial/text.js';

export const HID_POS_USAGE_PAGE = 0x8c;
export const SCANNED_DATA_REPORT_ID = 0x02;
export const REPORT_DATA_OFFSET = 5;
export const REPORT_DATA_MAX = 56;
export const CONTINUATION_INDEX = 63;
/** A code longer than this is runaway continuation, not a ticket. */
const MAX_CODE_BYTES = 8192;

export interface ParsedReport {
  aim: string | null;
  data: Uint8Array;
  more: boolean;
  /** Set when the report was odd but still usable (e.g. a length byte beyond the data field). */
  warning?: string;
}

export type ReportParse = ({ ok: true } & ParsedReport) | { ok: false; why: string };

export function parseScannedDataReport(report: Uint8Array, reportId = SCANNED_DATA_REPORT_ID): ReportParse {
  if (report.length === 0) return { ok: false, why: 'empty report' };
  if (report[0] !== reportId) return { ok: false, why: `report ID 0x${hex(report[0]!)} is not scanned data (0x${hex(reportId)})` };
  if (report.length < REPORT_DATA_OFFSET) return { ok: false, why: `report of ${report.length} bytes is too short` };
  const declared = report[1]!;
  const room = Math.min(REPORT_DATA_MAX, report.length - REPORT_DATA_OFFSET);
  const length = Math.min(declared, room);
  const aimBytes = report.subarray(2, 5);
  const aim = aimBytes[0] === 0x5d ? String.fromCharCode(...aimBytes) : null;
  const more = report.length > CONTINUATION_INDEX && (report[CONTINUATION_INDEX]! & 0x01) === 1;
  const data = report.slice(REPORT_DATA_OFFSET, REPORT_DATA_OFFSET + length);
  if (declared > room) return { ok: true, aim, data, more, warning: `length byte ${declared} exceeds the ${room}-byte data field` };
  return { ok: true, aim, data, more };
}

export interface AssembledScan {
  text: string;
  symbology: string;
}

export interface AssemblerResult {
  scan?: AssembledScan;
  /** Something was dropped or looked wrong; for the source's status. */
  problem?: string;
}

/** Joins continued reports into one code. */
export class HidPosAssembler {
  private parts: Uint8Array[] = [];
  private size = 0;
  private aim: string | null = null;

  constructor(readonly reportId = SCANNED_DATA_REPORT_ID) {}

  push(report: Uint8Array): AssemblerResult {
    const parsed = parseScannedDataReport(report, this.reportId);
    if (!parsed.ok) return { problem: `dropped a report: ${parsed.why}` };
    if (this.parts.length === 0) this.aim = parsed.aim;
    this.parts.push(parsed.data);
    this.size += parsed.data.length;
    if (this.size > MAX_CODE_BYTES) {
      this.reset();
      return { problem: `dropped a code: continued past ${MAX_CODE_BYTES} bytes` };
    }
    if (parsed.more) return parsed.warning ? { problem: parsed.warning } : {};
    const joined = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      joined.set(p, o);
      o += p.length;
    }
    const aim = this.aim;
    this.reset();
    const t = frameToText(joined, false);
    let text = t.text;
    let symbology = aim ? symbologyOfAim(aim) : 'unknown';
    // Some scanners leave the AIM field empty and put the id in the data instead.
    if (!aim) ({ text, symbology } = stripAim(text));
    const problems = [parsed.warning, t.dropped > 0 ? `dropped ${t.dropped} unexpected byte(s) from a code` : undefined].filter(Boolean);
    return {
      ...(text.length > 0 ? { scan: { text, symbology } } : {}),
      ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
    };
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.aim = null;
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
