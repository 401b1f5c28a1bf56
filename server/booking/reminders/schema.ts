// Reminder tables. A reminder row exists once per ticket and channel: the
// INSERT that creates it is the claim, so two booking processes on one
// database can never both send the same reminder.
import { sql } from 'kysely';
import { schemaMigration } from '../../common/table-definitions.js';

export const REMINDER_CHANNELS = ['inapp', 'email', 'sms'] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];
export type ReminderLanguage = 'en' | 'zh-CN';
/** the lead of a customer who has not chosen one, in minutes */
export const DEFAULT_LEAD_MINUTES = 120;

export interface ReminderPrefsTable {
  user_id: string;
  /** JSON array of channels */
  channels: string;
  lead_minutes: number;
  language: ReminderLanguage;
  updated_at: number;
}

export interface RemindersTable {
  ticket_id: string;
  channel: ReminderChannel;
  user_id: string;
  status: 'sending' | 'sent' | 'retry' | 'failed';
  /** the process that holds the claim, and until when (a crashed sender's claim lapses) */
  claimed_by: string;
  claimed_until: number;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  sent_at: number | null;
  created_at: number;
}

export interface MessagesTable {
  message_id: string;
  user_id: string;
  ticket_id: string | null;
  title: string;
  body: string;
  created_at: number;
  read_at: number | null;
}

export interface ReminderDB {
  reminder_prefs: ReminderPrefsTable;
  reminders: RemindersTable;
  messages: MessagesTable;
}

export const reminderMigration = schemaMigration({
  indexes: { tickets: { tickets_valid_until: ['valid_until'] } },
  tables: {
    reminder_prefs: {
      columns: { user_id: 'text primary key', channels: 'text not null', lead_minutes: 'integer not null', language: 'text not null', updated_at: 'bigint not null' },
    },
    reminders: {
      columns: {
        ticket_id: 'text not null',
        channel: 'text not null',
        user_id: 'text not null',
        status: 'text not null',
        claimed_by: 'text not null',
        claimed_until: 'bigint not null',
        attempts: 'integer not null',
        next_attempt_at: 'bigint',
        last_error: 'text',
        sent_at: 'bigint',
        created_at: 'bigint not null',
      },
      primaryKey: { name: 'reminders_pk', columns: ['ticket_id', 'channel'] },
      indexes: { reminders_status: ['status', 'claimed_until'] },
    },
    messages: {
      columns: {
        message_id: 'text primary key',
        user_id: 'text not null',
        ticket_id: 'text',
        title: 'text not null',
        body: 'text not null',
        created_at: 'bigint not null',
        read_at: 'bigint',
      },
      indexes: { messages_user: ['user_id', 'created_at'] },
    },
  },
});

/** 003_reminder_lead: an index on the lead each customer chose. */
export const reminderLeadMigration = schemaMigration({ indexes: { reminder_prefs: { reminder_prefs_lead: ['lead_minutes'] } } });

/**
 * 021_reminder_schedule (schedule.ts): the tickets still valid with no reminder claimed yet are scheduled
 * at their owner's lead; the others (reminded, revoked, ended) are not reminded again.
 */
export const reminderScheduleMigration = schemaMigration({
  addColumns: { tickets: { remind_at: 'bigint' } },
  fill: async (db) => {
    const now = Math.floor(Date.now() / 1000);
    await sql`update tickets set remind_at = valid_until - 60 * coalesce((select p.lead_minutes from reminder_prefs p where p.user_id = tickets.user_id), ${DEFAULT_LEAD_MINUTES})
      where revoked_at is null and valid_until > ${now} and not exists (select 1 from reminders r where r.ticket_id = tickets.ticket_id)`.execute(db);
  },
  indexes: { tickets: { tickets_remind_at: ['remind_at'] } },
});
