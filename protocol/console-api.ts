// Answers of the booking server's staff API that the operator console reads
// and that have no schema in booking-api.ts: a ticket found at the desk
// (GET /api/v1/admin/tickets), an audit log entry (GET /api/v1/admin/audit)
// and the Live page's summary of a show at its gates (GET /api/v1/console/live
// and its stream). Times are epoch seconds.
import { z } from 'zod';

export type TicketState = 'valid' | 'used' | 'revoked' | 'refunded';

export interface TicketHit {
  ticketId: string;
  orderId: string;
  providerId: string;
  showId: string;
  title: string;
  seat: string;
  startsAt: number;
  email: string;
  state: TicketState;
}

/** One entry of `GET /api/v1/admin/audit`: who did what, and when. */
export interface AuditEntry {
  auditId: number;
  at: number;
  /** the staff member's e-mail, or "admin token" */
  actor: string;
  /** `<thing>.<what happened>`: provider.register, station.revoke… */
  action: string;
  providerId: string | null;
  /** what was acted on: a staff, station, ticket or key ID */
  target: string | null;
  /** what changed and its new values; never a password, token or secret */
  details: Record<string, unknown>;
}

/** `GET /api/v1/console/live`: one show at one provider's gates. */
export const liveResponse = z.object({
  admitted: z.number().int(),
  capacity: z.number().int().nullable(),
  gates: z.array(z.object({ gate: z.string(), admitted: z.number().int(), denied: z.number().int() })),
  denials: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  /** newest first, at most 50 */
  recent: z.array(
    z.object({
      at: z.number().int(),
      gate: z.string(),
      result: z.enum(['admitted', 'rejected']),
      reason: z.string().optional(),
      seat: z.string().optional(),
      scanId: z.string().optional().describe('an admission: `<stationId>/<scanId>`, for POST /api/v1/admin/scans/:scanId/annul'),
      annulledAt: z.number().int().optional().describe('set once the admission was annulled; it then counts neither as admitted nor denied'),
    }),
  ),
  conflicts: z.array(
    z.object({
      conflictId: z.string(),
      ticketId: z.string().nullable(),
      seat: z.string().nullable(),
      gate: z.string(),
      at: z.number().int(),
      firstGate: z.string().nullable(),
      firstAt: z.number().int().nullable(),
    }),
  ),
  perMinute: z.array(z.object({ minute: z.number().int(), gate: z.string(), admitted: z.number().int() })),
});
export type LiveSummary = z.infer<typeof liveResponse>;
