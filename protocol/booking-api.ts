// The booking server's HTTP API (DESIGN.md), as zod schemas: the server
// validates requests with them and generates /docs from them; the gate station
// (server-client/) and the customer page type their calls with them.
// Times are epoch seconds. The catalogue's schemas are in catalogue-api.ts. Also
// here: the station setup QR (`GPS1:`) codec and the enrollment code format,
// which both the server and the station need.
import { Decoder, Encoder } from 'cbor-x';
import { z } from 'zod';
import { base45Decode, base45Encode } from './base45.js';
import { venueTimeZone } from './catalogue-api.js';
import { codeSchema } from './provider-api.js';
import { SETUP_PREFIX } from './scan-text.js';
import { epochSeconds, scanVerdictSchema } from './verdict.js';


const id = z.string().min(1).max(100);

export const errorBody = z.object({ error: z.string(), message: z.string() });

// ---- keys

export const publicKeySchema = z.object({
  keyId: z.number().int().nonnegative(),
  alg: z.literal('Ed25519'),
  /** base64url of the raw 32-byte public key */
  publicKey: z.string(),
});
export type PublicKeyEntry = z.infer<typeof publicKeySchema>;
export const keysResponse = z.object({ keys: z.array(publicKeySchema) });

// ---- accounts

export const signupRequest = z.object({
  email: z.email().max(254),
  password: z.string().min(8).max(200),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{5,24}$/, 'a phone number: digits, spaces, ()-, optional leading +')
    .optional(),
});
export const signupResponse = z.object({ userId: z.string(), token: z.string() });
export const sessionRequest = z.object({ email: z.string().max(254), password: z.string().max(200) });
export const sessionResponse = z.object({ token: z.string(), userId: z.string() });
export const meResponse = z.object({ userId: z.string(), email: z.string(), phone: z.string().optional() });

// ---- provider registry

const verifyUrl = z.url({ protocol: /^https?$/ }).max(500);
/** Several instances of one verification server on one database: the relay spreads calls over them and fails over (RELAY.md). */
const verifyUrls = z.array(verifyUrl).min(1).max(16);
const oneUrlField = (body: { verifyUrl?: unknown; verifyUrls?: unknown }) => !(body.verifyUrl !== undefined && body.verifyUrls !== undefined);
const ONE_URL_FIELD = { message: 'give verifyUrl or verifyUrls, not both' };

const registerProviderFields = z.object({
  name: z.string().trim().min(1).max(100),
  verifyUrl: verifyUrl.optional(),
  verifyUrls: verifyUrls.optional(),
  secret: z.string().min(16).max(256),
  /**
   * Whether scans that arrive together may go to this provider in one call (its
   * POST /v1/redemptions); default true. False: every scan is its own /v1/verify,
   * for a verification server whose batch route is meant for offline journals only.
   */
  batchScans: z.boolean().optional(),
  /** customers may cancel a ticket until this many minutes before its show starts; default 120, 0: until it starts */
  cancelCutoffMinutes: z.number().int().min(0).max(60 * 24 * 30).optional(),
  /** the venue's IANA time zone (`Asia/Shanghai`); absent: the booking server's own. An unknown name → 400 `invalid_time_zone` */
  timeZone: z.string().max(64).optional(),
});
export const registerProviderRequest = registerProviderFields
  .refine(oneUrlField, ONE_URL_FIELD)
  .refine((body) => body.verifyUrl !== undefined || body.verifyUrls !== undefined, { message: 'give verifyUrl or verifyUrls' });
