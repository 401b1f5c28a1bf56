// Answers of the booking server's staff API that the operator console reads
// and that have no schema in booking-api.ts: a ticket found at the desk
// (GET /api/v1/admin/tickets) and the Live page's summary of a show at its
// gates (GET /api/v1/console/live and its stream). Times are epoch seconds.

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

export interface LiveSummary {
  admitted: number;
  capacity: number | null;
  gates: { gate: string; admitted: number; denied: number }[];
  denials: { reason: string; count: number }[];
  recent: { at: number; gate: string; result: 'admitted' | 'rejected'; reason?: string; seat?: string }[];
  conflicts: { conflictId: string; ticketId: string | null; seat: string | null; gate: string; at: number; firstGate: string | null; firstAt: number | null }[];
  perMinute: { minute: number; gate: string; admitted: number }[];
}
