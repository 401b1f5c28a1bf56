// One showtime: its seat map, the running selection (kept in the URL, so a
// sign-in on the way keeps it), then the review-and-pay step.
import { useEffect, useState } from 'react';
import { api, ApiError, type CatalogueShow, type Seat } from '../api.js';
import { Poster } from '../components/Poster.js';
import { ErrorBlock, Loading, Notice } from '../components/Status.js';
import { dateTime, dayKey, money } from '../format.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, navigate, paths, useLocation } from '../router.js';
import { Checkout } from './Checkout.js';
import { SeatMap } from './SeatMap.js';
import { SeatChips } from '../components/SeatChips.js';

/** Seats per order: a family or a group of friends; the API takes up to 20. */
export const MAX_SEATS = 6;

export function SeatsPage({ providerId, showId }: { providerId: string; showId: string }) {
  const { t } = useI18n();
  const { search } = useLocation();
  const show = useLoad(`show:${providerId}/${showId}`, () =>
    // Not on sale (over, cancelled, a mistyped link) is told apart; its cinema not answering is an error to retry.
    api.show(providerId, showId).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }),
  );
  const seats = useLoad(`seats:${providerId}/${showId}`, () => api.seats(providerId, showId));
  const [step, setStep] = useState<'pick' | 'pay'>(search.get('pay') === '1' ? 'pay' : 'pick');
  const [notice, setNotice] = useState<unknown>(undefined);

  const free = new Set((seats.data?.seats ?? []).filter((s) => s.status === 'free').map((s) => s.seatId));
  const wanted = (search.get('seats') ?? '').split(',').filter(Boolean);
  // Only seats still free count: after a reload, a seat someone else bought drops out.
  const selected = seats.data ? wanted.filter((id) => free.has(id)).slice(0, MAX_SEATS) : wanted;

  const setSelected = (next: string[]) => navigate(paths.seats(providerId, showId, next), { replace: true });
  const toggle = (seat: Seat) => {
    setNotice(undefined);
    setSelected(selected.includes(seat.seatId) ? selected.filter((s) => s !== seat.seatId) : [...selected, seat.seatId]);
  };

  useEffect(() => {
    if (step === 'pay' && selected.length === 0) setStep('pick');
  }, [step, selected.length]);

  if (show.loading && !show.data) return <Loading label={t('seats.loading')} />;
  if (show.error !== undefined) return <ErrorBlock error={show.error} onRetry={show.reload} />;
  if (!show.data) return <Unavailable />;
  const s = show.data;

  const seatList = (seats.data?.seats ?? []).filter((x) => selected.includes(x.seatId)).sort((a, b) => a.row.localeCompare(b.row) || a.number - b.number);

  return (
    <div className="page page--seats">
      <Link href={paths.shows(dayKey(s.startsAt, s.timeZone))} className="back-link">
        <span aria-hidden="true">←</span> {t('seats.back')}
      </Link>
      <ShowHeader show={s} />
      {step === 'pay' && seatList.length === 0 ? (
        seats.error !== undefined ? (
          <ErrorBlock error={seats.error} onRetry={seats.reload} />
        ) : (
          <Loading label={t('seats.loading')} />
        )
      ) : step === 'pay' ? (
        <Checkout
          show={s}
          seats={seatList}
          onBack={() => setStep('pick')}
          onSeatTaken={(err) => {
            setNotice(err);
            setStep('pick');
            seats.reload();
            window.scrollTo(0, 0);
          }}
        />
      ) : (
        <>
          {/* Above the map: on a phone the selection bar covers what is below it. */}
          {notice !== undefined && <ErrorBlock error={notice} />}
          {seats.data && free.size === 0 && <Notice tone="warning">{t('seats.soldOutNow')}</Notice>}
          {selected.length >= MAX_SEATS && <Notice>{t('seats.max', { max: MAX_SEATS })}</Notice>}
          <div className="booking-layout">
            <section className="panel panel--dark seat-panel" aria-label={t('seats.title')}>
              {seats.loading && !seats.data && <Loading label={t('seats.loading')} />}
              {seats.error !== undefined && <ErrorBlock error={seats.error} onRetry={seats.reload} />}
              {seats.data && <SeatMap seats={seats.data.seats} selected={selected} max={MAX_SEATS} onToggle={toggle} />}
            </section>
            <aside className="summary">
              <SelectionBar show={s} seats={seatList} onContinue={() => setStep('pay')} />
            </aside>
          </div>
        </>
      )}
    </div>
  );
}

function ShowHeader({ show }: { show: CatalogueShow }) {
  const { locale } = useI18n();
  return (
    <header className="show-header">
      <Poster title={show.title} size="small" />
      <div>
        <h1 className="show-header__title">{show.title}</h1>
        <p className="show-header__meta">
          <time dateTime={new Date(show.startsAt * 1000).toISOString()}>{dateTime(locale, show.startsAt, show.timeZone)}</time>
        </p>
        <p className="show-header__meta">
          {show.venue} · {show.hall}
        </p>
      </div>
    </header>
  );
}

function SelectionBar({ show, seats, onContinue }: { show: CatalogueShow; seats: Seat[]; onContinue(): void }) {
  const { t, locale } = useI18n();
  const total = money(locale, show.priceCents * seats.length, show.currency);
  return (
    <div className="selection-bar">
      <div className="selection-bar__info">
        {seats.length === 0 ? (
          <p className="selection-bar__hint">{t('seats.none')}</p>
        ) : (
          <>
            <p className="selection-bar__count">
              {t('seats.count', { n: seats.length })} · <strong>{total}</strong>
            </p>
            <SeatChips seats={seats} label={t('checkout.seats')} />
          </>
        )}
      </div>
      <button type="button" className="btn btn--primary" disabled={seats.length === 0} onClick={onContinue}>
        {t('seats.continue')}
      </button>
    </div>
  );
}

function Unavailable() {
  const { t } = useI18n();
  return (
    <div className="page">
      <Notice tone="warning">
        <p>{t('seats.unknownShow')}</p>
        <Link href={paths.shows()} className="btn btn--ghost btn--small">
          {t('seats.back')}
        </Link>
      </Notice>
    </div>
  );
}
