// My tickets: every issued ticket of the customer's orders, upcoming first
// (soonest at the top), then the past and cancelled ones.
import { useEffect } from 'react';
import { api, type BookingTicket, type Order } from '../api.js';
import { ErrorBlock, Loading, Notice } from '../components/Status.js';
import { dateTime, isoString } from '../format.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, paths } from '../router.js';
import { useSession } from '../session.js';
import { SignInNeeded } from './SignInNeeded.js';
import { Hero } from '../components/Panel.js';

type Row = BookingTicket & { orderId: string };

function rows(orders: Order[]): Row[] {
  return orders.flatMap((o) => o.tickets.map((t) => ({ ...t, orderId: o.orderId })));
}

export function TicketsPage() {
  const { t } = useI18n();
  const session = useSession();
  const token = session.token;
  const orders = useLoad(token ? `orders:${token}` : null, async () => {
    const { orders } = await api.orders(token!);
    return orders;
  });
  useEffect(() => {
    if (orders.error !== undefined) session.check(orders.error);
  }, [orders.error, session]);

  if (!token) return <SignInNeeded />;
  const all = orders.data ? rows(orders.data) : [];
  const now = Date.now() / 1000;
  const live = (r: Row) => r.validUntil >= now && r.revokedAt === null;
  const upcoming = all.filter(live).sort((a, b) => a.startsAt - b.startsAt);
  const past = all.filter((r) => !live(r)).sort((a, b) => b.startsAt - a.startsAt);

  return (
    <div className="page page--narrow">
      <Hero title={t('tickets.title')} />
      {orders.loading && !orders.data && <Loading label={t('tickets.loading')} />}
      {orders.error !== undefined && <ErrorBlock error={orders.error} onRetry={orders.reload} />}
      {orders.data && all.length === 0 && (
        <Notice>
          <p>{t('tickets.empty')}</p>
          <Link className="btn btn--primary btn--small" href={paths.shows()}>
            {t('tickets.find')}
          </Link>
        </Notice>
      )}
      {upcoming.length > 0 && <TicketRows title={t('tickets.upcoming')} rows={upcoming} />}
      {past.length > 0 && <TicketRows title={t('tickets.past')} rows={past} muted />}
    </div>
  );
}

function TicketRows({ title, rows, muted }: { title: string; rows: Row[]; muted?: boolean }) {
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
                  {r.title}
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
