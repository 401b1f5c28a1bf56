// A code whose first keys arrived just before a stall in key delivery (a busy
// PC, a Bluetooth gun sending in clumps) reaches the page as a person's keys
// followed by a shorter scan. When the two together make a code, they belong
// together: this puts them back.
import { BARE_CODE, GP1_PREFIX, SETUP_PREFIX } from '../../../protocol/scan-text.js';

/** What a gate is shown: a GP1 ticket, a GPS1 setup code, or a bare ticket code. */
export function looksLikeCode(text: string): boolean {
  const upper = text.toUpperCase();
  return upper.startsWith(GP1_PREFIX) || upper.startsWith(SETUP_PREFIX) || BARE_CODE.test(text.toLowerCase());
}

/** The scan's text, with the tail of the typed keys that belong to it moved over. */
export function rejoin(typed: string, scan: string): { text: string; typed: string } {
  if (looksLikeCode(scan)) return { text: scan, typed };
  for (let k = 1; k <= Math.min(8, typed.length); k++) {
    const candidate = typed.slice(-k) + scan;
    if (looksLikeCode(candidate)) return { text: candidate, typed: typed.slice(0, -k) };
  }
  return { text: scan, typed };
}
