// Server URL, provider and gate, and enrollment: type the one-time code, or
// scan the GPS1: setup QR with any scanner while settings are open. Enrolling
// needs a settings PIN: with none set yet, it is chosen here in the same step.
import { useState } from 'react';
import type { FieldError, SettingsView } from '../../../main/bridge/contract.js';
import type { ScreenBridge } from '../bridge-client.js';
import { Field, type SectionProps } from './Field.js';

type Result = { ok: true; settings: SettingsView } | { ok: false; errors: FieldError[] };

export function ServerSection({ draft, change, errorFor, s, bridge, onEnrolled }: SectionProps & { bridge: ScreenBridge; onEnrolled: (r: Result) => void }) {
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const enroll = async () => {
    setBusy(true);
    const result = await bridge
      .invoke('settings:enroll', { code, serverUrl: draft.serverUrl, ...(draft.pinSet ? {} : { pin }) })
      .catch((err: Error) => ({ ok: false as const, errors: [{ field: 'code', message: err.message }] }));
    setBusy(false);
    if (result.ok) {
      setCode('');
      setPin('');
    }
    onEnrolled(result);
  };
  return (
    <fieldset className="section">
      <legend>{s('server')}</legend>
      <Field label={s('serverUrl')} error={errorFor('serverUrl')}>
        <input data-testid="server-url" type="url" value={draft.serverUrl} onChange={(e) => change({ serverUrl: e.target.value })} placeholder="https://tickets.example.com" />
      </Field>
      <label className="toggle">
        <input type="checkbox" data-testid="allow-insecure-http" checked={draft.allowInsecureHttp} onChange={(e) => change({ allowInsecureHttp: e.target.checked })} />
        {s('allowInsecureHttp')}
      </label>
      <Field label={s('providerId')} error={errorFor('providerId')}>
        <input data-testid="provider-id" value={draft.providerId} onChange={(e) => change({ providerId: e.target.value })} />
      </Field>
      <Field label={s('gate')} error={errorFor('gate')}>
        <input data-testid="gate-input" value={draft.gate} onChange={(e) => change({ gate: e.target.value })} />
      </Field>
      <h3>{s('enrollment')}</h3>
      <p className={draft.enrolled ? 'status-ok' : 'status-warn'} data-testid="enrolled-status" data-enrolled={draft.enrolled ? 'yes' : 'no'}>
        {draft.enrolled ? s('enrolled', { id: draft.stationId ?? '' }) : s('notEnrolled')}
      </p>
      <Field label={s('enrollCode')} error={errorFor('code')}>
        <input
          data-testid="enroll-code"
          value={code}
          autoComplete="off"
          spellCheck={false}
          placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"
          onChange={(e) => setCode(e.target.value.toUpperCase())}
        />
      </Field>
      {!draft.pinSet && (
        <Field label={s('enrollPin')} error={errorFor('pin')}>
          <input data-testid="enroll-pin" type="password" inputMode="numeric" autoComplete="new-password" value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 12))} />
        </Field>
      )}
      <button type="button" className="button" data-testid="enroll-button" disabled={busy || code.trim() === ''} onClick={() => void enroll()}>
        {busy ? s('enrolling') : s('enroll')}
      </button>
      <p className="hint">{s('scanSetup')}</p>
    </fieldset>
  );
}
