// The booking server's API as the page uses it. Every failure becomes an
// ApiError carrying the stable `error` reason of the response (or `network`
// when the server could not be reached), which the page maps to a message:
// raw bodies are never shown.
import type { BookingTicket, CatalogueShow, Order } from '../../../protocol/booking-api.js';
import type { Seat } from '../../../protocol/provider-api.js';

export type { BookingTicket, CatalogueShow, Order, Seat };
export type SharedTicket = Omit<BookingTicket, 'shareUrl' | 'cancellableUntil' | 'refund'>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** the server's `error` reason, or `network` */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

interface RequestOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

async function call(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch {
    throw new ApiError(0, 'network', 'the server could not be reached');
  }
  if (res.ok) return res;
  let reason = res.status === 404 ? 'not_found' : res.status >= 500 ? 'internal' : 'bad_request';
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') reason = body.error;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not JSON (a proxy's error page): keep the status-based reason
  }
  // A gateway in front of the server that is down answers 502/504 without a body of ours.
  if ((res.status === 502 || res.status === 504) && reason === 'internal') reason = 'network';
  throw new ApiError(res.status, reason, message);
}

async function json<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
  const res = await call(method, path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

export const api = {
  signUp: (email: string, password: string, phone?: string) =>
    json<{ userId: string; token: string }>('POST', '/api/v1/users', { body: { email, password, ...(phone ? { phone } : {}) } }),
  signIn: (email: string, password: string) => json<{ token: string }>('POST', '/api/v1/sessions', { body: { email, password } }),

  shows: () => json<{ shows: CatalogueShow[]; unavailable: string[] }>('GET', '/api/v1/shows'),
  providers: () => json<{ providers: { providerId: string; name: string }[] }>('GET', '/api/v1/providers'),
  seats: (providerId: string, showId: string) =>
    json<{ seats: Seat[] }>('GET', `/api/v1/providers/${enc(providerId)}/shows/${enc(showId)}/seats`),

  /** 201 issued, 200 the same order again, 202 paid and still being issued */
  placeOrder: (token: string, idempotencyKey: string, order: { providerId: string; showId: string; seats: string[] }) =>
    json<Order>('POST', '/api/v1/orders', { token, headers: { 'idempotency-key': idempotencyKey }, body: { ...order, payment: { method: 'demo' } } }),
  order: (token: string, orderId: string) => json<Order>('GET', `/api/v1/orders/${enc(orderId)}`, { token }),
  orders: (token: string) => json<{ orders: Order[] }>('GET', '/api/v1/orders', { token }),

  share: (token: string, ticketId: string) => json<{ shareUrl: string }>('POST', `/api/v1/tickets/${enc(ticketId)}/share`, { token }),
  unshare: (token: string, ticketId: string) => json<void>('DELETE', `/api/v1/tickets/${enc(ticketId)}/share`, { token }),
  /** 200 refunded, 202 cancelled with the refund on its way */
  cancelTicket: (token: string, ticketId: string) =>
    json<{ ticketId: string; revokedAt: number | null; refund: NonNullable<BookingTicket['refund']> }>('POST', `/api/v1/tickets/${enc(ticketId)}/cancel`, { token }),
  shared: (shareToken: string) => json<SharedTicket>('GET', `/api/v1/shared/${enc(shareToken)}`),

  /** a ticket's QR or PNG as a Blob: an <img> cannot send the bearer token */
  ticketFile: async (token: string, path: string) => (await call('GET', path, { token, headers: { accept: '*/*' } })).blob(),

  messages: (token: string) => json<unknown>('GET', '/api/v1/me/messages', { token }),
  reminderSettings: (token: string) => json<unknown>('GET', '/api/v1/me/reminders', { token }),
  /** `language`: the reminders' language, the page's own */
  saveReminders: (token: string, channels: string[], leadMinutes: number, language: string) =>
    json<unknown>('PUT', '/api/v1/me/reminders', { token, body: { channels, leadMinutes, language } }),
  markRead: (token: string, messageId: string) => json<void>('POST', `/api/v1/me/messages/${enc(messageId)}/read`, { token }),
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
