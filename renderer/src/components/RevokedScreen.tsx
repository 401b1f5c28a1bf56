// The full screen a revoked station shows in place of everything else: it
// checks no tickets, so nobody may be waved through on an old verdict. Readable
// from across the gate; the settings (behind the PIN) stay one button away to
// enroll the station again.
import type { StationState } from '../../../main/bridge/contract.js';
import type { Translate } from '../i18n.js';
import { SettingsButton } from './SettingsButton.js';

export function RevokedScreen({ state, t, onSettings }: { state: StationState; t: Translate; onSettings: () => void }) {
  return (
    <section className="revoked" data-testid="revoked" role="alert">
      <SettingsButton t={t} onSettings={onSettings} className="revoked-settings" testId="revoked-settings" />
      <svg className="revoked-icon" viewBox="0 0 100 100" aria-hidden="true">
        <circle cx="50" cy="50" r="42" fill="none" stroke="currentColor" strokeWidth="12" />
        <path d="M22 50 H78" stroke="currentColor" strokeWidth="14" strokeLinecap="round" />
      </svg>
      <h1 className="revoked-title" data-testid="revoked-title">
        {t('revoked.title')}
      </h1>
      <p className="revoked-action">{t('revoked.action')}</p>
      <p className="revoked-note">{state.gate ? t('revoked.noteGate', { gate: state.gate }) : t('revoked.note')}</p>
    </section>
  );
}
