// The words that tell a ticket's owner it was cancelled and refunded, in their language.
import type { ReminderLanguage } from '../reminders/schema.js';
import type { ReminderText } from '../reminders/channels.js';
import type { TicketRow } from '../tickets/ticket-view.js';
import type { RefundsTable } from './refunds-schema.js';

export function cancellationText(ticket: Pick<TicketRow, 'title' | 'venue' | 'hall' | 'seat_label'>, refund: Pick<RefundsTable, 'amount_cents' | 'currency' | 'cause'>, language: ReminderLanguage): ReminderText {
  const amount = new Intl.NumberFormat(language, { style: 'currency', currency: refund.currency }).format(refund.amount_cents / 100);
  const where = `${ticket.venue} · ${ticket.hall}`;
  if (language === 'zh-CN') {
    const why = refund.cause === 'show_cancelled' ? '场次已取消。' : refund.cause === 'customer_cancelled' ? '您已退票。' : '影院已收回此票。';
    return { subject: `已退款：${ticket.title}`, body: `${why}\n${ticket.title}\n${where} · 座位 ${ticket.seat_label}\n已退款 ${amount}，原路退回。此票已失效。` };
  }
  const why = refund.cause === 'show_cancelled' ? 'The show was cancelled.' : refund.cause === 'customer_cancelled' ? 'You cancelled this ticket.' : 'The venue took this ticket back.';
  return { subject: `Refunded: ${ticket.title}`, body: `${why}\n${ticket.title}\n${where} · seat ${ticket.seat_label}\n${amount} was refunded to your payment method. The ticket is no longer valid.` };
}
