// The words and attachments of each e-mail the outbox sends, in the customer's
// language, times in the venue's zone: an order's tickets (one PNG each, as the page downloads them) and
// a refund notice (the same words as the in-app message).
import type { Kysely, Selectable } from 'kysely';
import type { BookingDB } from '../schema.js';
import type { OutgoingMail } from '../reminders/channels.js';
import type { ReminderLanguage } from '../reminders/schema.js';
import { cancellationText } from '../ordering/cancellation-text.js';
import { ticketPng } from '../tickets/render.js';
import type { TicketRow } from '../tickets/ticket-view.js';
import type { OutboxTable } from './schema.js';
import { venueZones, zonedTime } from '../providers/venue-zone.js';

type OutboxRow = Selectable<OutboxTable>;

/** The mail for an outbox row; undefined when what it reports is gone (nothing to send). */
export async function composeMail(db: Kysely<BookingDB>, row: OutboxRow): Promise<Omit<OutgoingMail, 'messageId'> | undefined> {
  const user = await db.selectFrom('users').select('email').where('user_id', '=', row.user_id).executeTakeFirst();
  if (!user) return undefined;
  const language = (await db.selectFrom('reminder_prefs').select('language').where('user_id', '=', row.user_id).executeTakeFirst())?.language ?? 'en';
  if (row.kind === 'order_confirmation') {
    const tickets = await db.selectFrom('tickets').selectAll().where('order_id', '=', row.ref).orderBy('seat_label').execute();
    if (tickets.length === 0) return undefined;
    return { to: user.email, ...(await orderMail(tickets, language, row.ref, await venueZoneOf(db, tickets[0]!.provider_id))) };
  }
  const refund = await db.selectFrom('refunds').selectAll().where('ticket_id', '=', row.ref).executeTakeFirst();
  const ticket = await db.selectFrom('tickets').selectAll().where('ticket_id', '=', row.ref).executeTakeFirst();
  if (!refund || !ticket) return undefined;
  const text = cancellationText(ticket, refund, language, await venueZoneOf(db, ticket.provider_id));
  return { to: user.email, subject: text.subject, text: text.body };
}

const venueZoneOf = async (db: Kysely<BookingDB>, providerId: string) => (await venueZones(db, [providerId])).get(providerId)!;

/** An order's tickets are of one show, so of one venue: every time in its zone. */
async function orderMail(tickets: TicketRow[], language: ReminderLanguage, orderId: string, zone: string): Promise<Pick<OutgoingMail, 'subject' | 'text' | 'attachments'>> {
  const first = tickets[0]!;
  const short = (epochS: number | string) => zonedTime(language, zone, 'medium', Number(epochS));
  const attachments = [];
  for (const t of tickets) {
    const png = await ticketPng(
      {
        payload: t.payload,
        title: t.title,
        venue: t.venue,
        hall: t.hall,
        seat: t.seat_label,
        startsAt: Number(t.starts_at),
        validFrom: Number(t.valid_from),
        validUntil: Number(t.valid_until),
        ticketId: t.ticket_id,
      },
      language,
      zone,
    );
    attachments.push({ filename: `ticket-${t.seat_label}-${t.ticket_id}.png`, content: png, contentType: 'image/png' });
  }
  const lines = tickets.map((t) =>
    language === 'zh-CN'
      ? `座位 ${t.seat_label}：有效期 ${short(t.valid_from)} 至 ${short(t.valid_until)}`
      : `Seat ${t.seat_label}: valid from ${short(t.valid_from)} until ${short(t.valid_until)}`,
  );
  const when = zonedTime(language, zone, 'full', Number(first.starts_at));
  if (language === 'zh-CN') {
    return {
      subject: `您的电子票：${first.title}`,
      text: [`${first.title}`, `${first.venue} · ${first.hall}`, `开映 ${when}`, '', ...lines, '', `每张票的二维码见附件（共 ${tickets.length} 张）。入场时出示二维码即可。`, `订单号 ${orderId}`].join('\n'),
      attachments,
    };
  }
  return {
    subject: `Your tickets: ${first.title}`,
    text: [
      `${first.title}`,
      `${first.venue} · ${first.hall}`,
      `Starts ${when}`,
      '',
      ...lines,
      '',
      `Each ticket's QR code is attached (${tickets.length} in all). Show it at the gate.`,
      `Order ${orderId}`,
    ].join('\n'),
    attachments,
  };
}
