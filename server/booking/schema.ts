// The booking server's tables. Every token is stored as its sha256 (a leaked
// database row cannot be replayed as a bearer token); provider secrets, the
// signing keys and the share secret are stored as given, since each is used
// as it is — sealed with the secrets key when the server has one (sealed.ts).
import type { Generated, Migration } from 'kysely';
import type { Dialect } from '../common/db.js';
import type { OrderState } from '../../protocol/booking-api.js';
import { initialMigration } from './initial-schema.js';
import { reminderLeadMigration, reminderMigration, reminderScheduleMigration, type ReminderDB } from './reminders/schema.js';
import { oneValidityIndexMigration, stationEventValidityMigration, validityPageMigration } from './scanning/schema.js';
import { providerBatchScansMigration, providerVerifyUrlsMigration } from './providers/schema.js';
import { signingKeyRetirementMigration } from './keys/schema.js';
import type { RateLimitDB } from '../common/shared-rate-limit.js';
import type { TicketShowCopy } from '../common/ticket-show-copy.js';
import { rateLimitsMigration } from '../common/shared-rate-limit-schema.js';
import { stationStatusMigration } from './stations/schema.js';
import { annulmentsMigration } from './annulments/schema.js';
import { refundsMigration, type RefundDB } from './ordering/refunds-schema.js';
import { outboxMigration, type OutboxDB } from './mail/schema.js';
import { staffMigration, type StaffDB } from './staff/schema.js';
import { scanCountsMigration, scanOutcomeAnnulMigration, scanOutcomesMigration, type ScanOutcomesDB } from './scanning/scan-outcomes-schema.js';
import { ticketSearchMigration } from './ticket-search/schema.js';
import { providerTimeZoneMigration } from './providers/time-zone-schema.js';
import { showCancellationsMigration, type ShowCancellationsDB } from './shows/schema.js';
import { ownerPagesMigration } from './ordering/owner-views-schema.js';

