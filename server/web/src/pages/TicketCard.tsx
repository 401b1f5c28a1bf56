// One ticket, drawn like a ticket: what, where, when, which seat, the
// validity period in words, and the QR code on the stub. The owner can
// download the PNG, share or unshare it, and cancel it before the cinema's
// cutoff; whoever holds a share link sees the same ticket. A cancelled ticket
// shows no QR code: there is nothing left to scan.
import { useState } from 'react';
import { localPath, type SharedTicket } from '../api.js';
import { dateTime, isoString, validityEnds } from '../format.js';
import { useTicketFile } from '../hooks.js';
import { interpolate, useI18n } from '../i18n/i18n.js';
import { useSession } from '../session.js';
import { DownloadButton } from './DownloadButton.js';
import { SharePanel } from './SharePanel.js';
import { CancelPanel, RefundNote, type Refund } from './CancelPanel.js';

interface Props {
  ticket: SharedTicket & { shareUrl?: string | null; cancellableUntil?: number | null; refund?: Refund | null };
  /** `owner`: files are fetched with the session; `shared`: the URLs carry the share token */
  mode: 'owner' | 'shared';
}

export function TicketCard({ ticket, mode }: Props) {
  const { t, locale } = useI18n();
  const session = useSession();
  const token = mode === 'owner' ? session.token : null;
  const qr = useTicketFile(localPath(ticket.qrUrl), token);
  const [qrLoaded, setQrLoaded] = useState(false);
  const [refund, setRefund] = useState<Refund | null>(ticket.refund ?? null);
  const cancelled = refund !== null || (ticket.revokedAt ?? null) !== null;
  const expired = ticket.validUntil * 1000 < Date.now();
  const { from, until } = validityEnds(locale, ticket.validFrom, ticket.validUntil, ticket.timeZone);
  const titleId = `ticket-${ticket.ticketId}`;

  return (
    <article className={`ticket${expired ? ' ticket--expired' : ''}${cancelled ? ' ticket--cancelled' : ''}`} aria-labelledby={titleId} data-ticket={ticket.ticketId}>
      <div className="ticket__main">
        <p className="ticket__venue">{ticket.venue}</p>
        <h3 id={titleId} className="ticket__title">
          {ticket.title}
          {cancelled ? (
            <span className="badge badge--muted">{t('ticket.cancelled')}</span>
          ) : (
            expired && <span className="badge badge--muted">{t('ticket.expired')}</span>
          )}
        </h3>
        <dl className="ticket__facts">
          <div className="ticket__fact ticket__fact--wide">
            <dt>{t('ticket.starts')}</dt>
            <dd>
              <time dateTime={isoString(ticket.startsAt)}>{dateTime(locale, ticket.startsAt, ticket.timeZone)}</time>
            </dd>
          </div>
          <div className="ticket__fact">
            <dt>{t('ticket.hall')}</dt>
            <dd>{ticket.hall}</dd>
          </div>
          <div className="ticket__fact ticket__fact--seat">
            <dt>{t('ticket.seat')}</dt>
            <dd>{ticket.seat}</dd>
          </div>
        </dl>
        <p className="ticket__validity" data-testid="validity">
          {interpolate(t('ticket.validity'), {
            from: <time dateTime={isoString(ticket.validFrom)}>{from}</time>,
            until: <time dateTime={isoString(ticket.validUntil)}>{until}</time>,
          })}
        </p>
      </div>
      <div className="ticket__stub">
        <div className="ticket__qr">
          {cancelled ? (
            <p className="ticket__qr-status">{t('ticket.cancelledQr')}</p>
          ) : qr.failed ? (
            <p className="ticket__qr-status">{t('ticket.qrFailed')}</p>
          ) : qr.url ? (
            <img
              src={qr.url}
              alt={t('ticket.qrAlt', { seat: ticket.seat })}
              width={220}
              height={220}
              className={qrLoaded ? 'is-loaded' : undefined}
              onLoad={() => setQrLoaded(true)}
            />
          ) : (
            <p className="ticket__qr-status">{t('ticket.qrLoading')}</p>
          )}
        </div>
        {!cancelled && <p className="ticket__hint">{t('ticket.gateHint')}</p>}
        <p className="ticket__ref">{t('ticket.ref', { id: ticket.ticketId })}</p>
      </div>
      <div className="ticket__actions">
        {cancelled ? (
          refund && <RefundNote refund={refund} />
        ) : (
          <>
            <DownloadButton ticket={ticket} token={token} />
            {mode === 'owner' && <SharePanel ticketId={ticket.ticketId} initialUrl={ticket.shareUrl ?? null} />}
            {mode === 'owner' && <CancelPanel ticketId={ticket.ticketId} cancellableUntil={ticket.cancellableUntil ?? null} timeZone={ticket.timeZone} onCancelled={setRefund} />}
          </>
        )}
      </div>
    </article>
  );
}
