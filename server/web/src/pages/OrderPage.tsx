// An order's tickets, right after paying or from "My tickets". An order
// still being issued (the cinema was slow) is polled until it is done.
import { useEffect } from 'react';
import { api, ApiError, type Order } from '../api.js';
import { ErrorBlock, Loading, Notice } from '../components/Status.js';
import { errorMessage } from '../errors.js';
import { useLoad } from '../hooks.js';
import { useI18n, type Translate } from '../i18n/i18n.js';
import { Link, paths } from '../router.js';
import { useSession } from '../session.js';
import { takeOver } from './order-cache.js';
import { SignInNeeded } from './SignInNeeded.js';
import { TicketCard } from './TicketCard.js';

const POLL_MS = 2000;

export function OrderPage({ orderId }: { orderId: string }) {
  const { t } = useI18n();
  const session = useSession();
  const token = session.token;
  const order = useLoad(token ? `order:${orderId}` : null, async () => {
    const placed = takeOver(orderId);
    return placed?.state === 'issued' ? placed : api.order(token!, orderId);
  });
  const state = order.data?.state;

  useEffect(() => {
    if (state !== 'paid' && state !== 'pending') return;
    const timer = setTimeout(order.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [state, order.data, order.reload]);

  useEffect(() => {
    if (order.error !== undefined) session.check(order.error);
  }, [order.error, session]);

  if (!token) return <SignInNeeded />;
  if (order.error !== undefined) return <ErrorBlock error={order.error} onRetry={order.reload} />;
  if (!order.data) return <Loading label={t('order.loading')} />;
  const o = order.data;

  return (
    <div className="page">
      {o.state === 'issued' ? (
        <section className="hero hero--success">
          <p className="hero__check" aria-hidden="true">
            ✓
          </p>
          <h1>{t('order.done')}</h1>
          <p className="hero__lead">{t('order.lead')}</p>
          <p className="hero__ref">{t('order.ref', { id: o.orderId })}</p>
        </section>
      ) : o.state === 'failed' ? (
        <Notice tone="error">
          <p>
            <strong>{t('order.failed')}</strong>
          </p>
          <p>{failure(t, o)}</p>
        </Notice>
      ) : (
        <Loading label={t('order.pending')} />
      )}
      <div className="ticket-list">
        {o.tickets.map((ticket) => (
          <TicketCard key={ticket.ticketId} ticket={ticket} mode="owner" />
        ))}
      </div>
      <p className="page__more">
        <Link className="btn btn--ghost" href={paths.shows()}>
          {t('order.more')}
        </Link>
      </p>
    </div>
  );
}

function failure(t: Translate, order: Order): string {
  return errorMessage(t, new ApiError(409, order.failureReason ?? 'provider_refused', ''));
}
