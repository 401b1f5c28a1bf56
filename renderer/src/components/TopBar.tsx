// The strip along the top: which gate this is, whether the server answers (the
// amber OFFLINE badge), how the scanners and relay are, and the settings button.
import type { SourceStatusView, StationState } from '../../../main/bridge/contract.js';
import type { Translate } from '../i18n.js';
import { SettingsButton } from './SettingsButton.js';

export function TopBar({ state, t, onSettings }: { state: StationState; t: Translate; onSettings: () => void }) {
  return (
    <header className="topbar">
      <div className="gate-name" data-testid="gate-name">
        {state.gate || '—'}
      </div>
      <OfflineBadge state={state} t={t} />
      <div className="topbar-status">
        {state.sources.map((s) => (
          <SourceChip key={s.name} source={s} t={t} />
        ))}
        {state.relay.name !== 'none' && (
          <span className={`chip chip-${state.relay.state === 'error' ? 'error' : 'ok'}`} title={state.relay.detail}>
            {t('source.relay')}
          </span>
        )}
        {state.journalPending > 0 && <span className="chip chip-warn">{t('journalPending', { n: state.journalPending })}</span>}
      </div>
      <SettingsButton t={t} onSettings={onSettings} testId="open-settings" />
    </header>
  );
}

/** Amber, in the top bar; over a verdict it floats on top so it is never hidden. */
export function OfflineBadge({ state, t, floating = false }: { state: StationState; t: Translate; floating?: boolean }) {
  if (state.connectivity !== 'offline') return null;
  return (
    <div className={`offline-badge${floating ? ' offline-badge-floating' : ''}`} data-testid={floating ? 'offline-badge-verdict' : 'offline-badge'} role="status">
      <strong>{t('offline')}</strong>
      <span>{state.offlinePolicy === 'signed' ? t('offlineSigned') : t('offlineDeny')}</span>
    </div>
  );
}

function SourceChip({ source, t }: { source: SourceStatusView; t: Translate }) {
  const cls = source.state === 'connected' ? 'ok' : source.state === 'error' ? 'error' : 'idle';
  return (
    <span className={`chip chip-${cls}`} title={`${source.name}: ${source.detail}`} data-testid={`source-${source.kind}`} data-state={source.state}>
      {t(`source.${source.kind}`)}
    </span>
  );
}
