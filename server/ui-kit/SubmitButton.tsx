// A form's submit button: what it does, or what it is doing while the
// request runs (and disabled then, so a second click sends nothing twice).
import type { ReactNode } from 'react';

export function SubmitButton({
  className,
  working,
  workingLabel,
  disabled = working,
  announce = false,
  children,
}: {
  className: string;
  /** this form's request is running */
  working: boolean;
  workingLabel: string;
  /** by default while working; also while another form of the page works */
  disabled?: boolean;
  /** tell screen readers the button is busy */
  announce?: boolean;
  children: ReactNode;
}) {
  return (
    <button type="submit" className={className} disabled={disabled} aria-busy={announce ? working : undefined}>
      {working ? workingLabel : children}
    </button>
  );
}
