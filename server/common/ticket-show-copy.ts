// What both servers' tickets tables keep of a ticket's show and seat, so that
// one row answers a verify (the provider) or a ticket's page (the booking
// server) without reading the show. Each server's 001_initial makes these
// columns, in this order: databases have run it, so a change to them is a new
// migration of the server it concerns, never an edit here.

export interface TicketShowCopy {
  show_id: string;
  seat_id: string;
  seat_label: string;
  title: string;
  venue: string;
  hall: string;
  starts_at: number;
}

export const TICKET_SHOW_COPY_COLUMNS = {
  show_id: 'text not null',
  seat_id: 'text not null',
  seat_label: 'text not null',
  title: 'text not null',
  venue: 'text not null',
  hall: 'text not null',
  starts_at: 'bigint not null',
} as const satisfies Record<keyof TicketShowCopy, string>;
