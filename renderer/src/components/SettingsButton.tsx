// The gear that opens the settings (behind the PIN). It gives up focus at once so a
// keyboard-wedge scanner's Enter never presses it again.
import type { Translate } from '../i18n.js';

export function SettingsButton({ t, onSettings, className, testId }: { t: Translate; onSettings: () => void; className?: string; testId: string }) {
  return (
    <button
      type="button"
      className={className ? `settings-button ${className}` : 'settings-button'}
      data-testid={testId}
      aria-label={t('settings')}
      onClick={(e) => {
        e.currentTarget.blur();
        onSettings();
      }}
    >
      ⚙
    </button>
  );
}
