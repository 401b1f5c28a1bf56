// What's on: every provider's showtimes grouped by day, with a gentle notice
// for cinemas that did not answer in time.
import { api, type CatalogueShow } from '../api.js';
import { Poster } from '../components/Poster.js';
import { ErrorBlock, Loading, Notice } from '../components/Status.js';
import { dayHeading, dayKey, money, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, paths } from '../router.js';
import { Hero } from '../components/Panel.js';

/** Below this share of free seats a showtime is "almost full". */
const ALMOST_FULL = 0.15;
/** The demo halls hold 120; a provider does not say how many seats a hall has. */
const TYPICAL_HALL = 120;

interface Catalogue {
  shows: CatalogueShow[];
  unavailable: string[];
  names: Map<string, string>;
}

async function loadCatalogue(): Promise<Catalogue> {
  const { shows, unavailable } = await api.shows();
  const names = new Map<string, string>();
  if (unavailable.length) {
    // Names for the notice; without them the notice still reads well.
    const providers = await api.providers().catch(() => ({ providers: [] }));
    for (const p of providers.providers) names.set(p.providerId, p.name);
  }
  return { shows, unavailable, names };
}

export function ShowsPage() {
  const { t } = useI18n();
  const catalogue = useLoad('shows', loadCatalogue);
  const data = catalogue.data;

  return (
    <div className="page">
      <Hero title={t('shows.title')} lead={t('shows.lead')} />
      {data && data.unavailable.length > 0 && <UnavailableNotice ids={data.unavailable} names={data.names} />}
      {catalogue.loading && !data && <Loading label={t('shows.loading')} />}
      {catalogue.error !== undefined && <ErrorBlock error={catalogue.error} onRetry={catalogue.reload} />}
      {data && data.shows.length === 0 && data.unavailable.length === 0 && <Notice>{t('shows.empty')}</Notice>}
      {data && <ShowDays shows={data.shows} />}
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

function ShowDays({ shows }: { shows: CatalogueShow[] }) {
  const { locale } = useI18n();
  const days = new Map<string, CatalogueShow[]>();
  for (const s of shows) days.set(dayKey(s.startsAt, s.timeZone), [...(days.get(dayKey(s.startsAt, s.timeZone)) ?? []), s]);
  return (
    <>
      {[...days].map(([key, dayShows]) => (
        <section key={key} className="day" aria-labelledby={`day-${key}`}>
          <h2 id={`day-${key}`} className="day__heading">
            {dayHeading(locale, dayShows[0]!.startsAt, Date.now(), dayShows[0]!.timeZone)}
          </h2>
          <ul className="show-list">
            {dayShows.map((s) => (
              <li key={`${s.providerId}/${s.showId}`}>
                <ShowCard show={s} />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

function ShowCard({ show }: { show: CatalogueShow }) {
  const { t, locale } = useI18n();
  const soldOut = show.seatsFree <= 0;
  const almostFull = !soldOut && show.seatsFree <= Math.max(5, TYPICAL_HALL * ALMOST_FULL);
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
