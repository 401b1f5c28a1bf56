// The booking server's staff and admin API as the console uses it. Every
// failure becomes an ApiError with the response's stable `error` reason
// (server/ui-kit/request.ts); the console picks its sentence by that reason
// and shows the server's message only as detail.
import type { z } from 'zod';
import type { ProviderDetails, providerHealthResponse, StationDetails, UpdateProviderRequest } from '../../../protocol/booking-api.js';
import type { AuditEntry, TicketHit, TicketState } from '../../../protocol/console-api.js';
import type { ManagedShow, ShowCreateRequest } from '../../../protocol/provider-api.js';
import { ApiError, request, requestJson } from '../../ui-kit/request.js';

export type { AuditEntry, ManagedShow, ProviderDetails, TicketHit, TicketState, UpdateProviderRequest };
export type ShowInput = Omit<ShowCreateRequest, 'showId' | 'venue'>;
export interface ShowCancelled {
  showId: string;
  cancelled: number;
  refunded: number;
  pending: number;
}

export { ApiError };

/** GET /api/v1/admin/providers/health: each provider's calls as this booking process saw them. */
export type ProviderHealthList = z.infer<typeof providerHealthResponse>;
export type ProviderHealth = ProviderHealthList['providers'][number];

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
  sources?: StationDetails['sources'];
  relay?: StationDetails['relay'];
  offlinePolicy?: string | null;
  bundleAgeS?: number | null;
  journalBacklog?: number | null;
  /** how far the station PC's clock is off the server's, in seconds (positive: ahead) */
  clockSkewS?: number | null;
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
  /** IANA name; left out: the booking server's zone */
  timeZone?: string;
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

const call = (method: string, path: string, token: string | null, body?: unknown) => request(method, path, { token, body });
const json = <T>(method: string, path: string, token: string | null, body?: unknown) => requestJson<T>(method, path, { token, body });

const enc = encodeURIComponent;

export const api = {
  staffSignIn: (email: string, password: string) => json<{ token: string; staff: Staff }>('POST', '/api/v1/staff/sessions', null, { email, password }),
  me: (token: string) => json<Staff>('GET', '/api/v1/staff/me', token),

  providers: (token: string) => json<{ providers: ProviderDetails[] }>('GET', '/api/v1/admin/providers', token),
  registerProvider: (token: string, body: NewProvider) => json<{ providerId: string; name: string }>('POST', '/api/v1/admin/providers', token, body),
  updateProvider: (token: string, providerId: string, body: UpdateProviderRequest) =>
    json<ProviderDetails>('PATCH', `/api/v1/admin/providers/${enc(providerId)}`, token, body),

  providerHealth: (token: string) => json<ProviderHealthList>('GET', '/api/v1/admin/providers/health', token),
  audit: (token: string, q: { providerId?: string; limit: number; before?: number }) =>
    json<{ entries: AuditEntry[] }>('GET', `/api/v1/admin/audit?${auditQuery(q)}`, token),

  stations: (token: string) => json<{ stations: Station[] }>('GET', '/api/v1/admin/stations', token),
  addStation: (token: string, providerId: string, gate: string) => enrollment(call('POST', '/api/v1/admin/stations', token, { providerId, gate })),
  newEnrollment: (token: string, stationId: string) => enrollment(call('POST', `/api/v1/admin/stations/${enc(stationId)}/enrollment`, token)),
  renameStation: (token: string, stationId: string, gate: string) => json<unknown>('PATCH', `/api/v1/admin/stations/${enc(stationId)}`, token, { gate }),
  revokeStation: (token: string, stationId: string) => json<void>('DELETE', `/api/v1/admin/stations/${enc(stationId)}`, token),

  /** `endsAfter` (epoch s): only the shows ending after it */
  shows: (token: string, providerId: string, endsAfter?: number) =>
    json<{ shows: ManagedShow[] }>('GET', `/api/v1/admin/providers/${enc(providerId)}/shows${endsAfter === undefined ? '' : `?endsAfter=${endsAfter}`}`, token),
  createShow: (token: string, providerId: string, body: ShowInput) => json<ManagedShow>('POST', `/api/v1/admin/providers/${enc(providerId)}/shows`, token, body),
  updateShow: (token: string, providerId: string, showId: string, body: Partial<ShowInput>) =>
    json<ManagedShow>('PATCH', `/api/v1/admin/providers/${enc(providerId)}/shows/${enc(showId)}`, token, body),
  cancelShow: (token: string, providerId: string, showId: string) => json<ShowCancelled>('POST', `/api/v1/admin/providers/${enc(providerId)}/shows/${enc(showId)}/cancel`, token),
  searchTickets: (token: string, q: string, showId?: string) =>
    json<{ tickets: TicketHit[] }>('GET', `/api/v1/admin/tickets?${new URLSearchParams(showId ? { q, showId } : { q }).toString()}`, token),
  ticketStory: (token: string, ticketId: string) => json<TicketStory>('GET', `/api/v1/admin/tickets/${enc(ticketId)}/story`, token),
  revokeTicket: (token: string, ticketId: string) =>
    json<{ ticketId: string; revokedAt: number; refund?: { state: string } }>('POST', `/api/v1/admin/tickets/${enc(ticketId)}/revoke`, token, { refund: true }),
  /** scanId as the Live page lists it: `<stationId>/<scanId>` */
  annulScan: (token: string, scanId: string) => json<{ scanId: string; annulledAt: number }>('POST', `/api/v1/admin/scans/${enc(scanId)}/annul`, token),
  ackConflict: (token: string, conflictId: string) => json<unknown>('POST', `/api/v1/console/conflicts/${enc(conflictId)}/ack`, token, {}),
};

function auditQuery(q: { providerId?: string; limit: number; before?: number }): string {
  const params = new URLSearchParams({ limit: String(q.limit) });
  if (q.providerId) params.set('providerId', q.providerId);
  if (q.before !== undefined) params.set('before', String(q.before));
  return params.toString();
}

async function enrollment(response: Promise<Response>): Promise<Enrollment> {
  const res = await response;
  const receivedAtMs = Date.now();
  const body = (await res.json()) as Omit<Enrollment, 'serverNowMs' | 'receivedAtMs'>;
  const date = Date.parse(res.headers.get('date') ?? '');
  return { ...body, serverNowMs: Number.isFinite(date) ? date : receivedAtMs, receivedAtMs };
}
