// A modal question before something that cannot be undone (revoking a
// station): the browser's own <dialog>, so focus, Escape and the backdrop
// behave as everywhere else.
import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';

export function ConfirmDialog({ children, confirm, onConfirm, onCancel }: { children: ReactNode; confirm: string; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} className="dialog" onCancel={onCancel} data-testid="confirm">
      <p>{children}</p>
      <div className="form__actions">
        <button type="button" className="btn btn--danger" onClick={onConfirm}>
          {confirm}
        </button>
        <button type="button" className="btn" onClick={onCancel} autoFocus>
          {t('common.cancel')}
        </button>
      </div>
    </dialog>
  );
}
