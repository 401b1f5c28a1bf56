// The Live page: one provider's show at its gates, as the stream sends it —
// admitted out of the seats, admissions per minute per gate, denials by
// reason, the last 50 scans (an admission annulled from there), and offline
// conflicts to acknowledge, every time at the venue's clock. Without a show in
// the address it opens the one on now (else the next). The picker offers the
// provider's shows of the last hours and the next day, from its programme:
// the show that just ended can still be looked back on.
import { useEffect, useState, type ReactNode } from 'react';
import { api, type ApiError, type ManagedShow } from '../api.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { Field } from '../components/Field.js';
import { ProviderToolbar, useProviderChoice } from '../components/ProviderPicker.js';
import { ErrorNotice, Loading, PageHeader } from '../components/Status.js';
import { venueTime, zoneName } from '../format.js';
import { useLoad } from '../hooks.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { watchLive, type LiveSummary } from '../live.js';
import { navigate, paths, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { LiveChart } from './LiveChart.js';
import { LiveScans } from './LiveScans.js';

type Gate = LiveSummary['gates'][number];
type Denial = LiveSummary['denials'][number];

/** How far back the show picker reaches: the show that just ended is still reviewed (its denials, the last scans). */
const LIVE_PAST_S = 6 * 3600;
/** How far ahead: the rest of tonight and tomorrow, not a multiplex's months on sale. */
const LIVE_AHEAD_S = 24 * 3600;

/** The shows the picker offers: ended in the last hours or starting within a day, cancelled ones left out. */
function liveShows(shows: ManagedShow[], now: number): ManagedShow[] {
  return shows.filter((s) => s.cancelledAt === null && s.endsAt > now - LIVE_PAST_S && s.startsAt <= now + LIVE_AHEAD_S);
}

export function LivePage() {
  const { t, locale } = useI18n();
  const { token, check } = useSession();
  const { search, href } = useLocation();
  const choice = useProviderChoice(paths.live);
  const { providerId } = choice;
  const zone = choice.provider?.timeZoneInUse;
  const [programme] = useLoad(
    async (token) => ({ providerId, shows: providerId ? (await api.shows(token, providerId, Math.floor(Date.now() / 1000) - LIVE_PAST_S)).shows : [] }),
    [providerId],
  );
  const showId = search.get('show') ?? '';
  // Until another provider's list has come, the last one's is not offered as its.
  const listed = programme.state === 'ready' && programme.data.providerId === providerId;
  const shows = listed ? liveShows(programme.data.shows, Date.now() / 1000) : [];
  const [summary, setSummary] = useState<LiveSummary | null>(null);
  const [down, setDown] = useState<ApiError | null>(null);
  const [acking, setAcking] = useState<string | null>(null);

  // No show chosen: the provider's show on now, else the next one (useProviderChoice picks the first provider).
  useEffect(() => {
    if (!providerId || !listed || shows.some((s) => s.showId === showId)) return;
    const now = Date.now() / 1000;
    const pick = shows.find((s) => s.startsAt <= now && now <= s.endsAt) ?? shows.find((s) => s.startsAt > now) ?? shows[0];
    if (pick) navigate(paths.live(providerId, pick.showId), { replace: true, from: href });
  }, [providerId, showId, listed, shows]);

  useEffect(() => {
    setSummary(null);
    setDown(null);
    if (!token || !providerId || !showId) return;
    return watchLive(
      token,
      providerId,
      showId,
      (s) => {
        setSummary(s);
        setDown(null);
      },
      (err) => {
        check(err);
        setDown(err);
      },
    );
  }, [token, providerId, showId]);

  const ack = async (conflictId: string) => {
    if (!token) return;
    setAcking(conflictId);
    try {
      await api.ackConflict(token, conflictId);
      setSummary((s) => (s ? { ...s, conflicts: s.conflicts.filter((c) => c.conflictId !== conflictId) } : s));
    } catch (err) {
      check(err);
      setDown(err as ApiError);
    } finally {
      setAcking(null);
    }
  };

  const time = (at: number) => venueTime(locale, at, zone, { seconds: true });
  const reason = (r: string) => (t as (k: MessageKey) => string)(`reason.${r}` as MessageKey) ?? r;
  const capacity = summary?.capacity ?? null;
  const gateColumns: Column<Gate>[] = [
    { label: t('live.gate'), cell: (g) => g.gate },
    { label: t('live.admitted'), cell: (g) => g.admitted },
    { label: t('live.denied'), cell: (g) => g.denied },
  ];
  const denialColumns: Column<Denial>[] = [
    // a table without a header: the reason and how often
    { label: null, cell: (d) => reason(d.reason) },
    { label: null, cell: (d) => d.count },
  ];
  return (
    <>
      <PageHeader
        title={t('live.title')}
        lead={t('live.lead')}
        actions={summary && <span className={`live-state${down ? ' live-state--down' : ''}`}>● {t(down ? 'live.reconnecting' : 'live.connected')}</span>}
      />
      <ProviderToolbar choice={choice} testId="live-provider">
        {shows.length > 0 && (
          <Field inline label={t('live.show')}>
            <select value={showId} onChange={(e) => navigate(paths.live(providerId, e.target.value))} data-testid="live-show">
              {shows.map((s) => (
                <option key={s.showId} value={s.showId}>
                  {s.title} · {s.hall} · {venueTime(locale, s.startsAt, zone, { date: true })}
                </option>
              ))}
            </select>
          </Field>
        )}
        {zone && (
          <span className="muted live-zone" data-testid="live-zone">
            {t('live.zoneNote', { zone: zoneName(locale, zone) })}
          </span>
        )}
      </ProviderToolbar>
      {providerId && listed && shows.length === 0 && <p className="empty">{t('live.noShows')}</p>}
      {down && !summary && down.status !== 0 && <ErrorNotice error={down} />}
      {showId && !summary && !down && <Loading />}
      {summary && (
        <>
          <div className="live-top">
            <div className="live-count" data-testid="live-admitted">
              <div className="live-count__label">{t('live.admitted')}</div>
              <div className="live-count__value">{summary.admitted.toLocaleString(locale)}</div>
              <div className="live-count__of">{capacity === null ? t('live.capacityUnknown') : t('live.ofCapacity', { capacity: capacity.toLocaleString(locale) })}</div>
              {capacity !== null && capacity > 0 && (
                <div className="live-count__bar" aria-hidden="true">
                  <span style={{ width: `${Math.min(100, (100 * summary.admitted) / capacity)}%` }} />
                </div>
              )}
            </div>
            <LiveSection title={t('live.perMinute')} className="live-chart-box" empty={summary.perMinute.length === 0 && t('live.noAdmissions')}>
              <LiveChart perMinute={summary.perMinute} label={t('live.admitted')} timeLabel={t('live.time')} zone={zone} />
            </LiveSection>
          </div>
          <LiveSection title={t('live.conflicts')} empty={summary.conflicts.length === 0 && t('live.noConflicts')}>
            <ul className="live-conflicts" data-testid="live-conflicts">
              {summary.conflicts.map((c) => (
                <li key={c.conflictId}>
                  <span>
                    {t('live.conflictLine', {
                      ticket: c.ticketId ?? t('live.unknown'),
                      seat: c.seat ?? t('live.unknown'),
                      gate: c.gate,
                      at: time(c.at),
                      firstGate: c.firstGate ?? t('live.unknown'),
                      firstAt: c.firstAt === null ? t('live.unknown') : time(c.firstAt),
                    })}
                  </span>
                  <button type="button" className="btn btn--small" disabled={acking === c.conflictId} onClick={() => void ack(c.conflictId)}>
                    {t('live.ack')}
                  </button>
                </li>
              ))}
            </ul>
          </LiveSection>
          <div className="live-grid">
            <LiveSection title={t('live.gates')} empty={summary.gates.length === 0 && t('live.noScans')}>
              <DataTable testId="live-gates" columns={gateColumns} rows={summary.gates} rowKey={(g) => g.gate} />
            </LiveSection>
            <LiveSection title={t('live.denials')} empty={summary.denials.length === 0 && t('live.noDenials')}>
              <DataTable testId="live-denials" head={false} columns={denialColumns} rows={summary.denials} rowKey={(d) => d.reason} />
            </LiveSection>
          </div>
          <LiveSection title={t('live.recent')} empty={summary.recent.length === 0 && t('live.noScans')}>
            <LiveScans scans={summary.recent} zone={zone} reason={reason} />
          </LiveSection>
        </>
      )}
    </>
  );
}

/** One part of the Live page under its heading; `empty`, when a string, stands in for a part with nothing to show yet. */
function LiveSection({ title, className, empty = false, children }: { title: string; className?: string; empty?: string | false; children: ReactNode }) {
  return (
    <section className={className ? `${className} live-section` : 'live-section'}>
      <h2>{title}</h2>
      {empty === false ? children : <p className="empty">{empty}</p>}
    </section>
  );
}
