// One provider's programme, picked above the table: each show with its start
// on the venue's clock (its zone named), price and seats free and sold; create a show,
// change one, or cancel one — after a confirmation that says how many tickets
// will be refunded — and see how many were. The shows that ended more than a
// week ago are listed only on request: a venue's years of programme are tens of
// thousands of shows. A multiplex sells thousands of shows ahead: the table
// draws a few hundred at a time, from a day staff can pick.
import { useEffect, useMemo, useState } from 'react';
import { venueDay } from '../../../../protocol/venue-day.js';
import { api, type ManagedShow, type ShowInput } from '../api.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DataTable, Loaded, type Column } from '../components/DataTable.js';
import { Field } from '../components/Field.js';
import { ProviderToolbar, useProviderChoice } from '../components/ProviderPicker.js';
import { FeedbackNotice, PageHeader, type Feedback } from '../components/Status.js';
import { shownZone, venueTime } from '../format.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { paths } from '../router.js';
import { useSession } from '../session.js';
import { ShowForm } from './ShowForm.js';
import '../styles/shows.css';

/** What is listed without asking for older shows: those that ended within the last week, and all to come. */
const RECENT_S = 7 * 86_400;
const recentSince = () => Math.max(0, Math.floor(Date.now() / 1000) - RECENT_S);
/** Rows drawn at a time: a multiplex's two months are thousands, and a table of them took seconds to appear. */
const ROWS_SHOWN = 200;
/** A show that took place: it can no longer be cancelled (the verification server refuses: show_ended). */
const ended = (s: ManagedShow) => s.endsAt * 1000 <= Date.now();

export function ShowsPage() {
  const { t, locale } = useI18n();
  const { token, check } = useSession();
  const choice = useProviderChoice(paths.shows);
  const { providerId, provider } = choice;
  const [older, setOlder] = useState(false);
  const [shows, reloadShows] = useLoad(
    async (tk) => (providerId ? (await api.shows(tk, providerId, older ? undefined : recentSince())).shows : []),
    [providerId, older],
  );
  // The first day listed (YYYY-MM-DD on the venue's calendar; empty: from the first show), and how many rows are drawn.
  const [from, setFrom] = useState('');
  const [shown, setShown] = useState(ROWS_SHOWN);
  const [editing, setEditing] = useState<ManagedShow | 'new' | null>(null);
  const [cancelling, setCancelling] = useState<ManagedShow | null>(null);
  const [message, setMessage] = useState<Feedback | null>(null);

  useEffect(() => {
    setEditing(null);
    setMessage(null);
  }, [providerId]);
  useEffect(() => setShown(ROWS_SHOWN), [providerId, older, from]);

  const failed = (error: unknown) => {
    check(error);
    setMessage({ kind: 'failure', error });
  };
  const zone = shownZone(provider?.timeZoneInUse);
  const listed = useMemo(() => {
    const all = shows.state === 'ready' ? shows.data : [];
    return from ? all.filter((s) => venueDay(s.startsAt, zone) >= from) : all;
  }, [shows, from, zone]);
  // As every time in the console: the venue's clock, 24-hour, with the offset of that day.
  const when = (epochS: number) => venueTime(locale, epochS, zone, { date: true });
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

  const columns: Column<ManagedShow>[] = [
    {
      label: t('shows.showTitle'),
      cell: (s) => (
        <>
          <span className="strong">{s.title}</span> {s.cancelledAt !== null && <span className="badge badge--bad">{t('shows.cancelledBadge')}</span>}
          {s.cancelledAt === null && ended(s) && <span className="badge badge--muted">{t('shows.endedBadge')}</span>}
        </>
      ),
    },
    { label: t('shows.hall'), cell: (s) => s.hall },
    {
      label: t('shows.startsAt'),
      cellClassName: 'nowrap',
      cell: (s) => (
        <>
          {when(s.startsAt)}
          <span className="show__zone muted">{zone}</span>
        </>
      ),
    },
    { label: t('shows.price'), className: 'num', cellClassName: 'nowrap', cell: (s) => money(s.priceCents, s.currency) },
    {
      label: t('shows.seats'),
      className: 'num',
      cellClassName: 'nowrap',
      testId: 'seats',
      // A cancelled show's seats were freed by its refunds: counts would only mislead.
      cell: (s) => (s.cancelledAt === null ? t('shows.freeSold', { free: s.seatsFree, sold: s.seatsSold }) : <span className="muted">{t('common.none')}</span>),
    },
    {
      label: t('stations.actions'),
      className: 'table__actions',
      cell: (s) =>
        s.cancelledAt === null && (
          <div className="row-actions">
            <button type="button" className="btn btn--small" onClick={() => setEditing(s)}>
              {t('shows.edit')}
            </button>
            {!ended(s) && (
              <button type="button" className="btn btn--small btn--danger-outline" onClick={() => setCancelling(s)}>
                {t('shows.cancel')}
              </button>
            )}
          </div>
        ),
    },
  ];

  return (
    <>
      <PageHeader title={t('shows.title')} lead={t('shows.lead')} />
      <ProviderToolbar choice={choice} empty={t('stations.noProviders')}>
        {provider && editing === null && (
          <button type="button" className="btn btn--primary toolbar__add" onClick={() => setEditing('new')}>
            {t('shows.new')}
          </button>
        )}
      </ProviderToolbar>
      <FeedbackNotice feedback={message} />
      {provider && editing !== null && (
        <ShowForm key={editing === 'new' ? 'new' : editing.showId} show={editing === 'new' ? undefined : editing} zone={zone} onSubmit={save} onClose={() => setEditing(null)} />
      )}
      {provider && (
        <div className="shows__from">
          <Field inline label={t('shows.from')}>
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="shows-from" />
          </Field>
          {from && (
            <button type="button" className="btn btn--small" onClick={() => setFrom('')}>
              {t('shows.fromStart')}
            </button>
          )}
        </div>
      )}
      {provider && (
        <Loaded load={shows} onRetry={reloadShows} empty={t('shows.empty')} isEmpty={(rows) => rows.length === 0}>
          {() =>
            listed.length === 0 ? (
              <p className="empty">{t('shows.noneFrom')}</p>
            ) : (
              <DataTable
                testId="shows"
                columns={columns}
                rows={listed.slice(0, shown)}
                rowKey={(s) => s.showId}
                rowProps={(s) => ({ 'data-show': s.showId, className: s.cancelledAt !== null ? 'row--revoked' : undefined })}
              />
            )
          }
        </Loaded>
      )}
      {provider && listed.length > shown && (
        <p className="muted shows__range" data-testid="shows-more">
          {t('shows.partShown', { shown, total: listed.length })}{' '}
          <button type="button" className="btn btn--small" onClick={() => setShown(shown + ROWS_SHOWN)}>
            {t('shows.showMore', { n: Math.min(ROWS_SHOWN, listed.length - shown) })}
          </button>
        </p>
      )}
      {provider && (
        <p className="muted shows__range">
          {older ? t('shows.allListed') : t('shows.recentListed')}{' '}
          <button type="button" className="btn btn--small" onClick={() => setOlder(!older)} data-testid="shows-range">
            {older ? t('shows.onlyRecent') : t('shows.showOlder')}
          </button>
        </p>
      )}
      {cancelling && (
        <ConfirmDialog confirm={t('shows.cancelYes')} onConfirm={() => void cancel(cancelling)} onCancel={() => setCancelling(null)}>
          {t('shows.cancelConfirm', { title: cancelling.title, when: when(cancelling.startsAt), n: cancelling.seatsSold })}
        </ConfirmDialog>
      )}
    </>
  );
}
