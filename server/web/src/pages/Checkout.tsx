// Review and pay. One checkout attempt has one Idempotency-Key: pressing
// Pay again after a network error or a payment hiccup sends the same key, so
// the server answers with the same order and never charges twice. An order
// that failed for good (a seat taken, the show ended) needs a new attempt,
// hence a new key.
import { useRef, useState } from 'react';
import { api, type CatalogueShow, type Order, type Seat } from '../api.js';
import { ErrorBlock, Notice } from '../components/Status.js';
import { isSeatConflict, reasonOf } from '../errors.js';
import { dateTime, money } from '../format.js';
import { useI18n } from '../i18n/i18n.js';
import { newIdempotencyKey } from '../idempotency.js';
import { Link, navigate, paths, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { handOver } from './order-cache.js';
import { Panel } from '../components/Panel.js';
import { SeatChips } from '../components/SeatChips.js';

/** Failures where the very same request may succeed later: keep the key. */
const RETRYABLE = new Set(['network', 'payment_unavailable', 'internal', 'rate_limited']);

interface Props {
  show: CatalogueShow;
  seats: Seat[];
  onBack(): void;
  onSeatTaken(err: unknown): void;
}

export function Checkout({ show, seats, onBack, onSeatTaken }: Props) {
  const { t, locale } = useI18n();
  const session = useSession();
  const { path, search } = useLocation();
  const key = useRef<string>('');
  if (!key.current) key.current = newIdempotencyKey();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [tried, setTried] = useState(false);

  const amount = money(locale, show.priceCents * seats.length, show.currency);

  const pay = async () => {
    if (!session.token || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const order: Order = await api.placeOrder(session.token, key.current, {
        providerId: show.providerId,
        showId: show.showId,
        seats: seats.map((s) => s.seatId),
      });
      handOver(order);
      navigate(paths.order(order.orderId));
    } catch (err) {
      session.check(err);
      setTried(true);
      if (!RETRYABLE.has(reasonOf(err))) key.current = newIdempotencyKey();
      if (isSeatConflict(err)) onSeatTaken(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel id="checkout-title" title={t('checkout.title')} className="checkout">
      <dl className="summary-list">
        <div>
          <dt>{t('checkout.show')}</dt>
          <dd>
            <strong>{show.title}</strong>
            <br />
            {dateTime(locale, show.startsAt, show.timeZone)} · {show.venue} · {show.hall}
          </dd>
        </div>
        <div>
          <dt>{t('checkout.seats')}</dt>
          <dd>
            <SeatChips seats={seats} />
          </dd>
        </div>
        <div>
          <dt>{t('checkout.line', { n: seats.length, price: money(locale, show.priceCents, show.currency) })}</dt>
          <dd>{amount}</dd>
        </div>
        <div className="summary-list__total">
          <dt>{t('checkout.total')}</dt>
          <dd>{amount}</dd>
        </div>
      </dl>

      <fieldset className="pay-method">
        <legend>{t('checkout.method')}</legend>
        <label className="pay-method__option">
          <input type="radio" name="method" value="demo" checked readOnly />
          <span>
            <strong>{t('checkout.demo')}</strong>
            <small>{t('checkout.demoNote')}</small>
          </span>
        </label>
      </fieldset>

      {error !== undefined && <ErrorBlock error={error} />}
      {tried && error !== undefined && RETRYABLE.has(reasonOf(error)) && <p className="hint">{t('checkout.retryNote')}</p>}
      {busy && <Notice>{t('checkout.paying')}</Notice>}

      <div className="checkout__actions">
        {session.token ? (
          <button type="button" className="btn btn--primary btn--large" onClick={() => void pay()} disabled={busy} aria-busy={busy}>
            {busy ? t('checkout.paying') : t('checkout.pay', { amount })}
          </button>
        ) : (
          <>
            <p className="hint">{t('checkout.signInNote')}</p>
            <Link className="btn btn--primary btn--large" href={paths.signIn(`${path}?${withPay(search)}`)}>
              {t('checkout.signIn')}
            </Link>
          </>
        )}
        <button type="button" className="btn btn--ghost" onClick={onBack} disabled={busy}>
          {t('checkout.edit')}
        </button>
      </div>
    </Panel>
  );
}

function withPay(search: URLSearchParams): string {
  const next = new URLSearchParams(search);
  next.set('pay', '1');
  return next.toString();
}
