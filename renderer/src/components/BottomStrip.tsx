// Counters and the latest scans, along the bottom of the ready screen.
import type { RecentScan, StationState } from '../../../main/bridge/contract.js';
import { reasonKey, verdictKey, type Lang, type Translate } from '../i18n.js';

export function BottomStrip({ state, t, lang }: { state: StationState; t: Translate; lang: Lang }) {
  return (
    <footer className="bottom">
      <div className="counter counter-admit" data-testid="count-admitted">
        <span className="counter-value">{state.counters.admitted}</span>
        <span className="counter-label">{t('admitted')}</span>
      </div>
      <div className="counter counter-deny" data-testid="count-denied">
        <span className="counter-value">{state.counters.denied}</span>
        <span className="counter-label">{t('denied')}</span>
      </div>
      <ol className="recent" aria-label={t('recent')} data-testid="recent">
        {state.recent.length === 0 && <li className="recent-empty">{t('noScans')}</li>}
        {state.recent.slice(0, 6).map((r) => (
          <RecentRow key={r.id} scan={r} t={t} lang={lang} />
        ))}
      </ol>
    </footer>
  );
}

function RecentRow({ scan, t, lang }: { scan: RecentScan; t: Translate; lang: Lang }) {
  const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(scan.at);
  return (
    <li className={`recent-row recent-${verdictKey(scan.result)}`}>
      <span className="recent-mark">{scan.result === 'admitted' ? '✓' : '✕'}</span>
      <span className="recent-time">{time}</span>
      <span className="recent-what">{scan.result === 'admitted' ? (scan.seat ?? scan.title ?? '') : t(reasonKey(scan.reason))}</span>
      {scan.offline && <span className="recent-offline">{t('offline')}</span>}
    </li>
  );
}
