// Offline policy, hold time, language, kiosk, and the settings PIN.
import { useState } from 'react';
import type { FieldError, Language, SettingsView } from '../../../main/bridge/contract.js';
import type { ScreenBridge } from '../bridge-client.js';
import { Field, type SectionProps } from './Field.js';

type Result = { ok: true; settings: SettingsView } | { ok: false; errors: FieldError[] };

export function BehaviourSection({ draft, change, errorFor, s, bridge, onPinSet }: SectionProps & { bridge: ScreenBridge; onPinSet: (r: Result) => void }) {
  const [pin, setPin] = useState('');
  const setNewPin = async () => {
    const result = await bridge.invoke('settings:set-pin', { pin }).catch((err: Error) => ({ ok: false as const, errors: [{ field: 'pin', message: err.message }] }));
    if (result.ok) setPin('');
    onPinSet(result);
  };
  return (
    <fieldset className="section">
      <legend>{s('behaviour')}</legend>
      <Field label={s('offlinePolicy')} error={errorFor('offlinePolicy')}>
        <select data-testid="offline-policy" value={draft.offlinePolicy} onChange={(e) => change({ offlinePolicy: e.target.value as SettingsView['offlinePolicy'] })}>
          <option value="deny">{s('policyDeny')}</option>
          <option value="signed">{s('policySigned')}</option>
        </select>
      </Field>
      <Field label={s('holdTime')} error={errorFor('holdMs')}>
        <input
          data-testid="hold-seconds"
          type="number"
          step={0.1}
          value={draft.holdMs / 1000}
          onChange={(e) => change({ holdMs: Math.round(Number(e.target.value) * 1000) })}
        />
      </Field>
      <Field label={s('language')} error={errorFor('language')}>
        <select data-testid="language" value={draft.language} onChange={(e) => change({ language: e.target.value as Language })}>
          <option value="system">{s('system')}</option>
          <option value="zh-CN">中文（简体）</option>
          <option value="en">English</option>
        </select>
      </Field>
      <label className="toggle">
        <input type="checkbox" data-testid="kiosk" checked={draft.kiosk} onChange={(e) => change({ kiosk: e.target.checked })} />
        {s('kiosk')}
      </label>
      <button type="button" className="button button-small" onClick={() => void bridge.invoke('counters:reset').catch(() => undefined)}>
        {s('resetCounters')}
      </button>
      <h3>{s('pin')}</h3>
      <Field label={s('newPin')} error={errorFor('pin')}>
        <input type="password" inputMode="numeric" autoComplete="new-password" value={pin} data-testid="new-pin" onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} />
      </Field>
      <button type="button" className="button" disabled={pin.length === 0} onClick={() => void setNewPin()}>
        {s('setPin')}
      </button>
    </fieldset>
  );
}
