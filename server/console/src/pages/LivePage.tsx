// The Live page: one provider's show at its gates, as the stream sends it —
// admitted out of the seats, admissions per minute per gate, denials by
// reason, the last 50 scans, and offline conflicts to acknowledge. Without a
// show in the address it opens the one on now (else the next).
import { useEffect, useState } from 'react';
import { api, type ApiError, type Staff } from '../api.js';
import { ErrorNotice, Loading, PageHeader } from '../components/Status.js';
import { useLoad } from '../hooks.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { watchLive, type LiveSummary } from '../live.js';
import { navigate, paths, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { LiveChart } from './LiveChart.js';

async function providersFor(token: string, staff: Staff | null): Promise<{ providerId: string; name: string }[]> {
  if (staff?.role === 'admin') return (await api.providers(token)).providers;
  const mine = new Set(staff?.providerIds ?? []);
  return (await api.providerNames()).providers.filter((p) => mine.has(p.providerId));
}

export function LivePage() {
  const { t, locale } = useI18n();
  const { token, staff, check } = useSession();
  const { search } = useLocation();
  const [providers, reloadProviders] = useLoad((tk) => providersFor(tk, staff), [staff]);
  const [catalogue] = useLoad(() => api.catalogue(), []);
  const list = providers.state === 'ready' ? providers.data : [];
  const providerId = search.get('provider') ?? '';
  const showId = search.get('show') ?? '';
  const shows = catalogue.state === 'ready' ? catalogue.data.shows.filter((s) => s.providerId === providerId) : [];
  const [summary, setSummary] = useState<LiveSummary | null>(null);
  const [down, setDown] = useState<ApiError | null>(null);
  const [acking, setAcking] = useState<string | null>(null);

  // No provider or show chosen: the first provider, and its show on now, else the next one.
  useEffect(() => {
    if (list.length > 0 && !list.some((p) => p.providerId === providerId)) navigate(paths.live(list[0]!.providerId), { replace: true });
  }, [list, providerId]);
  useEffect(() => {
    if (!providerId || catalogue.state !== 'ready' || shows.some((s) => s.showId === showId)) return;
    const now = Date.now() / 1000;
    const pick = shows.find((s) => s.startsAt <= now && now <= s.endsAt) ?? shows.find((s) => s.startsAt > now) ?? shows[0];
    if (pick) navigate(paths.live(providerId, pick.showId), { replace: true });
  }, [providerId, showId, catalogue.state, shows]);

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

  const time = (at: number) => new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(at * 1000);
  const reason = (r: string) => (t as (k: MessageKey) => string)(`reason.${r}` as MessageKey) ?? r;
  const capacity = summary?.capacity ?? null;

  return (
    <>
      <PageHeader
        title={t('live.title')}
        lead={t('live.lead')}
        actions={summary && <span className={`live-state${down ? ' live-state--down' : ''}`}>● {t(down ? 'live.reconnecting' : 'live.connected')}</span>}
      />
      {providers.state === 'loading' && <Loading />}
      {providers.state === 'error' && <ErrorNotice error={providers.error} onRetry={reloadProviders} />}
      {list.length > 0 && (
        <div className="toolbar">
          <label className="field field--inline">
            <span className="field__label">{t('stations.provider')}</span>
            <select value={providerId} onChange={(e) => navigate(paths.live(e.target.value))} data-testid="live-provider">
              {list.map((p) => (
                <option key={p.providerId} value={p.providerId}>
                  {p.name} ({p.providerId})
                </option>
              ))}
            </select>
          </label>
          {shows.length > 0 && (
            <label className="field field--inline">
              <span className="field__label">{t('live.show')}</span>
              <select value={showId} onChange={(e) => navigate(paths.live(providerId, e.target.value))} data-testid="live-show">
                {shows.map((s) => (
                  <option key={s.showId} value={s.showId}>
                    {s.title} · {s.hall} · {new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(s.startsAt * 1000)}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      )}
      {providerId && catalogue.state === 'ready' && shows.length === 0 && <p className="empty">{t('live.noShows')}</p>}
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
            <section className="live-chart-box live-section">
              <h2>{t('live.perMinute')}</h2>
              {summary.perMinute.length === 0 ? <p className="empty">{t('live.noAdmissions')}</p> : <LiveChart perMinute={summary.perMinute} label={t('live.admitted')} />}
            </section>
          </div>
          <section className="live-section">
            <h2>{t('live.conflicts')}</h2>
            {summary.conflicts.length === 0 ? (
              <p className="empty">{t('live.noConflicts')}</p>
            ) : (
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
            )}
          </section>
          <div className="live-grid">
            <section className="live-section">
              <h2>{t('live.gates')}</h2>
              <div className="table-wrap">
                <table className="table" data-testid="live-gates">
                  <thead>
                    <tr>
                      <th>{t('live.gate')}</th>
                      <th>{t('live.admitted')}</th>
                      <th>{t('live.denied')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {summary.gates.map((g) => (
                      <tr key={g.gate}>
                        <td>{g.gate}</td>
                        <td>{g.admitted}</td>
                        <td>{g.denied}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
            <section className="live-section">
              <h2>{t('live.denials')}</h2>
              {summary.denials.length === 0 ? (
                <p className="empty">{t('live.noDenials')}</p>
              ) : (
                <div className="table-wrap">
                  <table className="table" data-testid="live-denials">
                    <tbody>
                      {summary.denials.map((d) => (
                        <tr key={d.reason}>
                          <td>{reason(d.reason)}</td>
                          <td>{d.count}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          </div>
          <section className="live-section">
            <h2>{t('live.recent')}</h2>
            {summary.recent.length === 0 ? (
              <p className="empty">{t('live.noScans')}</p>
            ) : (
              <div className="table-wrap">
                <table className="table" data-testid="live-recent">
                  <thead>
                    <tr>
                      <th>{t('live.time')}</th>
                      <th>{t('live.gate')}</th>
                      <th>{t('live.result')}</th>
                      <th>{t('live.seat')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {summary.recent.map((r, i) => (
                      <tr key={i}>
                        <td>{time(r.at)}</td>
                        <td>{r.gate}</td>
                        <td className={`live-result--${r.result}`}>
                          {r.result === 'admitted' ? t('live.resultAdmitted') : `${t('live.resultRejected')} · ${reason(r.reason ?? '')}`}
                        </td>
                        <td>{r.seat ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
