// A labelled form field: the label above (or, inline, beside) the control,
// and a hint under it; a server's refusal of this field under that.
import type { ReactNode } from 'react';

export function Field({
  label,
  hint,
  error,
  inline,
  grow,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  inline?: boolean;
  grow?: boolean;
  children: ReactNode;
}) {
  return (
    <label className={`field${inline ? ' field--inline' : ''}${grow ? ' field--grow' : ''}`}>
      <span className="field__label">{label}</span>
      {children}
      {hint !== undefined && <span className="field__hint">{hint}</span>}
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </label>
  );
}
