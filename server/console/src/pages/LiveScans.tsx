// The Live page's last 50 scans, newest first, at the venue's clock. Staff
// annul an admission younger than ten minutes from here (the turnstile did
// not turn, the person turned back): a first click asks, a second annuls,
// since it lets the ticket in again. An annulled admission stays in the list,
// struck through and marked, and stops counting on the next summary.
import { useState } from 'react';
import { api } from '../api.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { FeedbackNotice, type Feedback } from '../components/Status.js';
import { venueTime } from '../format.js';
import { useNow } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import type { LiveSummary } from '../live.js';
import { useSession } from '../session.js';

type Scan = LiveSummary['recent'][number];

/** How long after an admission staff may annul it (the server's rule; it refuses later ones with annul_window_passed). */
const ANNUL_WINDOW_S = 10 * 60;

export function LiveScans({ scans, zone, reason }: { scans: Scan[]; zone: string | undefined; reason(r: string): string }) {
  const { t, locale } = useI18n();
  const { token, check } = useSession();
  const now = useNow(15_000);
  const [asking, setAsking] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // Annulled here, until the stream's next summary says so too.
  const [annulled, setAnnulled] = useState<Record<string, number>>({});
  const [feedback, setFeedback] = useState<Feedback | null>(null);

  const annulledAt = (s: Scan) => s.annulledAt ?? (s.scanId ? annulled[s.scanId] : undefined);
  const annullable = (s: Scan) => s.result === 'admitted' && s.scanId !== undefined && annulledAt(s) === undefined && now - s.at < ANNUL_WINDOW_S;

  const annul = async (s: Scan) => {
    if (!token || !s.scanId) return;
    setBusy(s.scanId);
    setFeedback(null);
    try {
      const res = await api.annulScan(token, s.scanId);
      setAnnulled((a) => ({ ...a, [s.scanId!]: res.annulledAt }));
      setFeedback({ kind: 'success', text: t('live.annulledDone', { gate: s.gate, seat: s.seat ?? t('live.unknown') }) });
    } catch (err) {
      check(err);
      setFeedback({ kind: 'failure', error: err });
    } finally {
      setBusy(null);
      setAsking(null);
    }
  };

  const columns: Column<Scan>[] = [
    { label: t('live.time'), cellClassName: 'nowrap', cell: (s) => venueTime(locale, s.at, zone, { seconds: true }) },
    { label: t('live.gate'), cell: (s) => s.gate },
    {
      label: t('live.result'),
      cellClassName: (s) => `live-result--${s.result}`,
      cell: (s) =>
        s.result === 'rejected' ? (
          `${t('live.resultRejected')} · ${reason(s.reason ?? '')}`
        ) : annulledAt(s) === undefined ? (
          t('live.resultAdmitted')
        ) : (
          <>
            <s>{t('live.resultAdmitted')}</s> <span className="badge badge--muted">{t('live.annulledBadge')}</span>
          </>
        ),
    },
    { label: t('live.seat'), cell: (s) => s.seat ?? '' },
    {
      label: null,
      className: 'table__actions',
      cell: (s) =>
        annullable(s) &&
        (asking === s.scanId ? (
          <div className="row-actions live-annul">
            <span>{t('live.annulAsk')}</span>
            <button type="button" className="btn btn--small btn--danger" disabled={busy !== null} onClick={() => void annul(s)}>
              {busy === s.scanId ? t('live.annulling') : t('live.annulYes')}
            </button>
            <button type="button" className="btn btn--small" disabled={busy !== null} onClick={() => setAsking(null)}>
              {t('live.annulKeep')}
            </button>
          </div>
        ) : (
          <button
            type="button"
            className="btn btn--small btn--danger-outline"
            onClick={() => {
              setFeedback(null);
              setAsking(s.scanId!);
            }}
          >
            {t('live.annul')}
          </button>
        )),
    },
  ];

  return (
    <>
      <FeedbackNotice feedback={feedback} />
      <DataTable
        testId="live-recent"
        columns={columns}
        rows={scans}
        rowKey={(s, i) => s.scanId ?? i}
        rowProps={(s) => ({ ...(s.scanId ? { 'data-scan': s.scanId } : {}), className: annulledAt(s) === undefined ? undefined : 'live-row--annulled' })}
      />
    </>
  );
}
