// The booking server's API as the page uses it. Every failure becomes an
// ApiError carrying the stable `error` reason of the response (server/ui-kit/request.ts),
// which the page maps to a message: raw bodies are never shown.
import type { BookingTicket, MyTicket, Order } from '../../../protocol/booking-api.js';
import type { CatalogueDay, CatalogueShow } from '../../../protocol/catalogue-api.js';
import type { Seat } from '../../../protocol/provider-api.js';
import { ApiError, request, requestJson as json } from '../../ui-kit/request.js';

export type { BookingTicket, CatalogueDay, CatalogueShow, MyTicket, Order, Seat };
export type SharedTicket = Omit<BookingTicket, 'shareUrl' | 'cancellableUntil' | 'refund'>;

export { ApiError };

const enc = encodeURIComponent;
/** `?a=1&b=2` of the parameters given, or nothing. */
const query = (params: Record<string, string | undefined>) => {
  const given = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return given.length ? `?${new URLSearchParams(given).toString()}` : '';
};

export const api = {
  signUp: (email: string, password: string, phone?: string) =>
    json<{ userId: string; token: string }>('POST', '/api/v1/users', { body: { email, password, ...(phone ? { phone } : {}) } }),
  signIn: (email: string, password: string) => json<{ token: string }>('POST', '/api/v1/sessions', { body: { email, password } }),

  /** one day's showtimes (`first`: the first day on sale), with every day on sale */
  shows: (day: string) =>
    json<{ shows: CatalogueShow[]; unavailable: string[]; days: CatalogueDay[]; day: string | null }>('GET', `/api/v1/shows?day=${enc(day)}`),
  show: (providerId: string, showId: string) => json<CatalogueShow>('GET', `/api/v1/providers/${enc(providerId)}/shows/${enc(showId)}`),
  providers: () => json<{ providers: { providerId: string; name: string }[] }>('GET', '/api/v1/providers'),
  seats: (providerId: string, showId: string) =>
    json<{ seats: Seat[] }>('GET', `/api/v1/providers/${enc(providerId)}/shows/${enc(showId)}/seats`),

  /** 201 issued, 200 the same order again, 202 paid and still being issued */
  placeOrder: (token: string, idempotencyKey: string, order: { providerId: string; showId: string; seats: string[] }) =>
    json<Order>('POST', '/api/v1/orders', { token, headers: { 'idempotency-key': idempotencyKey }, body: { ...order, payment: { method: 'demo' } } }),
  order: (token: string, orderId: string) => json<Order>('GET', `/api/v1/orders/${enc(orderId)}`, { token }),
  /** My tickets, a page at a time: `upcoming` soonest first, `past` latest first */
  myTickets: (token: string, when: 'upcoming' | 'past', cursor?: string) =>
    json<{ tickets: MyTicket[]; next: string | null }>('GET', `/api/v1/me/tickets${query({ when, cursor })}`, { token }),

  share: (token: string, ticketId: string) => json<{ shareUrl: string }>('POST', `/api/v1/tickets/${enc(ticketId)}/share`, { token }),
  unshare: (token: string, ticketId: string) => json<void>('DELETE', `/api/v1/tickets/${enc(ticketId)}/share`, { token }),
  /** 200 refunded, 202 cancelled with the refund on its way */
  cancelTicket: (token: string, ticketId: string) =>
    json<{ ticketId: string; revokedAt: number | null; refund: NonNullable<BookingTicket['refund']> }>('POST', `/api/v1/tickets/${enc(ticketId)}/cancel`, { token }),
  shared: (shareToken: string) => json<SharedTicket>('GET', `/api/v1/shared/${enc(shareToken)}`),

  /** a ticket's QR or PNG as a Blob: an <img> cannot send the bearer token */
  ticketFile: async (token: string, path: string) => (await request('GET', path, { token, headers: { accept: '*/*' } })).blob(),

  /** the inbox, newest first, a page at a time (`next`), with the count of every unread message */
  messages: (token: string, cursor?: string, limit?: number) =>
    json<unknown>('GET', `/api/v1/me/messages${query({ cursor, limit: limit === undefined ? undefined : String(limit) })}`, { token }),
  reminderSettings: (token: string) => json<unknown>('GET', '/api/v1/me/reminders', { token }),
  /** `language`: the reminders' language, the page's own */
  saveReminders: (token: string, channels: string[], leadMinutes: number, language: string) =>
    json<unknown>('PUT', '/api/v1/me/reminders', { token, body: { channels, leadMinutes, language } }),
  /** the messages a page shows, marked read in one request */
  markRead: (token: string, messageIds: string[]) => json<unknown>('POST', '/api/v1/me/messages/read', { token, body: { messageIds } }),
};

/** A same-origin path for a URL the server built from its public URL: the page may be reached under another name. */
export function localPath(url: string): string {
  try {
    const u = new URL(url, location.origin);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}
