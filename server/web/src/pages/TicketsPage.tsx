// My tickets: the tickets still valid, soonest first, then the expired and
// cancelled ones, latest first. Each section comes a page at a
// time from the server, with a button for more: a customer with years of
// tickets sees every one, and the page never loads them all at once.
import { useEffect } from 'react';
import { api, type MyTicket } from '../api.js';
import { ErrorBlock, Loading, Notice } from '../components/Status.js';
import { dateTime, isoString } from '../format.js';
import { MoreButton } from '../components/MoreButton.js';
import { usePages, type Pages } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, paths } from '../router.js';
import { useSession } from '../session.js';
import { SignInNeeded } from './SignInNeeded.js';
import { Hero } from '../components/Panel.js';

function useSection(token: string | null, when: 'upcoming' | 'past'): Pages<MyTicket> {
  const session = useSession();
  const pages = usePages(token ? `${when}:${token}` : null, async (cursor) => {
    const { tickets, next } = await api.myTickets(token!, when, cursor);
    return { items: tickets, next };
  });
  useEffect(() => {
    if (pages.error !== undefined) session.check(pages.error);
  }, [pages.error, session]);
  return pages;
}

export function TicketsPage() {
  const { t } = useI18n();
  const token = useSession().token;
  const upcoming = useSection(token, 'upcoming');
  const past = useSection(token, 'past');

  if (!token) return <SignInNeeded />;
  const settled = !upcoming.loading && !past.loading;
  const empty = settled && upcoming.error === undefined && past.error === undefined && upcoming.items.length === 0 && past.items.length === 0;

  return (
    <div className="page page--narrow">
      <Hero title={t('tickets.title')} />
      {empty && (
        <Notice>
          <p>{t('tickets.empty')}</p>
          <Link className="btn btn--primary btn--small" href={paths.shows()}>
            {t('tickets.find')}
          </Link>
        </Notice>
      )}
      <Section title={t('tickets.upcoming')} pages={upcoming} moreLabel={t('tickets.more')} />
      {/* One "loading" line for the page: the upcoming section's. */}
      <Section title={t('tickets.past')} pages={past} moreLabel={t('tickets.older')} muted quiet />
    </div>
  );
}

/** One section: its rows, then a button while the server has more, or where the next page failed. */
function Section({ title, pages, moreLabel, muted, quiet }: { title: string; pages: Pages<MyTicket>; moreLabel: string; muted?: boolean; quiet?: boolean }) {
  const { t } = useI18n();
  const first = pages.items.length === 0;
  return (
    <>
      {first && pages.loading && !quiet && <Loading label={t('tickets.loading')} />}
      {first && pages.error !== undefined && <ErrorBlock error={pages.error} onRetry={pages.reload} />}
      {!first && <TicketRows title={title} rows={pages.items} muted={muted} />}
      {!first && pages.error !== undefined && <ErrorBlock error={pages.error} onRetry={pages.loadMore} />}
      <MoreButton pages={pages} label={moreLabel} loadingLabel={t('tickets.loading')} />
    </>
  );
}

function TicketRows({ title, rows, muted }: { title: string; rows: MyTicket[]; muted?: boolean }) {
  const { t, locale } = useI18n();
  // The bare day number: zh-CN would otherwise write "26日".
  const dayParts = (timeZone: string) => new Intl.DateTimeFormat(locale, { day: 'numeric', timeZone });
  const day = (ms: number, timeZone: string) => dayParts(timeZone).formatToParts(ms).find((p) => p.type === 'day')?.value ?? '';
  const month = (ms: number, timeZone: string) => new Intl.DateTimeFormat(locale, { month: 'short', timeZone }).format(ms);
  return (
    <section className="day">
      <h2 className="day__heading">{title}</h2>
      <ul className={`ticket-rows${muted ? ' ticket-rows--muted' : ''}`}>
        {rows.map((r) => (
          <li key={r.ticketId}>
            <Link className="ticket-row" href={paths.order(r.orderId)}>
              <span className="ticket-row__date" aria-hidden="true">
                <span className="ticket-row__day">{day(r.startsAt * 1000, r.timeZone)}</span>
                <span className="ticket-row__month">{month(r.startsAt * 1000, r.timeZone)}</span>
              </span>
              <span className="ticket-row__body">
                <span className="ticket-row__title">
                  <span className="ticket-row__name">{r.title}</span>
                  {r.revokedAt !== null && <span className="badge badge--muted">{t('ticket.cancelled')}</span>}
                </span>
                <span className="ticket-row__meta">
                  <time dateTime={isoString(r.startsAt)}>{dateTime(locale, r.startsAt, r.timeZone)}</time> · {r.venue} · {r.hall}
                </span>
              </span>
              <span className="ticket-row__seat">
                <span className="ticket-row__seat-label">{t('ticket.seat')}</span>
                {r.seat}
              </span>
              <span className="sr-only">{t('tickets.open')}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
