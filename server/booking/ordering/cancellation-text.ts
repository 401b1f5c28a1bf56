// The words that tell a ticket's owner it was cancelled and refunded, in their language;
// the show's time in the venue's zone, named.
import type { ReminderLanguage } from '../reminders/schema.js';
import type { ReminderText } from '../reminders/channels.js';
import type { TicketRow } from '../tickets/ticket-view.js';
import type { RefundsTable } from './refunds-schema.js';
import { zonedTime } from '../providers/venue-zone.js';

/** `timeZone`: the venue's (venue-zone.ts venueZone). */
export function cancellationText(
  ticket: Pick<TicketRow, 'title' | 'venue' | 'hall' | 'seat_label' | 'starts_at'>,
  refund: Pick<RefundsTable, 'amount_cents' | 'currency' | 'cause'>,
  language: ReminderLanguage,
  timeZone: string,
): ReminderText {
  const amount = new Intl.NumberFormat(language, { style: 'currency', currency: refund.currency }).format(refund.amount_cents / 100);
  const where = `${ticket.venue} · ${ticket.hall}`;
  const starts = zonedTime(language, timeZone, 'medium', Number(ticket.starts_at));
  if (language === 'zh-CN') {
    const why = refund.cause === 'show_cancelled' ? '场次已取消。' : refund.cause === 'customer_cancelled' ? '您已退票。' : '影院已收回此票。';
    return { subject: `已退款：${ticket.title}`, body: `${why}\n${ticket.title}\n${where} · 座位 ${ticket.seat_label}\n开映 ${starts}\n已退款 ${amount}，原路退回。此票已失效。` };
  }
  const why = refund.cause === 'show_cancelled' ? 'The show was cancelled.' : refund.cause === 'customer_cancelled' ? 'You cancelled this ticket.' : 'The venue took this ticket back.';
  return {
    subject: `Refunded: ${ticket.title}`,
    body: `${why}\n${ticket.title}\n${where} · seat ${ticket.seat_label}\nStarts ${starts}\n${amount} was refunded to your payment method. The ticket is no longer valid.`,
  };
}
