// A PIN pad for touch screens that also takes the keyboard. The digits are
// never shown, and the field is cleared after every try.
import { useState } from 'react';

export function PinPad({ prompt, unlockLabel, error, onSubmit }: { prompt: string; unlockLabel: string; error: string | null; onSubmit: (pin: string) => void }) {
  const [pin, setPin] = useState('');
  const submit = () => {
    onSubmit(pin);
    setPin('');
  };
  const press = (d: string) => setPin((p) => (p.length < 12 ? p + d : p));
  return (
    <form
      className="pinpad"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor="pin">{prompt}</label>
      <input
        id="pin"
        data-testid="pin-input"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        autoFocus
        maxLength={12}
        value={pin}
        onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
      />
      <div className="pinpad-keys">
        {['1', '2', '3', '4', '5', '6', '7', '8', '9', '⌫', '0', '✓'].map((k) => (
          <button
            key={k}
            type={k === '✓' ? 'submit' : 'button'}
            className="pinpad-key"
            onClick={k === '✓' ? undefined : () => (k === '⌫' ? setPin((p) => p.slice(0, -1)) : press(k))}
            aria-label={k === '✓' ? unlockLabel : k === '⌫' ? 'backspace' : k}
          >
            {k}
          </button>
        ))}
      </div>
      {error && (
        <p className="form-error" data-testid="pin-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
