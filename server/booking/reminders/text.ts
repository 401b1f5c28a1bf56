// The words of a reminder, in the customer's language; times in the venue's zone, named.
import type { ReminderLanguage } from './schema.js';
import type { ReminderText } from './channels.js';
import { zonedTime } from '../providers/venue-zone.js';

export interface ReminderTicket {
  title: string;
  venue: string;
  hall: string;
  seat_label: string;
  starts_at: number;
  valid_until: number;
}

/** `timeZone`: the venue's (venue-zone.ts venueZone). */
export function reminderText(t: ReminderTicket, language: ReminderLanguage, timeZone: string): ReminderText {
  const starts = zonedTime(language, timeZone, 'medium', Number(t.starts_at));
  const until = zonedTime(language, timeZone, 'medium', Number(t.valid_until));
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
