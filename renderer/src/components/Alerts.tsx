// Things the attendant must see but that are not a verdict: offline admissions
// the server refused (conflicts: used elsewhere, revoked…; refused uploads: the
// server will never take them) stay until dismissed; notices fade by themselves.
import type { ConflictView, JournalRefusedView } from '../../../main/bridge/contract.js';
import { formatTime, reasonKey, refusedReason, type Lang, type Translate } from '../i18n.js';
import type { ShownNotice } from '../use-station.js';

export function Conflicts({ conflicts, t, lang, onDismiss }: { conflicts: ConflictView[]; t: Translate; lang: Lang; onDismiss: (scanId: string | null) => void }) {
  if (conflicts.length === 0) return null;
  return (
    <section className="conflicts" data-testid="conflicts" role="alert">
      <header className="alert-head">
        <h2>{t('conflictTitle')}</h2>
        <button type="button" className="button" onClick={() => onDismiss(null)}>
          {t('dismiss')}
        </button>
      </header>
      <ul>
        {conflicts.slice(0, 3).map((c) => (
          <li key={c.scanId} data-testid="conflict">
            {t('conflictLine', { seat: c.ticket?.seat ?? '—', at: formatTime(lang, Math.floor(c.at / 1000)), reason: t(reasonKey(c.reason)) })}
            {c.redeemedGate ? ` — ${c.redeemedGate}${c.redeemedAt ? `, ${formatTime(lang, c.redeemedAt)}` : ''}` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function RefusedUploads({ refused, t, onDismiss }: { refused: JournalRefusedView[]; t: Translate; onDismiss: () => void }) {
  if (refused.length === 0) return null;
  const total = refused.reduce((n, r) => n + r.count, 0);
  return (
    <section className="conflicts" data-testid="journal-refused" data-count={total} role="alert">
      <header className="alert-head">
        <h2>{t('refusedTitle', { n: total })}</h2>
        <button type="button" className="button" onClick={onDismiss}>
          {t('dismiss')}
        </button>
      </header>
      <ul>
        {refused.map((r) => (
          <li key={r.reason} data-testid="journal-refused-reason" data-reason={r.reason}>
            {t('refusedLine', { n: r.count, reason: refusedReason(t, r.reason) })}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Notices({ notices, t }: { notices: ShownNotice[]; t: Translate }) {
  if (notices.length === 0) return null;
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.level}`} data-testid="notice" data-key={n.key}>
          {t(`notice.${n.key}`, n.params)}
        </div>
      ))}
    </div>
  );
}
