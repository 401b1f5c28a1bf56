// What the server client tells the station core about one scan: the verdict the
// station shows, and for the core and its log the scan ID, the code and why.
import type { StationVerdict } from '../protocol/verdict.js';

export type Decision = StationVerdict & {
  /** the ticket code, when the text was a ticket */
  code?: string;
  /** the scanId the server saw (or the journal will carry) */
  scanId: string;
  /** for the log: why the station decided what it did */
  detail?: string;
  /**
   * Why a `cannot_verify` refusal was not the server's silence, for the attendant's line:
   * `not_enrolled`, the station has no server to ask; `refused`, the server answered and
   * refused this station's request (its token, its provider).
   */
  cause?: 'not_enrolled' | 'refused';
};
