// Finding a ticket for a customer at the desk: one box for a ticket ID, an
// order ID, an e-mail address or a seat (with its show ID), the matches in a
// table, each opening the ticket's story (TicketPage). The search lives in the
// URL, so "back" from a ticket returns to the same results.
import { useEffect, useState, type FormEvent } from 'react';
import { api, type TicketHit } from '../api.js';
import { ErrorNotice, Loading, PageHeader } from '../components/Status.js';
import { dateTime } from '../format.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, navigate, paths, useLocation } from '../router.js';
import { TicketStateBadge } from './TicketStateBadge.js';

export function TicketsPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const showId = search.get('showId') ?? '';
  const [query, setQuery] = useState(q);
  const [show, setShow] = useState(showId);
  useEffect(() => {
    setQuery(q);
    setShow(showId);
  }, [q, showId]);
  const [found] = useLoad((tk) => (q ? api.searchTickets(tk, q, showId || undefined) : Promise.resolve(null)), [q, showId]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (query.trim()) navigate(paths.tickets(query.trim(), show.trim() || undefined));
  };

  return (
    <>
      <PageHeader title={t('tickets.title')} lead={t('tickets.lead')} />
      <form className="toolbar" role="search" onSubmit={submit} data-testid="ticket-search">
        <label className="field field--inline field--grow">
          <span className="field__label">{t('tickets.query')}</span>
          <input type="search" required maxLength={200} placeholder={t('tickets.queryHint')} value={query} onChange={(e) => setQuery(e.target.value)} autoFocus />
        </label>
        <label className="field field--inline">
          <span className="field__label">{t('tickets.showId')}</span>
          <input maxLength={200} placeholder={t('tickets.showIdHint')} value={show} onChange={(e) => setShow(e.target.value)} />
        </label>
        <button type="submit" className="btn btn--primary">
          {t('tickets.search')}
        </button>
      </form>
      {q && found.state === 'loading' && <Loading />}
      {found.state === 'error' && <ErrorNotice error={found.error} />}
      {found.state === 'ready' && found.data && <Results tickets={found.data.tickets} from={search.toString()} />}
    </>
  );
}

function Results({ tickets, from }: { tickets: TicketHit[]; from: string }) {
  const { t, locale } = useI18n();
  if (tickets.length === 0) return <p className="empty">{t('tickets.none')}</p>;
  return (
    <>
      <p className="muted" role="status">
        {t('tickets.count', { n: tickets.length })}
      </p>
      <div className="table-wrap">
        <table className="table" data-testid="ticket-results">
          <thead>
            <tr>
              <th scope="col">{t('tickets.ticket')}</th>
              <th scope="col">{t('tickets.show')}</th>
              <th scope="col">{t('tickets.seat')}</th>
              <th scope="col">{t('tickets.startsAt')}</th>
              <th scope="col">{t('tickets.email')}</th>
              <th scope="col">{t('tickets.order')}</th>
              <th scope="col">{t('tickets.state')}</th>
            </tr>
          </thead>
          <tbody>
            {tickets.map((tk) => (
              <tr key={tk.ticketId}>
                <td>
                  <Link href={paths.ticket(tk.ticketId, from)} className="mono">
                    {tk.ticketId}
                  </Link>
                </td>
                <td>
                  {tk.title}
                  <span className="muted mono cell-sub">{tk.showId}</span>
                </td>
                <td>{tk.seat}</td>
                <td>{dateTime(locale, tk.startsAt)}</td>
                <td>{tk.email}</td>
                <td className="mono">{tk.orderId}</td>
                <td>
                  <TicketStateBadge state={tk.state} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
