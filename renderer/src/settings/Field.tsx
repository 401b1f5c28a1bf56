// What every section of the settings form shares: the props it is given and
// the labelled field with its error message. Its own file, so that the form and
// its sections do not import each other.
import type { SettingsView } from '../../../main/bridge/contract.js';
import type { settingsText } from './labels.js';

export interface SectionProps {
  draft: SettingsView;
  change: (patch: Partial<SettingsView>) => void;
  errorFor: (field: string) => string | undefined;
  s: ReturnType<typeof settingsText>;
}

export function Field({ label, error, children }: { label: string; error?: string | undefined; children: React.ReactNode }) {
  return (
    <label className={`field${error ? ' field-bad' : ''}`}>
      <span className="field-label">{label}</span>
      {children}
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}
