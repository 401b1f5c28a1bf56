// The full-screen verdict: green ADMIT with the seat first (it is what the
// attendant checks against the person), or red DENY with the reason in words
// and where and when it applies. The verdict word is 20% of the screen height.
// At an unattended kiosk the holder reads it, so a refusal asks them to find
// staff rather than telling an attendant to call a supervisor.
import type { VerdictView } from '../../../main/bridge/contract.js';
import { formatTime, reasonKey, verdictKey, type Lang, type Translate } from '../i18n.js';

export function VerdictScreen({ verdict, t, lang, kiosk }: { verdict: VerdictView; t: Translate; lang: Lang; kiosk: boolean }) {
  const ticket = verdict.ticket;
  const word = verdictKey(verdict.result);
  const admit = word === 'admit';
  return (
    <section
      className={`verdict ${admit ? 'verdict-admit' : 'verdict-deny'}`}
      data-testid="verdict"
      data-kind={word}
      data-reason={verdict.reason ?? ''}
      data-offline={verdict.offline ? 'yes' : 'no'}
      role="alert"
    >
      <div className="verdict-word">
        <svg className="verdict-icon" viewBox="0 0 100 100" aria-hidden="true">
          <path d={admit ? 'M12 54 L40 82 L90 22' : 'M18 18 L82 82 M82 18 L18 82'} fill="none" stroke="currentColor" strokeWidth="16" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        {t(word)}
      </div>
      {admit ? (
        <>
          {ticket?.seat && (
            <div className="verdict-seat" data-testid="verdict-seat">
              <span className="verdict-label">{t('seat')}</span> {ticket.seat}
            </div>
          )}
          <div className="verdict-line">{[ticket?.hall, ticket?.title].filter(Boolean).join(' · ')}</div>
          {ticket?.startsAt !== undefined && (
            <div className="verdict-sub">
              {t('starts')} {formatTime(lang, ticket.startsAt)}
            </div>
          )}
        </>
      ) : (
        <>
          <div className="verdict-reason" data-testid="verdict-reason">
            {t(reasonKey(verdict.reason))}
          </div>
          <div className="verdict-line" data-testid="verdict-detail">
            {denyDetail(verdict, t, lang, kiosk)}
          </div>
          {ticket && (ticket.seat || ticket.title) && (
            <div className="verdict-sub">{[ticket.seat && `${t('seat')} ${ticket.seat}`, ticket.hall, ticket.title].filter(Boolean).join(' · ')}</div>
          )}
        </>
      )}
      {verdict.offline && verdict.reason !== 'cannot_verify' && <div className="verdict-offline">{t('offlineDecision')}</div>}
      {/* Changes with every scan, so two ADMITs in a row read as two (no animation: it costs frames). */}
      <div className="verdict-time">{new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(verdict.enteredAt)}</div>
    </section>
  );
}

function denyDetail(v: VerdictView, t: Translate, lang: Lang, kiosk: boolean): string {
  switch (v.reason) {
    case 'already_redeemed':
      if (v.redeemedAt === undefined) return v.redeemedGate ? t('detail.usedAtGate', { gate: v.redeemedGate }) : '';
      return v.redeemedGate
        ? t('detail.used', { gate: v.redeemedGate, at: formatTime(lang, v.redeemedAt) })
        : t('detail.usedNoGate', { at: formatTime(lang, v.redeemedAt) });
    case 'expired':
      return v.ticket?.validUntil !== undefined ? t('detail.expired', { at: formatTime(lang, v.ticket.validUntil) }) : '';
    case 'not_yet_valid':
      return v.ticket?.validFrom !== undefined ? t('detail.opens', { at: formatTime(lang, v.ticket.validFrom) }) : '';
    case 'wrong_provider':
      return v.ticket?.venue ? t('detail.wrongVenue', { venue: v.ticket.venue }) : '';
    case 'revoked':
      return t('detail.revoked');
    case 'rate_limited':
      return t('detail.rateLimited');
    case 'malformed':
    case 'bad_signature':
    case 'unknown_code':
      return t('detail.badTicket');
    default:
      return t(v.cause ? CAUSE_LINE[v.cause] : 'detail.cannotVerify', { action: t(kiosk ? 'action.kiosk' : 'action.attended') });
  }
}

/** The line of a refusal that is not the server's silence: the supervisor is called for something else. */
const CAUSE_LINE = {
  storage: 'detail.cannotSave',
  not_enrolled: 'detail.notEnrolled',
  refused: 'detail.stationRefused',
} as const satisfies Record<NonNullable<VerdictView['cause']>, string>;
