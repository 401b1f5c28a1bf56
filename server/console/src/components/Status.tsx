// Shared page pieces: the page header, loading and error states, notices.
import type { ReactNode } from 'react';
import { errorDetail, errorMessage } from '../errors.js';
import { useI18n } from '../i18n/i18n.js';

export function PageHeader({ title, lead, actions }: { title: string; lead?: string; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {lead && <p className="page-header__lead">{lead}</p>}
      </div>
      {actions && <div className="page-header__actions">{actions}</div>}
    </header>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const detail = errorDetail(error);
  return (
    <div className="notice notice--error" role="alert">
      <p>{errorMessage(t, error)}</p>
      {detail && <p className="notice__detail">{t('common.details', { message: detail })}</p>}
      {onRetry && (
        <button type="button" className="btn btn--small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'error'; children: ReactNode }) {
  return (
    <div className={`notice notice--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** What an action on a page came to: a sentence, or a failure told by its reason. */
export type Feedback = { kind: 'success' | 'error' | 'info'; text: string } | { kind: 'failure'; error: unknown };

export function FeedbackNotice({ feedback }: { feedback: Feedback | null }) {
  if (!feedback) return null;
  return feedback.kind === 'failure' ? <ErrorNotice error={feedback.error} /> : <Notice kind={feedback.kind}>{feedback.text}</Notice>;
}
