// One verdict, from the provider to the gate's screen (DESIGN.md, HTTP API):
// `result`, a `reason` when rejected, the ticket when known, and when and where
// an already used ticket was used. Every hop carries this one shape; what a hop
// changes is which ticket it holds and which reasons it may name:
//   provider → booking server   Verdict: the provider's ticket record (BatchVerdict per item of a batch)
//   booking server → station    ScanVerdict: the ticket as a gate shows it, without the provider's IDs
//   station core → screen       StationVerdict: also `cannot_verify` and `offline`; the ticket may be the QR's own text
// Also the station's connectivity, which the server client and the screen share.
// Times are epoch seconds.
import { z } from 'zod';
import { BATCH_REJECTION_REASONS, REJECTION_REASONS, SCAN_RESULTS, type DenyReason } from './reasons.js';

/**
 * The last second of the year 9999: a time past it cannot be shown as a date
 * (JavaScript's Date, ISO 8601, a ticket's printed validity), so a show or a
 * scan claimed later is refused where it comes in rather than failing the
 * ticket, the reminder and the gate's screen that would format it.
 */
export const LAST_EPOCH_SECOND = 253_402_300_799;
export const epochSeconds = z.number().int().nonnegative().max(LAST_EPOCH_SECOND);

/** The verdict's shape, for a list of reasons and a ticket. */
function verdictShape<const R extends readonly [string, ...string[]], T extends z.ZodType>(reasons: R, ticket: T) {
  return z.object({
    result: z.enum(SCAN_RESULTS),
    reason: z.enum(reasons).optional(),
    ticket: ticket.optional(),
    redeemedAt: epochSeconds.optional(),
    redeemedGate: z.string().optional(),
  });
}

/** The provider's record of a ticket, in its answer to `POST /v1/verify`. */
export const verdictTicketSchema = z.object({
  ticketId: z.string(),
  showId: z.string(),
  seatId: z.string(),
  title: z.string(),
  venue: z.string(),
  hall: z.string(),
  seat: z.string(),
  startsAt: epochSeconds,
  validFrom: epochSeconds,
  validUntil: epochSeconds,
});
export type VerdictTicket = z.infer<typeof verdictTicketSchema>;

/** The provider's answer to `POST /v1/verify`. */
export const verdictSchema = verdictShape(REJECTION_REASONS, verdictTicketSchema);
export type Verdict = z.infer<typeof verdictSchema>;

/**
 * One item of the provider's answer to `POST /v1/redemptions` (a station's
 * journal, or the online scans the booking server sends together). Its reason
 * may also be `scan_id_conflict`, where `/v1/verify` answers a 409 (reasons.ts).
 */
export const batchVerdictSchema = verdictShape(BATCH_REJECTION_REASONS, verdictTicketSchema).extend({ scanId: z.string() });
export type BatchVerdict = z.infer<typeof batchVerdictSchema>;

/**
 * A batch item as the verdict `/v1/verify` would have given for its scan, or
 * null when it is `scan_id_conflict`: that has no verdict (`/v1/verify` answers
 * it with a 409).
 */
export function itemVerdict(item: BatchVerdict): Verdict | null {
  const { scanId: _scanId, reason, ...verdict } = item;
  if (reason === 'scan_id_conflict') return null;
  return reason === undefined ? verdict : { ...verdict, reason };
}

/** The ticket as a gate shows it: what the booking server passes on of the provider's record. */
export const scanTicketSchema = z.object({
  title: z.string(),
  venue: z.string(),
  hall: z.string(),
  seat: z.string(),
  startsAt: epochSeconds,
  /** the validity window, so a gate can say when a ticket opens or when it ran out (bare codes carry none) */
  validFrom: epochSeconds.optional(),
  validUntil: epochSeconds.optional(),
});
export type ScanTicket = z.infer<typeof scanTicketSchema>;

/** The booking server's answer to `POST /api/v1/station/scan`, and per item of a journal upload. */
export const scanVerdictSchema = verdictShape(REJECTION_REASONS, scanTicketSchema);
export type ScanVerdict = z.infer<typeof scanVerdictSchema>;

/**
 * What a station knows of a ticket: the server's ScanTicket, or, when the server
 * gave none (offline, a refusal before the provider), what the QR itself says —
 * then any field may be missing.
 */
export type StationTicket = Partial<ScanTicket>;

/** The verdict a station shows: the server's, or the station's own when it could not ask. */
export type StationVerdict = Omit<ScanVerdict, 'reason' | 'ticket'> & {
  reason?: DenyReason;
  ticket?: StationTicket;
  /** decided by this station from its offline bundle, not by the server */
  offline: boolean;
};

/** Whether the station reaches its booking server: `unknown` until it has tried. */
export type Connectivity = 'online' | 'offline' | 'unknown';
