// Small shared pieces: notices (info, error, success), the loading line,
// and an error block with a retry button.
import type { ReactNode } from 'react';
import { errorMessage } from '../errors.js';
import { useI18n } from '../i18n/i18n.js';

type Tone = 'info' | 'error' | 'success' | 'warning';

export function Notice({ tone = 'info', children }: { tone?: Tone; children: ReactNode }) {
  // Errors interrupt (alert); everything else is announced politely.
  return (
    <div className={`notice notice--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <span className="notice__icon" aria-hidden="true">
        {tone === 'error' ? '!' : tone === 'success' ? '✓' : 'i'}
      </span>
      <div className="notice__body">{children}</div>
    </div>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function ErrorBlock({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <Notice tone="error">
      <p>{errorMessage(t, error)}</p>
      {onRetry && (
        <button type="button" className="btn btn--ghost btn--small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </Notice>
  );
}
