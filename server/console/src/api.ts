// The booking server's staff and admin API as the console uses it. Every
// failure becomes an ApiError with the response's stable `error` reason (or
// `network` when the server could not be reached); the console picks its
// sentence by that reason and shows the server's message only as detail.
import type { ProviderDetails, UpdateProviderRequest } from '../../../protocol/booking-api.js';
import type { ManagedShow, ShowCreateRequest } from '../../../protocol/provider-api.js';

export type { ManagedShow, ProviderDetails, UpdateProviderRequest };
export type ShowInput = Omit<ShowCreateRequest, 'showId' | 'venue'>;
export interface ShowCancelled {
  showId: string;
  cancelled: number;
  refunded: number;
  pending: number;
}

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

export type Role = 'admin' | 'venue';

/** Who a token belongs to: a staff account, or (staffId null) the admin token itself. */
export interface Staff {
  role: Role;
  staffId: string | null;
  email: string | null;
  providerIds: string[];
}

/**
 * A station as GET /api/v1/admin/stations lists it. Only the first six fields
 * are always there; the rest come with station heartbeats on servers that have them.
 */
export interface Station {
  stationId: string;
  providerId: string;
  gate: string;
  enrolled: boolean;
  revoked: boolean;
  createdAt: number;
  online?: boolean;
  lastSeenAt?: number | null;
  version?: string | null;
  sources?: string[] | string | null;
  relay?: string | boolean | null;
  offlinePolicy?: string | null;
  bundleAgeS?: number | null;
  journalBacklog?: number | null;
}

export interface Enrollment {
  stationId: string;
  providerId: string;
  gate: string;
  enrollment: string;
  /** epoch seconds, by the server's clock */
  enrollmentExpiresAt: number;
  setupPayload: string;
  /** the server's clock when it answered, from the Date header (epoch ms), for the countdown */
  serverNowMs: number;
  /** this browser's clock when the answer came (epoch ms) */
  receivedAtMs: number;
}

export interface NewProvider {
  name: string;
  verifyUrl?: string;
  verifyUrls?: string[];
  secret: string;
  batchScans: boolean;
}

export type TicketState = 'valid' | 'used' | 'revoked' | 'refunded';

/** A ticket as GET /api/v1/admin/tickets finds it. */
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

export type StoryEvent =
  | { kind: 'issued'; at: number; orderId: string }
  | { kind: 'admitted'; at: number | null; gate: string; stationId: string | null; scanId: string | null; annulled: boolean }
  | { kind: 'annulled'; at: number; gate: string; by: string }
  | { kind: 'revoked'; at: number }
  | { kind: 'refund'; at: number; amountCents: number; currency: string; state: 'requested' | 'revoked' | 'refunded'; reference: string | null };

export interface TicketStory {
  ticket: TicketHit & { venue: string; hall: string; validFrom: number; validUntil: number };
  share: { active: boolean; linksTakenBack: number };
  events: StoryEvent[];
}

async function call(method: string, path: string, token: string | null, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'the server could not be reached');
  }
  if (res.ok) return res;
  let reason = res.status === 404 ? 'not_found' : res.status >= 500 ? 'internal' : 'bad_request';
  let message = `HTTP ${res.status}`;
  try {
    const parsed = (await res.json()) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string') reason = parsed.error;
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON (a proxy's error page): keep the status-based reason
  }
  if ((res.status === 502 || res.status === 504) && reason === 'internal') reason = 'network';
  throw new ApiError(res.status, reason, message);
}

async function json<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await call(method, path, token, body);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

export const api = {
  staffSignIn: (email: string, password: string) => json<{ token: string; staff: Staff }>('POST', '/api/v1/staff/sessions', null, { email, password }),
  me: (token: string) => json<Staff>('GET', '/api/v1/staff/me', token),

  providers: (token: string) => json<{ providers: ProviderDetails[] }>('GET', '/api/v1/admin/providers', token),
  /** names only, for anyone: what a venue account's provider picker shows */
  providerNames: () => json<{ providers: { providerId: string; name: string }[] }>('GET', '/api/v1/providers', null),
  registerProvider: (token: string, body: NewProvider) => json<{ providerId: string; name: string }>('POST', '/api/v1/admin/providers', token, body),
  updateProvider: (token: string, providerId: string, body: UpdateProviderRequest) =>
    json<ProviderDetails>('PATCH', `/api/v1/admin/providers/${enc(providerId)}`, token, body),

  stations: (token: string) => json<{ stations: Station[] }>('GET', '/api/v1/admin/stations', token),
  addStation: (token: string, providerId: string, gate: string) => enrollment(call('POST', '/api/v1/admin/stations', token, { providerId, gate })),
  newEnrollment: (token: string, stationId: string) => enrollment(call('POST', `/api/v1/admin/stations/${enc(stationId)}/enrollment`, token)),
  renameStation: (token: string, stationId: string, gate: string) => json<unknown>('PATCH', `/api/v1/admin/stations/${enc(stationId)}`, token, { gate }),
  revokeStation: (token: string, stationId: string) => json<void>('DELETE', `/api/v1/admin/stations/${enc(stationId)}`, token),

  shows: (token: string, providerId: string) => json<{ shows: ManagedShow[] }>('GET', `/api/v1/admin/providers/${enc(providerId)}/shows`, token),
  createShow: (token: string, providerId: string, body: ShowInput) => json<ManagedShow>('POST', `/api/v1/admin/providers/${enc(providerId)}/shows`, token, body),
  updateShow: (token: string, providerId: string, showId: string, body: Partial<ShowInput>) =>
    json<ManagedShow>('PATCH', `/api/v1/admin/providers/${enc(providerId)}/shows/${enc(showId)}`, token, body),
  cancelShow: (token: string, providerId: string, showId: string) => json<ShowCancelled>('POST', `/api/v1/admin/providers/${enc(providerId)}/shows/${enc(showId)}/cancel`, token),
  searchTickets: (token: string, q: string, showId?: string) =>
    json<{ tickets: TicketHit[] }>('GET', `/api/v1/admin/tickets?${new URLSearchParams(showId ? { q, showId } : { q }).toString()}`, token),
  ticketStory: (token: string, ticketId: string) => json<TicketStory>('GET', `/api/v1/admin/tickets/${enc(ticketId)}/story`, token),
  revokeTicket: (token: string, ticketId: string) =>
    json<{ ticketId: string; revokedAt: number; refund?: { state: string } }>('POST', `/api/v1/admin/tickets/${enc(ticketId)}/revoke`, token, { refund: true }),
  catalogue: () => json<{ shows: { providerId: string; showId: string; title: string; hall: string; startsAt: number; endsAt: number }[] }>('GET', '/api/v1/shows', null),
  ackConflict: (token: string, conflictId: string) => json<unknown>('POST', `/api/v1/console/conflicts/${enc(conflictId)}/ack`, token, {}),
};

async function enrollment(response: Promise<Response>): Promise<Enrollment> {
  const res = await response;
  const receivedAtMs = Date.now();
  const body = (await res.json()) as Omit<Enrollment, 'serverNowMs' | 'receivedAtMs'>;
  const date = Date.parse(res.headers.get('date') ?? '');
  return { ...body, serverNowMs: Number.isFinite(date) ? date : receivedAtMs, receivedAtMs };
}
