// What a ticket says (title, place, seat, times) is issued by the provider and copied
// by the booking server into its own row; both tables name these columns alike.

/** The columns of both servers' `tickets` tables that say what a ticket is for and when it is valid. */
export const TICKET_INFO_COLUMNS = ['show_id', 'seat_id', 'seat_label', 'title', 'venue', 'hall', 'starts_at', 'valid_from', 'valid_until'] as const;

/** The printed details of a ticket as both servers' `tickets` tables hold them. */
export interface TicketInfoColumns {
  title: string;
  venue: string;
  hall: string;
  seat_label: string;
  starts_at: number;
  valid_from: number;
  valid_until: number;
}

/** Those details as the wire, the verdict and the ticket image name them (epoch seconds). */
export interface TicketInfo {
  title: string;
  venue: string;
  hall: string;
  seat: string;
  startsAt: number;
  validFrom: number;
  validUntil: number;
}

/** Bigint columns may come back as strings from PostgreSQL, hence Number(). */
export function ticketInfo(row: TicketInfoColumns): TicketInfo {
  return {
    title: row.title,
    venue: row.venue,
    hall: row.hall,
    seat: row.seat_label,
    startsAt: Number(row.starts_at),
    validFrom: Number(row.valid_from),
    validUntil: Number(row.valid_until),
  };
}
