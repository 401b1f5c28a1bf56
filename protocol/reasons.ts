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
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];
