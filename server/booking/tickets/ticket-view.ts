// How a stored ticket is shown: to its owner (with its share link) and to
// whoever holds a share link; and the share token scheme. A share token is
// derived from the ticket ID and a generation number with a server-held HMAC
// key, so the owner can be shown the same link again while only its sha256 is
// stored for lookup; revoking bumps the generation, so the next link is a new one.
import { createHmac } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { BookingTicket, TicketRefund } from '../../../protocol/booking-api.js';
import type { TicketsTable } from '../schema.js';
import { ticketInfo } from '../../common/ticket-info.js';
import { sha256 } from '../secrets.js';
import { serverZone } from '../providers/venue-zone.js';

export type TicketRow = Selectable<TicketsTable>;

/** What a ticket's URLs are made of: where customers reach this server (known once it listens) and the key of share links. */
export interface TicketLinks {
  readonly publicUrl: string;
  readonly shareSecret: Buffer;
}

/** 192 bits, base64url. */
export function shareToken(secret: Buffer, ticketId: string, generation: number): string {
  return createHmac('sha256', secret).update(`gatepost-share\0${ticketId}\0${generation}`).digest().subarray(0, 24).toString('base64url');
}

export const shareHash = (token: string) => sha256(token);

export function shareUrl(links: TicketLinks, row: Pick<TicketRow, 'ticket_id' | 'share_generation'>): string {
  return `${links.publicUrl}/t/${shareToken(links.shareSecret, row.ticket_id, row.share_generation)}`;
}

/** What the owner's view adds from outside the ticket row: the venue's cancellation cutoff and the refund, if cancelled. */
export interface OwnerExtras {
  /** seconds before the show its owner may still cancel; undefined: not cancellable */
  cancelCutoffS?: number;
  refund?: TicketRefund | null;
  now?: number;
  /** the venue's zone (venue-zone.ts); default the server's */
  timeZone?: string;
}

export function ownerTicket(links: TicketLinks, row: TicketRow, extras: OwnerExtras = {}): BookingTicket {
  const base = `${links.publicUrl}/api/v1/tickets/${row.ticket_id}`;
  return {
    ticketId: row.ticket_id,
    providerId: row.provider_id,
    showId: row.show_id,
    ...ticketInfo(row),
    timeZone: extras.timeZone ?? serverZone(),
    payload: row.payload,
    imageUrl: `${base}/image.png`,
    qrUrl: `${base}/qr.svg`,
    shareUrl: row.share_hash ? shareUrl(links, row) : null,
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    cancellableUntil: cancellableUntil(row, extras),
    refund: extras.refund ?? null,
  };
}

function cancellableUntil(row: TicketRow, { cancelCutoffS, refund, now }: OwnerExtras): number | null {
  if (cancelCutoffS === undefined || row.revoked_at !== null || refund) return null;
  const until = Number(row.starts_at) - cancelCutoffS;
  return now !== undefined && now > until ? null : until;
}

/** The view for whoever holds a share link: image and QR URLs carry the token instead of a session. */
export function sharedTicket(links: TicketLinks, row: TicketRow, token: string, timeZone: string): Omit<BookingTicket, 'shareUrl' | 'cancellableUntil' | 'refund'> {
  const { shareUrl: _omit, cancellableUntil: _owner, refund: _refund, ...view } = ownerTicket(links, row, { timeZone });
  const q = `?share=${encodeURIComponent(token)}`;
  return { ...view, imageUrl: view.imageUrl + q, qrUrl: view.qrUrl + q };
}
