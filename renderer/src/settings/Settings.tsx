// Settings, behind the PIN: the PIN pad first, then the form. Closing locks the
// settings again on the core's side too, so an open-and-forgotten screen does
// not stay unlocked.
import { useEffect, useState } from 'react';
import type { SettingsView, StationState } from '../../../main/bridge/contract.js';
import type { ScreenBridge } from '../bridge-client.js';
import type { Lang } from '../i18n.js';
import { settingsText } from './labels.js';
import { PinPad } from './PinPad.js';
import { SettingsForm } from './SettingsForm.js';

export function Settings({ bridge, state, lang, onClose }: { bridge: ScreenBridge; state: StationState; lang: Lang; onClose: () => void }) {
  const s = settingsText(lang);
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const unlock = async (pin: string) => {
    const result = await bridge.invoke('settings:unlock', { pin }).catch((err: Error) => ({ ok: false as const, message: err.message }));
    if (result.ok) {
      setError(null);
      setSettings(result.settings);
    } else if ('retryAfterMs' in result && result.retryAfterMs) {
      setError(s('tooMany', { s: Math.ceil(result.retryAfterMs / 1000) }));
    } else setError(s('wrongPin'));
  };

  // Without a PIN there is nothing to enter: open straight away.
  useEffect(() => {
    if (!state.pinSet) void unlock('');
    // Only when the screen opens, not on every state push.
  }, []);

  const close = () => {
    void bridge.invoke('settings:lock').catch(() => undefined);
    onClose();
  };

  return (
    <div className="settings" data-testid="settings" role="dialog" aria-label={s('title')}>
      <header className="settings-head">
        <h1>{s('title')}</h1>
        <button type="button" className="button" data-testid="settings-close" onClick={close}>
          {s('close')}
        </button>
      </header>
      {settings ? (
        <SettingsForm bridge={bridge} initial={settings} lang={lang} onSaved={setSettings} />
      ) : (
        <PinPad prompt={s('pinPrompt')} unlockLabel={s('unlock')} error={error} onSubmit={(pin) => void unlock(pin)} />
      )}
    </div>
  );
}
