// What the customer reads when something fails: a sentence chosen by the
// API's stable `error` reason. The server's own message and any stack stay in
// the console for whoever debugs it.
import { ApiError } from './api.js';
import type { MessageKey } from './i18n/en.js';
import type { Translate } from './i18n/i18n.js';

const KNOWN: readonly string[] = [
  'network',
  'email_taken',
  'bad_credentials',
  'unauthorized',
  'seat_taken',
  'show_ended',
  'unknown_show',
  'unknown_seat',
  'unknown_provider',
  'provider_unavailable',
  'provider_refused',
  'payment_declined',
  'payment_unavailable',
  'payment_method_unsupported',
  'idempotency_conflict',
  'rate_limited',
  'share_not_found',
  'unknown_ticket',
  'unknown_order',
  'cancel_cutoff_passed',
  'ticket_used',
  'ticket_revoked',
  'bad_request',
  'not_found',
  'internal',
];

export function reasonOf(err: unknown): string {
  return err instanceof ApiError ? err.reason : 'generic';
}

export function errorMessage(t: Translate, err: unknown): string {
  if (!(err instanceof ApiError)) console.error(err);
  const reason = reasonOf(err);
  if (KNOWN.includes(reason)) return t(`error.${reason}` as MessageKey);
  // invalid_json, body_too_large, … are the page's own bugs; 5xx reasons the server's
  if (err instanceof ApiError && err.status >= 500) return t('error.internal');
  return t('error.generic');
}

/** The order failed because a seat is not (or no longer) there to sell: pick again. */
export const isSeatConflict = (err: unknown) => ['seat_taken', 'unknown_seat'].includes(reasonOf(err));
