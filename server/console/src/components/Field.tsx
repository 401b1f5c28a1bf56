// A labelled form field: the label above (or, inline, beside) the control,
// and a hint under it.
import type { ReactNode } from 'react';

export function Field({ label, hint, inline, grow, children }: { label: string; hint?: ReactNode; inline?: boolean; grow?: boolean; children: ReactNode }) {
  return (
    <label className={`field${inline ? ' field--inline' : ''}${grow ? ' field--grow' : ''}`}>
      <span className="field__label">{label}</span>
      {children}
      {hint !== undefined && <span className="field__hint">{hint}</span>}
    </label>
  );
}
