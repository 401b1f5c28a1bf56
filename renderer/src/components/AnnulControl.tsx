// The "annul admission" control: small, grey and in a corner, so it is never
// read as the verdict. It asks for a second tap (a brush of the screen must
// not undo a real admission), and it answers pointer taps only: a keyboard-
// wedge gun types its code and Enter, and that Enter must never press it.
import { useEffect, useState, type MouseEvent } from 'react';
import type { StationState, VerdictView } from '../../../main/bridge/contract.js';
import type { Translate } from '../i18n.js';
import type { AnnulModel } from '../use-annul.js';

const CONFIRM_MS = 4000;

export function AnnulControl({ state, verdict, model, t }: { state: StationState; verdict: VerdictView | null; model: AnnulModel; t: Translate }) {
  const [armed, setArmed] = useState<string | null>(null);
  const target = model.last;
  useEffect(() => {
    if (armed === null) return;
    const timer = setTimeout(() => setArmed(null), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [armed]);
  // Unattended: nobody to see that the holder did not pass.
  if (state.kiosk || !target) return null;
  // On a DENY or another scan's verdict the control would be read as part of it.
  if (verdict && verdict.id !== target.id) return null;
  const onAdmit = verdict?.id === target.id;
  const press = (e: MouseEvent<HTMLButtonElement>) => {
    if (e.detail === 0 || model.busy) return;
    if (armed !== target.id) return setArmed(target.id);
    setArmed(null);
    model.annul(target.id);
  };
  const seat = target.ticket?.seat;
  return (
    <button
      type="button"
      tabIndex={-1}
      className={`annul ${onAdmit ? 'annul-on-verdict' : 'annul-on-ready'}`}
      data-testid="annul"
      data-armed={armed === target.id ? 'yes' : 'no'}
      disabled={model.busy}
      onMouseDown={(e) => e.preventDefault()}
      onClick={press}
    >
      <svg className="annul-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M9 14L4 9l5-5M4 9h10.5a5.5 5.5 0 010 11H11" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <span>
        {armed === target.id ? t('annulConfirm') : onAdmit ? t('annul') : t('annulLast')}
        {!onAdmit && seat ? ` · ${t('annulSeat', { seat })}` : ''}
      </span>
    </button>
  );
}
