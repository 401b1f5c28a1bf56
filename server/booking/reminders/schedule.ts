// When each ticket's reminder falls due, kept on the ticket itself
// (`tickets.remind_at`, indexed): set when the ticket is issued, from its
// owner's lead time; moved when the owner changes the lead; cleared once the
// reminder is claimed (reminder-service.ts). A pass then reads exactly the
// tickets due: its work grows with them, not with the tickets sold ahead nor
// with the longest lead any one customer chose.
import type { Kysely } from 'kysely';
import type { BookingDB } from '../schema.js';
import { DEFAULT_LEAD_MINUTES } from './schema.js';

/** When a ticket valid until `validUntil` is reminded of, `leadMinutes` before. */
export function remindAt(validUntil: number, leadMinutes: number): number {
  return validUntil - leadMinutes * 60;
}

/** The lead time `userId` chose, or the default. */
export async function leadMinutesOf(db: Kysely<BookingDB>, userId: string): Promise<number> {
  const row = await db.selectFrom('reminder_prefs').select('lead_minutes').where('user_id', '=', userId).executeTakeFirst();
  return row?.lead_minutes ?? DEFAULT_LEAD_MINUTES;
}

/** A new lead for `userId`: their tickets not reminded yet fall due at it; those reminded stay so. */
export async function reschedule(db: Kysely<BookingDB>, userId: string, leadMinutes: number): Promise<void> {
  await db
    .updateTable('tickets')
    .set((eb) => ({ remind_at: eb('valid_until', '-', leadMinutes * 60) }))
    .where('user_id', '=', userId)
    .where('remind_at', 'is not', null)
    .execute();
}
