// A ticket's state as a badge: green while it can be used, grey once used, red once taken back.
import type { TicketState } from '../api.js';
import { useI18n } from '../i18n/i18n.js';

const TONE: Record<TicketState, string> = { valid: 'ok', used: 'muted', revoked: 'bad', refunded: 'bad' };

export function TicketStateBadge({ state }: { state: TicketState }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge--${TONE[state]}`} data-testid="ticket-state">
      {t(`state.${state}`)}
    </span>
  );
}
