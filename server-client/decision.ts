// What the server client tells the station core about one scan: admit or deny,
// why, whether the station decided it alone, and what the ticket says.
import type { TicketInfo } from '../protocol/gp1.js';
import type { RejectionReason } from '../protocol/reasons.js';

/** The server's rejection reasons plus the station's own: it could not ask anyone. */
export type DenyReason = RejectionReason | 'cannot_verify';

export interface Decision {
  kind: 'admit' | 'deny';
  reason?: DenyReason;
  /** decided from the offline bundle, not by the server */
  offline: boolean;
  ticket?: TicketInfo;
  redeemedAt?: number;
  redeemedGate?: string;
  validFrom?: number;
  validUntil?: number;
  /** the ticket code, when the text was a ticket */
  code?: string;
  /** the scanId the server saw (or the journal will carry) */
  scanId: string;
  /** for the log: why the station decided what it did */
  detail?: string;
}
