// /t/:token — the ticket for whoever holds its share link, no account needed.
import { api } from '../api.js';
import { ErrorBlock, Loading } from '../components/Status.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { TicketCard } from './TicketCard.js';
import { Hero } from '../components/Panel.js';

export function SharedPage({ token }: { token: string }) {
  const { t } = useI18n();
  const ticket = useLoad(`shared:${token}`, () => api.shared(token));
  return (
    <div className="page">
      <Hero title={t('shared.title')} lead={t('shared.lead')} />
      {ticket.loading && !ticket.data && <Loading label={t('shared.loading')} />}
      {ticket.error !== undefined && <ErrorBlock error={ticket.error} />}
      {ticket.data && (
        <div className="ticket-list">
          <TicketCard ticket={ticket.data} mode="shared" />
        </div>
      )}
    </div>
  );
}
