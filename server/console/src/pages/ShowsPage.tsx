// One provider's programme, picked above the table: each show with its start
// in this browser's time zone, price and seats free and sold; create a show,
// change one, or cancel one — after a confirmation that says how many tickets
// will be refunded — and see how many were.
import { useEffect, useState } from 'react';
import { api, type ManagedShow, type ShowInput } from '../api.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { ErrorNotice, Loading, Notice, PageHeader } from '../components/Status.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { navigate, paths, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { browserZone, ShowForm } from './ShowForm.js';
import { providersFor } from './StationsPage.js';
import '../styles/shows.css';

type Message = { kind: 'success' | 'info'; text: string } | { kind: 'failure'; error: unknown };

export function ShowsPage() {
  const { t, locale } = useI18n();
  const { token, staff, check } = useSession();
  const { search } = useLocation();
  const [providers, reloadProviders] = useLoad((tk) => providersFor(tk, staff), [staff]);
  const list = providers.state === 'ready' ? providers.data : [];
  const providerId = search.get('provider') ?? '';
  const provider = list.find((p) => p.providerId === providerId);
  const [shows, reloadShows] = useLoad(async (tk) => (providerId ? (await api.shows(tk, providerId)).shows : []), [providerId]);
  const [editing, setEditing] = useState<ManagedShow | 'new' | null>(null);
  const [cancelling, setCancelling] = useState<ManagedShow | null>(null);
  const [message, setMessage] = useState<Message | null>(null);

  useEffect(() => {
    if (!provider && list.length > 0 && !list.some((p) => p.providerId === providerId)) navigate(paths.shows(list[0]!.providerId), { replace: true });
  }, [provider, list, providerId]);
  useEffect(() => {
    setEditing(null);
    setMessage(null);
  }, [providerId]);

  const failed = (error: unknown) => {
    check(error);
    setMessage({ kind: 'failure', error });
  };
  const zone = browserZone();
  const when = (epochS: number) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(epochS * 1000);
  const money = (cents: number, currency: string) => new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);

  const save = async (input: ShowInput): Promise<boolean> => {
    if (!token || !provider) return false;
    setMessage(null);
    try {
      if (editing && editing !== 'new') {
        // The currency stays as the show was made; the seat map too, once a seat is sold.
        const { currency: _currency, rows, seatsPerRow, ...rest } = input;
        const change = editing.seatsSold > 0 ? rest : { ...rest, rows, seatsPerRow };
        const saved = await api.updateShow(token, provider.providerId, editing.showId, change);
        setMessage({ kind: 'success', text: t('shows.saved', { title: saved.title }) });
      } else {
        const saved = await api.createShow(token, provider.providerId, input);
        setMessage({ kind: 'success', text: t('shows.createdDone', { title: saved.title }) });
      }
      reloadShows();
      return true;
    } catch (err) {
      failed(err);
      return false;
    }
  };

  const cancel = async (show: ManagedShow) => {
    setCancelling(null);
    if (!token || !provider) return;
    setMessage(null);
    try {
      const done = await api.cancelShow(token, provider.providerId, show.showId);
      const text = t('shows.cancelledDone', { title: show.title, n: done.refunded });
      setMessage({ kind: 'success', text: done.pending > 0 ? `${text} ${t('shows.cancelledPending', { n: done.pending })}` : text });
    } catch (err) {
      failed(err);
    }
    reloadShows();
  };

  const rows = shows.state === 'ready' ? shows.data : [];
  return (
    <>
      <PageHeader title={t('shows.title')} lead={t('shows.lead')} />
      {providers.state === 'loading' && <Loading />}
      {providers.state === 'error' && <ErrorNotice error={providers.error} onRetry={reloadProviders} />}
      {providers.state === 'ready' && list.length === 0 && <p className="empty">{t('stations.noProviders')}</p>}
      {list.length > 0 && (
        <div className="toolbar">
          <label className="field field--inline">
            <span className="field__label">{t('stations.provider')}</span>
            <select value={provider?.providerId ?? ''} onChange={(e) => navigate(paths.shows(e.target.value))} data-testid="provider-picker">
              {!provider && <option value="">{t('stations.pickProvider')}</option>}
              {list.map((p) => (
                <option key={p.providerId} value={p.providerId}>
                  {p.name} ({p.providerId})
                </option>
              ))}
            </select>
          </label>
          {provider && editing === null && (
            <button type="button" className="btn btn--primary toolbar__add" onClick={() => setEditing('new')}>
              {t('shows.new')}
            </button>
          )}
        </div>
      )}
      {message && (message.kind === 'failure' ? <ErrorNotice error={message.error} /> : <Notice kind={message.kind}>{message.text}</Notice>)}
      {provider && editing !== null && (
        <ShowForm key={editing === 'new' ? 'new' : editing.showId} show={editing === 'new' ? undefined : editing} onSubmit={save} onClose={() => setEditing(null)} />
      )}
      {provider && shows.state === 'loading' && <Loading />}
      {provider && shows.state === 'error' && <ErrorNotice error={shows.error} onRetry={reloadShows} />}
      {provider && shows.state === 'ready' && rows.length === 0 && <p className="empty">{t('shows.empty')}</p>}
      {provider && rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="shows">
            <thead>
              <tr>
                <th scope="col">{t('shows.showTitle')}</th>
                <th scope="col">{t('shows.hall')}</th>
                <th scope="col">{t('shows.startsAt')}</th>
                <th scope="col" className="num">
                  {t('shows.price')}
                </th>
                <th scope="col" className="num">
                  {t('shows.seats')}
                </th>
                <th scope="col" className="table__actions">
                  {t('stations.actions')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.showId} data-show={s.showId} className={s.cancelledAt !== null ? 'row--revoked' : undefined}>
                  <td>
                    <span className="strong">{s.title}</span> {s.cancelledAt !== null && <span className="badge badge--bad">{t('shows.cancelledBadge')}</span>}
                  </td>
                  <td>{s.hall}</td>
                  <td className="nowrap">
                    {when(s.startsAt)}
                    <span className="show__zone muted">{zone}</span>
                  </td>
                  <td className="num nowrap">{money(s.priceCents, s.currency)}</td>
                  <td className="num nowrap" data-testid="seats">
                    {/* A cancelled show's seats were freed by its refunds: counts would only mislead. */}
                    {s.cancelledAt === null ? t('shows.freeSold', { free: s.seatsFree, sold: s.seatsSold }) : <span className="muted">{t('common.none')}</span>}
                  </td>
                  <td className="table__actions">
                    {s.cancelledAt === null && (
                      <div className="row-actions">
                        <button type="button" className="btn btn--small" onClick={() => setEditing(s)}>
                          {t('shows.edit')}
                        </button>
                        <button type="button" className="btn btn--small btn--danger-outline" onClick={() => setCancelling(s)}>
                          {t('shows.cancel')}
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cancelling && (
        <ConfirmDialog confirm={t('shows.cancelYes')} onConfirm={() => void cancel(cancelling)} onCancel={() => setCancelling(null)}>
          {t('shows.cancelConfirm', { title: cancelling.title, when: when(cancelling.startsAt), n: cancelling.seatsSold })}
        </ConfirmDialog>
      )}
    </>
  );
}
