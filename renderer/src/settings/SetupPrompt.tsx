// A setup QR scanned on a station not yet enrolled: the core holds it until the
// settings PIN is entered here, or chosen when none is set, and only then
// spends the one-time code. The server it names is shown, so whoever enrolls
// the gate sees where it will send its tickets.
import { useState } from 'react';
import type { StationState } from '../../../main/bridge/contract.js';
import type { ScreenBridge } from '../bridge-client.js';
import type { Lang } from '../i18n.js';
import { settingsText } from './labels.js';

export function SetupPrompt({ bridge, state, lang }: { bridge: ScreenBridge; state: StationState; lang: Lang }) {
  const s = settingsText(lang);
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const choose = !state.pinSet;
  if (!state.setupPending) return null;

  const confirm = async () => {
    if (choose && !/^[0-9]{4,12}$/.test(pin)) return setError(s('pinRule'));
    if (choose && pin !== again) return setError(s('pinMismatch'));
    setBusy(true);
    const result = await bridge.invoke('setup:confirm', { pin }).catch((err: Error) => ({ ok: false as const, field: 'code' as const, message: err.message }));
    setBusy(false);
    setPin('');
    setAgain('');
    if (result.ok) setError(null);
    else if ('retryAfterMs' in result && result.retryAfterMs) setError(s('tooMany', { s: Math.ceil(result.retryAfterMs / 1000) }));
    else if (result.field === 'pin' && result.message === 'wrong PIN') setError(s('wrongPin'));
    else setError(result.message);
  };
  const digits = (v: string) => v.replace(/\D/g, '').slice(0, 12);

  return (
    <div className="setup-prompt" data-testid="setup-prompt" data-mode={choose ? 'choose' : 'enter'} role="dialog" aria-label={s('setupTitle')}>
      <form
        className="setup-prompt-box"
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        <h2>{s('setupTitle')}</h2>
        <p data-testid="setup-server">{s('setupServer', { url: state.setupPending.serverUrl })}</p>
        <p>{choose ? s('setupChoosePin') : s('setupEnterPin')}</p>
        <label>
          {s('setupPin')}
          <input data-testid="setup-pin" type="password" inputMode="numeric" autoComplete="off" autoFocus value={pin} onChange={(e) => setPin(digits(e.target.value))} />
        </label>
        {choose && (
          <label>
            {s('setupPinAgain')}
            <input data-testid="setup-pin-again" type="password" inputMode="numeric" autoComplete="off" value={again} onChange={(e) => setAgain(digits(e.target.value))} />
          </label>
        )}
        {error && (
          <p className="form-error" data-testid="setup-error" role="alert">
            {error}
          </p>
        )}
        <div className="setup-prompt-actions">
          <button type="button" className="button" data-testid="setup-cancel" onClick={() => void bridge.invoke('setup:cancel').catch(() => undefined)}>
            {s('setupCancel')}
          </button>
          <button type="submit" className="button button-primary" data-testid="setup-confirm" disabled={busy || pin === ''}>
            {s('setupConfirm')}
          </button>
        </div>
      </form>
    </div>
  );
}
