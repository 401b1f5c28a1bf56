// What the operator reads when something fails: a sentence chosen by the
// API's stable `error` reason, with the server's own message as detail (staff
// fix setups with it: a URL it refused, a field it wants).
import { ApiError } from './api.js';
import type { MessageKey } from './i18n/en.js';
import type { Translate } from './i18n/i18n.js';

const KNOWN: readonly string[] = [
  'network',
  'unauthorized',
  'forbidden',
  'admin_disabled',
  'rate_limited',
  'insecure_url',
  'bad_request',
  'unknown_provider',
  'unknown_station',
  'unknown_ticket',
  'forbidden_provider',
  'ticket_revoked',
  'internal',
  // the Shows page
  'unknown_show',
  'show_conflict',
  'seats_sold',
  'show_cancelled',
  'show_ended',
  'provider_unavailable',
  // the provider form
  'invalid_time_zone',
  // annulling an admission from the Live page
  'annul_window_passed',
  'not_annullable',
];

export const reasonOf = (err: unknown): string => (err instanceof ApiError ? err.reason : 'generic');

export function errorMessage(t: Translate, err: unknown): string {
  if (!(err instanceof ApiError)) console.error(err);
  const reason = reasonOf(err);
  if (KNOWN.includes(reason)) return t(`error.${reason}` as MessageKey);
  if (err instanceof ApiError && err.status === 403) return t('error.forbidden');
  if (err instanceof ApiError && err.status >= 500) return t('error.internal');
  return t('error.generic');
}

/** The server's message, worth showing for what the operator typed (400s); null otherwise. */
export function errorDetail(err: unknown): string | null {
  return err instanceof ApiError && err.status === 400 ? err.message : null;
}
