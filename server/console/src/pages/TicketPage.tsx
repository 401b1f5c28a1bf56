// One ticket's story for staff answering "what happened to this ticket?": who
// holds it and for what, its share link as it is now, and its events as a
// timeline at the venue's clock (its zone named above it, since staff may
// read it from elsewhere); and "Revoke and refund" behind a confirmation.
import { useState, type ReactNode } from 'react';
import { api, type StoryEvent, type TicketStory } from '../api.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { ErrorNotice, Loading, Notice, PageHeader } from '../components/Status.js';
import { venueTime, zoneName } from '../format.js';
import { useLoad, useVenueZones } from '../hooks.js';
import type { Translate } from '../i18n/i18n.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, paths, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { TicketStateBadge } from './TicketStateBadge.js';


function money(locale: string, cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

type Outcome = { kind: 'success' | 'info'; text: string } | { kind: 'failure'; error: unknown };

export function TicketPage({ ticketId }: { ticketId: string }) {
  const { t, locale } = useI18n();
  const { token, check } = useSession();
  const { search } = useLocation();
  const [story, reload] = useLoad((tk) => api.ticketStory(tk, ticketId), [ticketId]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const zoneOf = useVenueZones();
  const zone = story.state === 'ready' ? zoneOf(story.data.ticket.providerId) : undefined;
  /** With seconds: an admission and its annulment are often moments apart. */
  const when = (epochS: number) => venueTime(locale, epochS, zone, { date: true, seconds: true });
  const back = search.get('q') ? paths.tickets(search.get('q')!, search.get('showId') ?? undefined) : paths.tickets();

  const revoke = async () => {
    setConfirming(false);
    if (!token) return;
    setBusy(true);
    setOutcome(null);
    try {
      const res = await api.revokeTicket(token, ticketId);
      setOutcome({ kind: res.refund?.state === 'refunded' ? 'success' : 'info', text: t(res.refund?.state === 'refunded' ? 'tickets.revokedDone' : 'tickets.revokedPending') });
    } catch (err) {
      check(err);
      setOutcome({ kind: 'failure', error: err });
    } finally {
      setBusy(false);
      reload();
    }
  };

  return (
    <>
      <p className="back">
        <Link href={back}>← {t('tickets.back')}</Link>
      </p>
      {story.state === 'loading' && <Loading />}
      {story.state === 'error' && <ErrorNotice error={story.error} onRetry={reload} />}
      {story.state === 'ready' && (
        <>
          <PageHeader
            title={`${story.data.ticket.title} · ${t('tickets.seat')} ${story.data.ticket.seat}`}
            lead={t('tickets.valid', { from: when(story.data.ticket.validFrom), until: when(story.data.ticket.validUntil) })}
            actions={
              (story.data.ticket.state === 'valid' || story.data.ticket.state === 'used') && (
                <button type="button" className="btn btn--danger" disabled={busy} onClick={() => setConfirming(true)}>
                  {busy ? t('tickets.revoking') : t('tickets.revoke')}
                </button>
              )
            }
          />
          {outcome && (outcome.kind === 'failure' ? <ErrorNotice error={outcome.error} /> : <Notice kind={outcome.kind}>{outcome.text}</Notice>)}
          <Facts story={story.data} />
          <h2 className="section-title">{t('tickets.story')}</h2>
          <p className="muted" data-testid="time-zone">
            {t('tickets.zone', { zone: zoneName(locale, zone) })}
          </p>
          <ol className="timeline" data-testid="timeline">
            {story.data.events.map((e, i) => (
              <li key={i} className={`timeline__item timeline__item--${e.kind}`} data-kind={e.kind}>
                <span className="timeline__time">{e.at === null ? t('event.timeUnknown') : when(e.at)}</span>
                <span className="timeline__what">{describe(t, locale, e)}</span>
                {detail(t, e) && <span className="timeline__detail muted">{detail(t, e)}</span>}
              </li>
            ))}
          </ol>
          <p className="muted small">{t('tickets.noDenials')}</p>
          {confirming && (
            <ConfirmDialog confirm={t('tickets.revokeYes')} onConfirm={() => void revoke()} onCancel={() => setConfirming(false)}>
              {t('tickets.revokeConfirm', { seat: story.data.ticket.seat, title: story.data.ticket.title, email: story.data.ticket.email })}
            </ConfirmDialog>
          )}
        </>
      )}
    </>
  );
}

function Facts({ story }: { story: TicketStory }) {
  const { t } = useI18n();
  const tk = story.ticket;
  const rows: [string, ReactNode][] = [
    [t('tickets.state'), <TicketStateBadge key="s" state={tk.state} />],
    [t('tickets.email'), tk.email],
    [t('tickets.ticket'), <span className="mono">{tk.ticketId}</span>],
    [t('tickets.order'), <span className="mono">{tk.orderId}</span>],
    [t('tickets.venue'), `${tk.venue} · ${tk.hall}`],
    [t('tickets.show'), <span className="mono">{tk.showId}</span>],
    [t('tickets.provider'), <span className="mono">{tk.providerId}</span>],
    [
      t('tickets.share'),
      <>
        {story.share.active ? t('tickets.shareActive') : t('tickets.shareNone')}
        {story.share.linksTakenBack > 0 && <> {t('tickets.shareTakenBack', { n: story.share.linksTakenBack })}</>}
        <span className="muted cell-sub">{t('tickets.shareNote')}</span>
      </>,
    ],
  ];
  return (
    <dl className="facts" data-testid="ticket-facts">
      {rows.map(([label, value]) => (
        <div key={label} className="facts__row">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function describe(t: Translate, locale: string, e: StoryEvent): string {
  switch (e.kind) {
    case 'issued':
      return t('event.issued', { orderId: e.orderId });
    case 'admitted':
      return t(e.annulled ? 'event.admittedUndone' : 'event.admitted', { gate: e.gate });
    case 'annulled':
      // `station <stationId>` when the gate undid its own admission; staff are named by their e-mail.
      return e.by.startsWith('station ') ? t('event.annulledByStation', { gate: e.gate }) : t('event.annulled', { gate: e.gate, by: e.by });
    case 'revoked':
      return t('event.revoked');
    case 'refund':
      return `${t('event.refund', { amount: money(locale, e.amountCents, e.currency) })}: ${t(`event.refundState.${e.state}`)}`;
  }
}

function detail(t: Translate, e: StoryEvent): string | null {
  if (e.kind === 'admitted' && e.scanId) return t('event.scan', { scanId: e.scanId });
  if (e.kind === 'refund' && e.reference) return t('event.reference', { reference: e.reference });
  return null;
}