export interface SigningKeysTable {
  key_id: number;
  /** PKCS#8 DER, base64, or that sealed (sealed.ts); empty once the key is retired */
  private_key: string;
  /** raw 32 bytes, base64url */
  public_key: string;
  created_at: number;
  /** when the key stopped being trusted (key-retirement.ts); never cleared */
  retired_at: number | null;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface UsersTable {
  user_id: string;
  /** trimmed, lower case */
  email: string;
  password_hash: string;
  phone: string | null;
  created_at: number;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

export interface ProvidersTable {
  provider_id: string;
  name: string;
  /** the first instance's base URL (the only one, for rows from before 008) */
  verify_url: string;
  /** JSON array of every instance's base URL, verify_url first; null: verify_url alone */
  verify_urls: string | null;
  /** as given, or sealed (sealed.ts) */
  secret: string;
  created_at: number;
  /** 1: scans arriving together may go in one call (verify-coalescer.ts); 0: one /v1/verify per scan */
  batch_scans: Generated<number>;
  /** a customer may cancel a ticket until this long before its show starts (s) */
  cancel_cutoff_s: Generated<number>;
  /** the venue's IANA time zone; null: the booking server's (providers/venue-zone.ts) */
  time_zone: string | null;
}

export interface OrdersTable {
  order_id: string;
  user_id: string;
  provider_id: string;
  show_id: string;
  seats: string; // JSON array of seat IDs, in request order
  amount_cents: number;
  currency: string;
  state: OrderState;
  payment_method: string;
  payment_reference: string | null;
  idempotency_key: string | null;
  failure_reason: string | null;
  /** provider calls made to issue it (for backoff) */
  attempts: number;
  /** when the background issuer may try again (paid orders only) */
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
}

/** Keeps a copy of its show and seat (TicketShowCopy), as issued. */
export interface TicketsTable extends TicketShowCopy {
  ticket_id: string;
  order_id: string;
  user_id: string;
  provider_id: string;
  provider_ticket_id: string;
  valid_from: number;
  valid_until: number;
  code: string;
  key_id: number;
  payload: string;
  /** bumped when the owner revokes the share link, so the next link differs */
  share_generation: number;
  /** sha256 of the active share token; null while not shared */
  share_hash: string | null;
  revoked_at: number | null;
  created_at: number;
  /** when its reminder falls due (reminders/schedule.ts); null once claimed, or never to be sent */
  remind_at: number | null;
}

export interface StationsTable {
  station_id: string;
  provider_id: string;
  gate: string;
  enrollment_hash: string;
  enrollment_expires_at: number;
  enrolled_at: number | null;
  token_hash: string | null;
  created_at: number;
  revoked_at: number | null;
  /** epoch s of the last heartbeat or scan (stations/last-seen.ts) */
  last_seen_at: number | null;
  /** the last heartbeat's body as JSON (HeartbeatRequest); null until the first */
  status: string | null;
}

/** What stations need for offline admission: codes redeemed or revoked, in order. */
export interface StationEventsTable {
  seq: Generated<number>;
  provider_id: string;
  /** `annulled`: a redemption undone, so the code counts as unredeemed again (annulments/annulments.ts) */
  kind: 'redeemed' | 'revoked' | 'annulled';
  code: string;
  at: number;
  gate: string | null;
  recorded_at: number;
  /** the ticket's validity end: the event is pruned a day after it (station-events.ts); null for events recorded before it was kept */
  valid_until: number | null;
  /** redeemed: the scan that admitted it, as its station named it, and that station (null before 011, and for revocations) */
  scan_id: string | null;
  station_id: string | null;
}

/** Admissions undone at a station or by staff: the provider's answer, kept so a repeat gets it again. */
export interface AnnulmentsTable {
  /** the scan as the provider knows it: `<stationId>/<the station's scan ID>` */
  provider_scan_id: string;
  provider_id: string;
  station_id: string;
  code: string;
  /** `station <stationId>` or `staff` */
  annulled_by: string;
  annulled_at: number;
  /** the admission undone: when and at which gate (null for annulments before 016) */
  admitted_at: number | null;
  gate: string | null;
}

/** rate_limit_*: PostgreSQL only, the sign-in and scan limits every process shares (shared-rate-limit.ts) */
export interface BookingDB extends ReminderDB, RateLimitDB, StaffDB, RefundDB, OutboxDB, ScanOutcomesDB, ShowCancellationsDB {
  signing_keys: SigningKeysTable;
  settings: SettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  providers: ProvidersTable;
  orders: OrdersTable;
  tickets: TicketsTable;
  stations: StationsTable;
  station_events: StationEventsTable;
  annulments: AnnulmentsTable;
}

/** Every migration, in the order they run. A migration is known by its name: never rename one. */
export function bookingMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001_initial': initialMigration(dialect),
    '002_reminders': reminderMigration,
    '003_reminder_lead': reminderLeadMigration,
    '004_station_event_validity': stationEventValidityMigration,
    '005_provider_batch_scans': providerBatchScansMigration,
    '006_signing_key_retirement': signingKeyRetirementMigration,
    '007_rate_limits': rateLimitsMigration,
    '008_provider_verify_urls': providerVerifyUrlsMigration,
    '009_staff': staffMigration(dialect),
    '010_station_status': stationStatusMigration,
    '011_annulments': annulmentsMigration,
    '012_scale_indexes': validityPageMigration,
    '013_refunds': refundsMigration,
    '014_outbox': outboxMigration,
    '015_scan_outcomes': scanOutcomesMigration,
    '016_ticket_search': ticketSearchMigration,
    '017_provider_time_zone': providerTimeZoneMigration,
    '018_scan_outcome_annulments': scanOutcomeAnnulMigration,
    '019_show_cancellations': showCancellationsMigration,
    '020_owner_pages': ownerPagesMigration,
    '021_reminder_schedule': reminderScheduleMigration,
    '022_scan_counts': scanCountsMigration,
    '023_one_validity_index': oneValidityIndexMigration,
  };
}
