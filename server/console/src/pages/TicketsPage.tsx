// Finding a ticket for a customer at the desk: one box for a ticket ID, an
// order ID, an e-mail address or a seat (with its show ID), the matches in a
// table, each opening the ticket's story (TicketPage). The search lives in the
// URL, so "back" from a ticket returns to the same results.
import { useEffect, useState, type FormEvent } from 'react';
import { api, type TicketHit } from '../api.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { Field } from '../components/Field.js';
import { ErrorNotice, Loading, PageHeader } from '../components/Status.js';
import { venueTime } from '../format.js';
import { useLoad, useVenueZones } from '../hooks.js';
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
        <Field inline grow label={t('tickets.query')}>
          <input type="search" required maxLength={200} placeholder={t('tickets.queryHint')} value={query} onChange={(e) => setQuery(e.target.value)} autoFocus />
        </Field>
        <Field inline label={t('tickets.showId')}>
          <input maxLength={200} placeholder={t('tickets.showIdHint')} value={show} onChange={(e) => setShow(e.target.value)} />
        </Field>
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
  const zoneOf = useVenueZones();
  if (tickets.length === 0) return <p className="empty">{t('tickets.none')}</p>;
  const columns: Column<TicketHit>[] = [
    {
      label: t('tickets.ticket'),
      cell: (tk) => (
        <Link href={paths.ticket(tk.ticketId, from)} className="mono">
          {tk.ticketId}
        </Link>
      ),
    },
    {
      label: t('tickets.show'),
      cell: (tk) => (
        <>
          {tk.title}
          <span className="muted mono cell-sub">{tk.showId}</span>
        </>
      ),
    },
    { label: t('tickets.seat'), cell: (tk) => tk.seat },
    { label: t('tickets.startsAt'), cellClassName: 'nowrap', cell: (tk) => venueTime(locale, tk.startsAt, zoneOf(tk.providerId), { date: true }) },
    { label: t('tickets.email'), cell: (tk) => tk.email },
    { label: t('tickets.order'), cellClassName: 'mono', cell: (tk) => tk.orderId },
    { label: t('tickets.state'), cell: (tk) => <TicketStateBadge state={tk.state} /> },
  ];
  return (
    <>
      <p className="muted" role="status">
        {t('tickets.count', { n: tickets.length })}
      </p>
      <DataTable testId="ticket-results" columns={columns} rows={tickets} rowKey={(tk) => tk.ticketId} />
    </>
  );
}
