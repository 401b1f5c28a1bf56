// Cancelling a ticket: until the cinema's cutoff the owner can give it back and
// get its price refunded; the seat goes back on sale. Asked once more before
// it happens, since it cannot be undone.
import { useState } from 'react';
import { api, type BookingTicket } from '../api.js';
import { ErrorBlock } from '../components/Status.js';
import { dateTime, money } from '../format.js';
import { useI18n } from '../i18n/i18n.js';
import { useAction } from '../hooks.js';
import { useSession } from '../session.js';

export type Refund = NonNullable<BookingTicket['refund']>;

interface Props {
  ticketId: string;
  cancellableUntil: number | null;
  /** the venue's zone, which the time is shown in */
  timeZone: string;
  onCancelled(refund: Refund): void;
}

export function CancelPanel({ ticketId, cancellableUntil, timeZone, onCancelled }: Props) {
  const { t, locale } = useI18n();
  const session = useSession();
  const [asking, setAsking] = useState(false);
  const { busy, error, run } = useAction();
  if (cancellableUntil === null || cancellableUntil * 1000 < Date.now()) return null;

  const cancel = async () => {
    const token = session.token;
    if (!token) return;
    await run(async () => onCancelled((await api.cancelTicket(token, ticketId)).refund));
  };

  return (
    <>
      {!asking ? (
        <button type="button" className="btn btn--ghost" onClick={() => setAsking(true)}>
          {t('ticket.cancel')}
        </button>
      ) : (
        <div className="cancel-panel" role="group" aria-label={t('ticket.cancel')}>
          <p>{t('ticket.cancelAsk', { until: dateTime(locale, cancellableUntil, timeZone) })}</p>
          <div className="cancel-panel__actions">
            <button type="button" className="btn btn--danger btn--small" onClick={() => void cancel()} disabled={busy}>
              {busy ? t('ticket.cancelling') : t('ticket.cancelConfirm')}
            </button>
            <button type="button" className="btn btn--ghost btn--small" onClick={() => setAsking(false)} disabled={busy}>
              {t('ticket.cancelKeep')}
            </button>
          </div>
        </div>
      )}
      {error !== undefined && <ErrorBlock error={error} />}
    </>
  );
}

/** What a cancelled ticket says instead of its actions. */
export function RefundNote({ refund }: { refund: Refund }) {
  const { t, locale } = useI18n();
  const amount = money(locale, refund.amountCents, refund.currency);
  return (
    <p className="ticket__refund" data-testid="refund" data-state={refund.state}>
      {refund.state === 'refunded' ? t('ticket.refunded', { amount }) : t('ticket.refundPending', { amount })}
    </p>
  );
}
