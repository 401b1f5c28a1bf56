// What's on: every provider's showtimes one day at a time, picked from a strip
// of the days that have any, with a gentle notice for cinemas that did not
// answer in time. A multiplex sells thousands of showtimes months ahead, and a
// platform carries many venues: the page asks the server for the day it shows
// (`GET /api/v1/shows?day=`), and a customer looks for one evening. The day is
// in the address (?day=), so back and a shared link keep it.
import { useEffect, useRef } from 'react';
import { DAY_PATTERN } from '../../../../protocol/venue-day.js';
import { api, type CatalogueShow } from '../api.js';
import { Poster } from '../components/Poster.js';
import { ErrorBlock, Loading, Notice } from '../components/Status.js';
import { dayChip, dayHeading, money, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, paths, useLocation } from '../router.js';
import { Hero } from '../components/Panel.js';

/** Below this share of free seats a showtime is "almost full". */
const ALMOST_FULL = 0.15;
/** A hall's size when its verification server does not say (one older than `seatsTotal`). */
const TYPICAL_HALL = 120;

/** Sold out, almost full (under 15 % of its own seats left, or 5), or plenty. */
export function availability(show: Pick<CatalogueShow, 'seatsFree' | 'seatsTotal'>): 'soldOut' | 'almostFull' | 'open' {
  if (show.seatsFree <= 0) return 'soldOut';
  return show.seatsFree <= Math.max(5, (show.seatsTotal ?? TYPICAL_HALL) * ALMOST_FULL) ? 'almostFull' : 'open';
}

type Catalogue = Awaited<ReturnType<typeof api.shows>> & { names: Map<string, string> };

/** A `?day=` the page asks the server for: a date as written, anything else the first day on sale. */
const askedDay = (day: string | null) => (day && DAY_PATTERN.test(day) ? day : 'first');

async function loadCatalogue(day: string): Promise<Catalogue> {
  let answer = await api.shows(day);
  // A day with nothing on sale (an old link, a day sold out and gone): the first day instead.
  if (answer.shows.length === 0 && day !== 'first' && answer.days.length > 0) answer = await api.shows('first');
  const names = new Map<string, string>();
  if (answer.unavailable.length) {
    // Names for the notice; without them the notice still reads well.
    const providers = await api.providers().catch(() => ({ providers: [] }));
    for (const p of providers.providers) names.set(p.providerId, p.name);
  }
  return { ...answer, names };
}

export function ShowsPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const asked = askedDay(search.get('day'));
  const catalogue = useLoad(`shows:${asked}`, () => loadCatalogue(asked));
  const data = catalogue.data;

  return (
    <div className="page">
      <Hero title={t('shows.title')} lead={t('shows.lead')} />
      {data && data.unavailable.length > 0 && <UnavailableNotice ids={data.unavailable} names={data.names} />}
      {catalogue.loading && !data && <Loading label={t('shows.loading')} />}
      {catalogue.error !== undefined && <ErrorBlock error={catalogue.error} onRetry={catalogue.reload} />}
      {data && data.days.length === 0 && data.unavailable.length === 0 && <Notice>{t('shows.empty')}</Notice>}
      {data && <ShowDays catalogue={data} asked={asked} loading={catalogue.loading} />}
    </div>
  );
}

function UnavailableNotice({ ids, names }: { ids: string[]; names: Map<string, string> }) {
  const { t, locale } = useI18n();
  const known = ids.map((id) => names.get(id)).filter((n): n is string => n !== undefined);
  const text =
    known.length === ids.length ? t('shows.unavailable', { names: new Intl.ListFormat(locale, { type: 'conjunction' }).format(known) }) : t('shows.unavailableOne');
  return <Notice tone="warning">{text}</Notice>;
}

/** The strip of days on sale and the day shown. While another day loads, its chip is already the current one and the list waits, dimmed. */
function ShowDays({ catalogue, asked, loading }: { catalogue: Catalogue; asked: string; loading: boolean }) {
  const { t, locale } = useI18n();
  const { days, shows } = catalogue;
  const shown = days.find((d) => d.day === catalogue.day);
  const currentKey = (loading && days.some((d) => d.day === asked) ? asked : shown?.day) ?? null;
  const chosen = useRef<HTMLAnchorElement>(null);
  // A day far along the strip (a shared link, back) is scrolled into view. In braces: an effect's
  // return value is its cleanup, and newer browsers' scrollIntoView returns a promise.
  useEffect(() => {
    void chosen.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [currentKey]);
  if (!shown) return null;
  return (
    <>
      <nav className="day-strip" aria-label={t('shows.days')}>
        <ul>
          {days.map((d) => {
            const chip = dayChip(locale, d.startsAt, Date.now(), d.timeZone);
            const here = d.day === currentKey;
            return (
              <li key={d.day}>
                <Link ref={here ? chosen : undefined} className={`day-chip${here ? ' day-chip--current' : ''}`} href={paths.shows(d.day)} aria-current={here ? 'date' : undefined}>
                  <span className="day-chip__name">{chip.name}</span>
                  <span className="day-chip__date">{chip.date}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <section className={`day${currentKey !== shown.day ? ' day--pending' : ''}`} aria-labelledby={`day-${shown.day}`} aria-busy={currentKey !== shown.day}>
        <h2 id={`day-${shown.day}`} className="day__heading">
          {dayHeading(locale, shown.startsAt, Date.now(), shown.timeZone)}
        </h2>
        <ul className="show-list">
          {shows.map((s) => (
            <li key={`${s.providerId}/${s.showId}`}>
              <ShowCard show={s} />
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function ShowCard({ show }: { show: CatalogueShow }) {
  const { t, locale } = useI18n();
  const left = availability(show);
  const soldOut = left === 'soldOut';
  const almostFull = left === 'almostFull';
  const started = show.startsAt * 1000 < Date.now();
  const headingId = `show-${show.providerId}-${show.showId}`;
  return (
    <article className={`show-card${soldOut ? ' show-card--sold-out' : ''}`} aria-labelledby={headingId}>
      <Poster title={show.title} />
      <div className="show-card__info">
        <p className="show-card__time">
          <time dateTime={new Date(show.startsAt * 1000).toISOString()}>{time(locale, show.startsAt, show.timeZone)}</time>
          <span className="show-card__until">{t('shows.until', { time: time(locale, show.endsAt, show.timeZone) })}</span>
          {started && <span className="badge badge--muted">{t('shows.started')}</span>}
        </p>
        <h3 id={headingId} className="show-card__title">
          {show.title}
        </h3>
        <p className="show-card__place">
          {show.venue} · {show.hall}
        </p>
      </div>
      <div className="show-card__buy">
        <p className="show-card__price">
          <strong>{money(locale, show.priceCents, show.currency)}</strong> <span>{t('shows.perSeat')}</span>
        </p>
        <p className={`show-card__seats${almostFull ? ' show-card__seats--low' : ''}`}>
          {soldOut ? t('shows.soldOut') : almostFull ? `${t('shows.almostFull')} · ${t('shows.seatsLeft', { n: show.seatsFree })}` : t('shows.seatsLeft', { n: show.seatsFree })}
        </p>
        {soldOut ? (
          <span className="btn btn--disabled" aria-disabled="true">
            {t('shows.soldOut')}
          </span>
        ) : (
          <Link className="btn btn--primary show-card__cta" href={paths.seats(show.providerId, show.showId)} aria-describedby={headingId}>
            {t('shows.choose')}
          </Link>
        )}
      </div>
    </article>
  );
}
