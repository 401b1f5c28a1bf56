// Sharing a ticket: make (or show) its link, copy it, or stop sharing, which
// makes the old link stop working at once.
import { useId, useRef, useState } from 'react';
import { api } from '../api.js';
import { ErrorBlock, Notice } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { useAction } from '../hooks.js';
import { useSession } from '../session.js';
import { Svg } from '../components/Panel.js';

export function SharePanel({ ticketId, initialUrl }: { ticketId: string; initialUrl: string | null }) {
  const { t } = useI18n();
  const session = useSession();
  const [url, setUrl] = useState<string | null>(initialUrl);
  const [open, setOpen] = useState(false);
  const { busy, error, run: act } = useAction();
  const [message, setMessage] = useState<'copied' | 'revoked' | 'copyFailed' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const panelId = useId();

  const run = async (work: () => Promise<void>) => {
    if (!session.token) return;
    setMessage(null);
    await act(work);
  };

  const share = () =>
    run(async () => {
      if (open && url) return setOpen(false);
      const link = url ?? (await api.share(session.token!, ticketId)).shareUrl;
      setUrl(link);
      setOpen(true);
    });

  const revoke = () =>
    run(async () => {
      await api.unshare(session.token!, ticketId);
      setUrl(null);
      setOpen(false);
      setMessage('revoked');
    });

  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setMessage('copied');
    } catch {
      // No clipboard API (plain http on a LAN address): select the text for the customer.
      input.current?.select();
      setMessage('copyFailed');
    }
  };

  return (
    <>
      <button type="button" className="btn btn--ghost" aria-expanded={open} aria-controls={panelId} onClick={() => void share()} disabled={busy}>
        <ShareIcon /> {t('ticket.share')}
      </button>
      {message === 'revoked' && <Notice tone="success">{t('ticket.revoked')}</Notice>}
      {error !== undefined && <ErrorBlock error={error} />}
      {open && url && (
        <div className="share-panel" id={panelId}>
          <label className="share-panel__label" htmlFor={`${panelId}-url`}>
            {t('ticket.shareOn')}
          </label>
          <input id={`${panelId}-url`} ref={input} className="share-panel__url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          <div className="share-panel__actions">
            <button type="button" className="btn btn--primary btn--small" onClick={() => void copy()}>
              {message === 'copied' ? `✓ ${t('ticket.copied')}` : t('ticket.copy')}
            </button>
            <button type="button" className="btn btn--danger btn--small" onClick={() => void revoke()} disabled={busy}>
              {t('ticket.revoke')}
            </button>
          </div>
          {message === 'copyFailed' && <p className="hint">{t('error.copy')}</p>}
          <p className="sr-only" role="status">
            {message === 'copied' ? t('ticket.copied') : ''}
          </p>
        </div>
      )}
    </>
  );
}

function ShareIcon() {
  return (
    <Svg>
      <path
        d="M8 11.5 12 15M12 5 8 8.5M15.5 4a2 2 0 1 1-4 0 2 2 0 0 1 4 0Zm0 12a2 2 0 1 1-4 0 2 2 0 0 1 4 0ZM7.5 10a2 2 0 1 1-4 0 2 2 0 0 1 4 0Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
      />
    </Svg>
  );
}