/** Venue IT changes a provider; its ID stays, since every ticket sold carries it. At least one field. */
export const updateProviderRequest = z
  .object({
    name: registerProviderFields.shape.name.optional(),
    verifyUrl: verifyUrl.optional(),
    verifyUrls: verifyUrls.optional(),
    /** a new shared secret: set it on the verification server first (its --previous-booking-secret keeps the old one valid meanwhile) */
    secret: registerProviderFields.shape.secret.optional(),
    batchScans: z.boolean().optional(),
    cancelCutoffMinutes: registerProviderFields.shape.cancelCutoffMinutes,
    /** null: back to the booking server's own zone */
    timeZone: z.string().max(64).nullable().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one of name, verifyUrl, verifyUrls, secret, batchScans, cancelCutoffMinutes, timeZone' })
  .refine(oneUrlField, ONE_URL_FIELD);
/** A provider as venue IT sees it: never the secret. */
export const providerDetails = z.object({
  providerId: z.string(),
  name: z.string(),
  /** the first of verifyUrls */
  verifyUrl: z.string(),
  verifyUrls: z.array(z.string()),
  batchScans: z.boolean(),
  cancelCutoffMinutes: z.number().int(),
  /** as set; null: none set, its times are read in the booking server's zone */
  timeZone: z.string().nullable(),
  /** the zone its times are shown in: timeZone, or the booking server's */
  timeZoneInUse: z.string(),
  createdAt: z.number().int(),
});
export type UpdateProviderRequest = z.infer<typeof updateProviderRequest>;
export type ProviderDetails = z.infer<typeof providerDetails>;
export const providerDetailsList = z.object({ providers: z.array(providerDetails) });
export const providerSummary = z.object({ providerId: z.string(), name: z.string() });
/** A provider's health as one booking process saw its calls (`GET /api/v1/admin/providers/health`). */
export const providerHealth = providerSummary.extend({
  /** its last call was answered (a refusal is an answer); with no call in the window, a signed probe is made first */
  reachable: z.boolean(),
  /** the last call with no usable answer, whenever it was: `timeout`, `unreachable`, `server_error`, `signature_refused` or `bad_answer` */
  lastError: z.object({ at: epochSeconds, reason: z.string(), message: z.string().optional() }).nullable(),
  /** calls in the last windowS seconds, and of them those with no usable answer */
  calls: z.number().int(),
  failures: z.number().int(),
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  /** when its last call ended */
  checkedAt: epochSeconds.nullable(),
});
export const providerHealthQuery = z.object({ providerId: id.optional() });
export const providerHealthResponse = z.object({ windowS: z.number().int(), providers: z.array(providerHealth) });
export const providersResponse = z.object({ providers: z.array(providerSummary) });

// ---- orders and tickets

export const orderRequest = z.object({
  providerId: id,
  showId: id,
  seats: z
    .array(id)
    .min(1)
    .max(20)
    .refine((s) => new Set(s).size === s.length, 'a seat is listed twice'),
  payment: z.object({ method: z.string().min(1).max(40) }),
});
export type OrderRequest = z.infer<typeof orderRequest>;

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

export const ORDER_STATES = ['pending', 'paid', 'issued', 'failed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const bookingTicketSchema = z.object({
  ticketId: z.string(),
  providerId: z.string(),
  showId: z.string(),
  seat: z.string(),
  title: z.string(),
  venue: z.string(),
  hall: z.string(),
  startsAt: epochSeconds,
  validFrom: epochSeconds,
  validUntil: epochSeconds,
  timeZone: venueTimeZone,
  /** the GP1 text of the QR code */
  payload: z.string(),
  imageUrl: z.string(),
  qrUrl: z.string(),
  /** null while the ticket is not shared (the owner revoked the link) */
  shareUrl: z.string().nullable(),
  /** when the venue took the ticket back (cancelled, revoked); null while it is valid */
  revokedAt: epochSeconds.nullable(),
  /** until when its owner may cancel it for a refund; null when they no longer can (or in a shared view) */
  cancellableUntil: epochSeconds.nullable(),
  /** the money back for a cancelled ticket: `pending` until the payment gateway has returned it */
  refund: z.object({ amountCents: z.number().int(), currency: z.string(), state: z.enum(['pending', 'refunded']) }).nullable(),
});
export type BookingTicket = z.infer<typeof bookingTicketSchema>;
export type TicketRefund = NonNullable<BookingTicket['refund']>;

export const cancelTicketResponse = z.object({
  ticketId: z.string(),
  revokedAt: epochSeconds.nullable(),
  refund: z.object({ amountCents: z.number().int(), currency: z.string(), state: z.enum(['pending', 'refunded']) }),
});

export const orderSchema = z.object({
  orderId: z.string(),
  state: z.enum(ORDER_STATES),
  providerId: z.string(),
  showId: z.string(),
  seats: z.array(z.string()),
  amountCents: z.number().int(),
  currency: z.string(),
  createdAt: epochSeconds,
  /** why a failed order failed: an error reason */
  failureReason: z.string().optional(),
  tickets: z.array(bookingTicketSchema),
});
export type Order = z.infer<typeof orderSchema>;
/** A page of a customer's list, newest or soonest first: `next` is the cursor of the page after it, null on the last. */
export const nextCursor = z.string().nullable();
/** A page cursor as the server wrote it: a time and an ID. */
export const pageCursor = z.string().max(120).regex(/^\d{1,16}~[\w-]{1,100}$/, 'not a cursor this server gave');
export const pageSize = z.coerce.number().int().min(1).max(200);

export const ordersQuery = z.object({ cursor: pageCursor.optional(), limit: pageSize.default(50) });
export const ordersResponse = z.object({ orders: z.array(orderSchema), next: nextCursor });

/** Which of the customer's tickets: still valid (soonest show first), or expired and cancelled (latest first). */
export const MY_TICKET_SECTIONS = ['upcoming', 'past'] as const;
export const myTicketsQuery = z.object({ when: z.enum(MY_TICKET_SECTIONS).default('upcoming'), cursor: pageCursor.optional(), limit: pageSize.default(50) });
export const myTicketSchema = bookingTicketSchema.extend({ orderId: z.string() });
export type MyTicket = z.infer<typeof myTicketSchema>;
export const myTicketsResponse = z.object({ tickets: z.array(myTicketSchema), next: nextCursor });

export const shareResponse = z.object({ shareUrl: z.string() });
export const sharedTicketResponse = bookingTicketSchema.omit({ shareUrl: true, cancellableUntil: true, refund: true });

// ---- gate stations

export const createStationRequest = z.object({ providerId: id, gate: z.string().trim().min(1).max(100) });
export const createStationResponse = z.object({
  stationId: z.string(),
  providerId: z.string(),
  gate: z.string(),
  /** one-time code, groups of 4 characters; valid until enrollmentExpiresAt */
  enrollment: z.string(),
  enrollmentExpiresAt: epochSeconds,
  /** text of the setup QR: GPS1: + base45(CBOR {1: server URL, 2: enrollment code}) */
  setupPayload: z.string(),
});
export const enrollRequest = z.object({ enrollment: z.string().min(1).max(200) });
export const enrollResponse = z.object({ token: z.string(), stationId: z.string(), providerId: z.string(), gate: z.string() });

export const scanRequest = z.object({
  /** what the scanner read: GP1 text or a bare code; anything else gets the verdict `malformed` */
  payload: z.string().max(16_000),
  providerId: id,
  /** unique per scan at this station; a retry with the same scanId gets the first verdict */
  scanId: z.string().min(1).max(80),
  /**
   * Which reader it came from. In DESIGN.md's request, so still accepted (and
   * bounded), but nothing reads it and Gatepost's stations no longer send it.
   */
  source: z.string().max(100).optional(),
});
/** What a station sends: the request without `source`. */
export type ScanRequest = Omit<z.infer<typeof scanRequest>, 'source'>;

export const offlineBundleQuery = z.object({ since: z.string().regex(/^\d{1,15}$/).optional() });
export const offlineBundleResponse = z.object({
  providerId: z.string(),
  keys: z.array(publicKeySchema),
  revoked: z.array(codeSchema),
  redeemed: z.array(z.object({ code: codeSchema, at: epochSeconds, gate: z.string() })),
  /**
   * Admissions undone since the cursor (the turnstile did not turn): the code
   * counts as unredeemed again. A code is in `redeemed` or `annulled` of one page,
   * never both. Absent from servers that predate annulments.
   */
  annulled: z.array(z.object({ code: codeSchema, at: epochSeconds })).optional(),
  /** pass as `since` next time; events near the cursor may come again: apply them idempotently */
  cursor: z.string(),
  /** true when this page was full: ask again with the new cursor */
  more: z.boolean(),
});
export type OfflineBundle = z.infer<typeof offlineBundleResponse>;

/** `POST /api/v1/station/annul`: the station's own scan, as it named it in its scan request. */
export const stationAnnulRequest = z.object({ scanId: z.string().min(1).max(80) });
/** `POST /api/v1/admin/scans/:scanId/annul`: the scan as `<stationId>/<the station's scan ID>`. */
export const adminAnnulParams = z.object({ scanId: z.string().min(3).max(200).regex(/^[^/]+\/.+$/, 'a scan is named <stationId>/<scanId>') });
export const annulmentResponse = z.object({ scanId: z.string(), annulledAt: epochSeconds });
export type AnnulmentResponse = z.infer<typeof annulmentResponse>;

export const journalRequest = z.object({
  redemptions: z
    .array(
      z
        .object({
          payload: z.string().max(16_000).optional(),
          code: z.string().max(100).optional(),
          scanId: z.string().min(1).max(80),
          at: epochSeconds,
        })
        .refine((r) => (r.payload === undefined) !== (r.code === undefined), 'give either payload or code'),
    )
    .min(1)
    .max(1000),
});
export type JournalRequest = z.infer<typeof journalRequest>;
export const journalResponse = z.object({ results: z.array(scanVerdictSchema.extend({ scanId: z.string() })) });

// ---- station status: the heartbeat a station sends, and what the operator sees of it

export const STATION_SOURCE_KINDS = ['wedge', 'serial', 'hid', 'camera'] as const;
/** A skew beyond a hundred years is no clock at all. */
const CLOCK_SKEW_LIMIT_S = 100 * 365 * 24 * 3600;
export const STATION_PART_STATES = ['ok', 'error', 'off'] as const;
const partState = z.enum(STATION_PART_STATES);
/** what a failing part says, cut short: the heartbeat is small and the console shows one line */
const partError = z.string().max(300).optional();
export const stationSourceStatus = z.object({ kind: z.enum(STATION_SOURCE_KINDS), name: z.string().min(1).max(200), state: partState, error: partError });
export const stationRelayStatus = z.object({ kind: z.string().min(1).max(40), state: partState, error: partError });
export const heartbeatRequest = z.object({
  /** the station software's version */
  version: z.string().min(1).max(50),
  sources: z.array(stationSourceStatus).max(32),
  relay: stationRelayStatus,
  offlinePolicy: z.enum(['deny', 'signed']),
  /** seconds since the last complete offline bundle; null when the station has none */
  bundleAgeS: z.number().int().min(0).max(10 * 365 * 24 * 3600).nullable(),
  /** offline admissions not yet uploaded */
  journalBacklog: z.number().int().min(0).max(10_000_000),
  /** how far the station PC's clock is off the server's, in seconds (positive: ahead); 0 when within a few seconds */
  clockSkewS: z.number().int().min(-CLOCK_SKEW_LIMIT_S).max(CLOCK_SKEW_LIMIT_S).optional(),
});
export type HeartbeatRequest = z.infer<typeof heartbeatRequest>;
/** the gate the server has for the station: a rename reaches it this way */
export const heartbeatResponse = z.object({ gate: z.string() });
export type HeartbeatResponse = z.infer<typeof heartbeatResponse>;

export const stationsQuery = z.object({ providerId: id.optional() });
export const renameStationRequest = z.object({ gate: z.string().trim().min(1).max(100) });
export const stationDetails = z.object({
  stationId: z.string(),
  providerId: z.string(),
  gate: z.string(),
  enrolled: z.boolean(),
  revoked: z.boolean(),
  createdAt: epochSeconds,
  /** a heartbeat or a scan within the last STATION_ONLINE_S seconds */
  online: z.boolean(),
  lastSeenAt: epochSeconds.nullable(),
  /** what its last heartbeat said; null until it sends one */
  version: z.string().nullable(),
  sources: z.array(stationSourceStatus),
  relay: stationRelayStatus.nullable(),
  offlinePolicy: z.enum(['deny', 'signed']).nullable(),
  bundleAgeS: z.number().int().nullable(),
  journalBacklog: z.number().int().nullable(),
  clockSkewS: z.number().int().nullable(),
});
export type StationDetails = z.infer<typeof stationDetails>;
export const stationsResponse = z.object({ stations: z.array(stationDetails) });
/** A station is online while its last heartbeat or scan is this recent: two 30 s heartbeats and some slack. */
export const STATION_ONLINE_S = 70;
/** How often a station sends its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 30_000;

// ---- enrollment codes: Crockford base32, typeable, read back case-insensitively

/** Crockford's base32: no I, L, O, U, so nothing reads as something else. */
export const ENROLLMENT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 28 characters × 5 bits = 140 bits, shown as 7 groups of 4 */
export const ENROLLMENT_LENGTH = 28;

/** The canonical form of a typed or scanned enrollment code, or null when it cannot be one. */
export function normalizeEnrollment(input: string): string | null {
  const s = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (s.length !== ENROLLMENT_LENGTH) return null;
  for (const c of s) if (!ENROLLMENT_ALPHABET.includes(c)) return null;
  return s;
}

export function formatEnrollment(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

// ---- the station setup QR

const encoder = new Encoder({ mapsAsObjects: false, useRecords: false, tagUint8Array: false, variableMapSize: true });
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });

/** GPS1: + base45(CBOR {1: server URL, 2: enrollment code}): only QR alphanumeric characters. */
export function encodeSetupPayload(serverUrl: string, enrollment: string): string {
  const map = new Map<number, string>([
    [1, serverUrl],
    [2, enrollment],
  ]);
  return SETUP_PREFIX + base45Encode(encoder.encode(map));
}

export function decodeSetupPayload(text: string): { serverUrl: string; enrollment: string } | null {
  if (typeof text !== 'string' || text.length > 1024) return null;
  const t = text.trim().toUpperCase();
  if (!t.startsWith(SETUP_PREFIX)) return null;
  const bytes = base45Decode(t.slice(SETUP_PREFIX.length));
  if (!bytes) return null;
  let map: unknown;
  try {
    map = decoder.decode(bytes);
  } catch {
    return null;
  }
  if (!(map instanceof Map)) return null;
  const serverUrl = map.get(1);
  const code = map.get(2);
  if (typeof serverUrl !== 'string' || typeof code !== 'string' || !/^https?:\/\//.test(serverUrl)) return null;
  const enrollment = normalizeEnrollment(code);
  return enrollment ? { serverUrl, enrollment } : null;
}
