// The words of a reminder, in the customer's language.
import type { ReminderLanguage } from './schema.js';
import type { ReminderText } from './channels.js';

export interface ReminderTicket {
  title: string;
  venue: string;
  hall: string;
  seat_label: string;
  starts_at: number;
  valid_until: number;
}

export function reminderText(t: ReminderTicket, language: ReminderLanguage, timeZone?: string): ReminderText {
  const fmt = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const starts = fmt.format(t.starts_at * 1000);
  const until = fmt.format(t.valid_until * 1000);
  if (language === 'zh-CN') {
    return {
      subject: `观影提醒：${t.title}`,
      body: `${t.title}\n${t.venue} · ${t.hall} · 座位 ${t.seat_label}\n开映 ${starts}\n您的电子票有效期至 ${until}。入场时请出示二维码。`,
    };
  }
  return {
    subject: `Reminder: ${t.title}`,
    body: `${t.title}\n${t.venue} · ${t.hall} · seat ${t.seat_label}\nStarts ${starts}\nYour ticket is valid until ${until}. Show its QR code at the gate.`,
  };
}
