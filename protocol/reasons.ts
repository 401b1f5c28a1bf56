// Every reason a gate can give for turning a ticket away, and every error
// reason an API can answer with. Clients switch on these strings: they are a
// stable contract, never renamed.

export const SCAN_RESULTS = ['admitted', 'rejected'] as const;

export const REJECTION_REASONS = [
  'malformed',
  'unknown_code',
  'already_redeemed',
  'expired',
  'not_yet_valid',
  'revoked',
  'wrong_provider',
  'bad_signature',
  'provider_unavailable',
  'rate_limited',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/**
 * Why a station turns a ticket away: the server's reasons, plus the station's
 * own `cannot_verify` (it could not ask anyone, and its offline policy could not
 * decide alone). `cannot_verify` never goes on the wire.
 */
export type DenyReason = RejectionReason | 'cannot_verify';

/**
 * The reasons of one item in the provider's batch answer (`POST /v1/redemptions`):
 * also `scan_id_conflict`, this scan ID already has a verdict for another code —
 * what `POST /v1/verify` answers with a 409 of that reason. It stays between
 * the provider and the booking server: an online scan sent in a batch is asked
 * again alone (so the station gets the 409 it would have got), and a journal
 * item's conflict reaches the station as `malformed` (scanning/relay.ts).
 */
export const BATCH_REJECTION_REASONS = [...REJECTION_REASONS, 'scan_id_conflict'] as const;

/** Error reasons of `{error, message}` bodies (4xx/5xx). */
export const ERROR_REASONS = [
  'bad_request',
  'invalid_json',
  'unsupported_media_type',
  'body_too_large',
  'not_found',
  'unauthorized',
  'forbidden',
  'bad_signature_header',
  'signature_mismatch',
  'signature_expired',
  'signature_replayed',
  'replay_window_full',
  'unknown_show',
  'unknown_seat',
  'unknown_ticket',
  'seat_taken',
  'amount_mismatch',
  'show_ended',
  'order_conflict',
  'scan_id_conflict',
  'conflict',
  'rate_limited',
  'provider_unavailable',
  'internal',
  // booking server (appended)
  'email_taken',
  'bad_credentials',
  'unknown_provider',
  'unknown_order',
  'unknown_station',
  'idempotency_conflict',
  'payment_method_unsupported',
  'payment_declined',
  'enrollment_invalid',
  'enrollment_used',
  'enrollment_expired',
  'share_not_found',
  'admin_disabled',
  'provider_refused',
  'payment_unavailable',
  'insecure_url',
  'unknown_key',
  'cancel_cutoff_passed',
  'ticket_used',
  'ticket_revoked',
  'forbidden_provider',
  'admin_only',
  'unknown_staff',
  // annulments (an admission undone: the turnstile did not turn)
  'not_annullable',
  'not_your_scan',
  'annul_window_passed',
  // a revoked station's token: told apart from an unknown one, so the gate can say so
  'station_revoked',
  // the programme managed from the console (show creation, changes, cancellation)
  'show_cancelled',
  'show_conflict',
  'seats_sold',
  // the console's Live page: a journal conflict that is not there (or not this account's)
  'unknown_conflict',
  // a provider's time zone that is not an IANA name this server knows
  'invalid_time_zone',
  // a path segment longer than any identifier either API gives out (414)
  'uri_too_long',
  // the database cannot be reached or cannot write (503, with Retry-After): try again shortly
  'storage_unavailable',
  // a show that has ended cannot be cancelled: its tickets were for a show that took place
  'show_ended',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];
