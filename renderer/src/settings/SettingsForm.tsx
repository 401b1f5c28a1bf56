// The settings form: a draft of every editable value, saved in one go. The core
// checks the whole config and refuses it with per-field messages, keeping the
// old one in force; the form shows the messages next to the fields.
import { useEffect, useState } from 'react';
import type { FieldError, SettingsPatch, SettingsView } from '../../../main/bridge/contract.js';
import type { ScreenBridge } from '../bridge-client.js';
import type { Lang } from '../i18n.js';
import { BehaviourSection } from './BehaviourSection.js';
import { settingsText } from './labels.js';
import { RelaySection } from './RelaySection.js';
import { ServerSection } from './ServerSection.js';
import { SourcesSection } from './SourcesSection.js';
import type { SectionProps } from './Field.js';

export function SettingsForm({ bridge, initial, lang, onSaved }: { bridge: ScreenBridge; initial: SettingsView; lang: Lang; onSaved: (v: SettingsView) => void }) {
  const s = settingsText(lang);
  const [draft, setDraft] = useState<SettingsView>(initial);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saved, setSaved] = useState(false);

  // Enrolled by a scanned setup QR while the form is open: take in what changed.
  useEffect(
    () =>
      bridge.on('notice', (n) => {
        if (n.key !== 'enrolled') return;
        void bridge.invoke('settings:get').then((r) => {
          if (!r.ok) return;
          const { serverUrl, providerId, gate, enrolled, stationId, pinSet } = r.settings;
          setDraft((d) => ({ ...d, serverUrl, providerId, gate, enrolled, stationId, pinSet }));
          onSaved(r.settings);
        });
      }),
    [bridge, onSaved],
  );

  const change = (patch: Partial<SettingsView>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const errorFor = (field: string) => errors.find((e) => e.field === field || e.field.startsWith(`${field}.`))?.message;
  const applyResult = (result: { ok: true; settings: SettingsView } | { ok: false; errors: FieldError[] }) => {
    if (result.ok) {
      setErrors([]);
      setDraft(result.settings);
      onSaved(result.settings);
      setSaved(true);
    } else {
      setErrors(result.errors);
      setSaved(false);
    }
  };

  const save = async () => {
    const patch: SettingsPatch = {
      serverUrl: draft.serverUrl,
      providerId: draft.providerId,
      gate: draft.gate,
      wedge: draft.wedge,
      serial: draft.serial,
      hid: draft.hid,
      camera: draft.camera,
      relay: draft.relay,
      offlinePolicy: draft.offlinePolicy,
      holdMs: draft.holdMs,
      language: draft.language,
      kiosk: draft.kiosk,
      allowInsecureHttp: draft.allowInsecureHttp,
    };
    applyResult(await bridge.invoke('settings:save', patch).catch((err: Error) => ({ ok: false as const, errors: [{ field: '(bridge)', message: err.message }] })));
  };

  const props: SectionProps = { draft, change, errorFor, s };
  return (
    <form
      className="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {!initial.pinSet && <p className="banner banner-warn">{s('noPin')}</p>}
      {errors.length > 0 && (
        <ul className="form-errors" data-testid="settings-errors" role="alert">
          {errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              <strong>{e.field}</strong>: {e.message}
            </li>
          ))}
        </ul>
      )}
      <div className="settings-grid">
        <ServerSection {...props} bridge={bridge} onEnrolled={applyResult} />
        <SourcesSection {...props} bridge={bridge} />
        <RelaySection {...props} />
        <BehaviourSection {...props} bridge={bridge} onPinSet={applyResult} />
      </div>
      <footer className="settings-actions">
        {saved && (
          <span className="saved" data-testid="settings-saved">
            {s('saved')}
          </span>
        )}
        <button type="submit" className="button button-primary" data-testid="settings-save">
          {s('save')}
        </button>
      </footer>
    </form>
  );
}
