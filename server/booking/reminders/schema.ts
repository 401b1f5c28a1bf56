// Reminder tables. A reminder row exists once per ticket and channel: the
// INSERT that creates it is the claim, so two booking processes on one
// database can never both send the same reminder.
import type { Kysely, Migration } from 'kysely';

export const REMINDER_CHANNELS = ['inapp', 'email', 'sms'] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];
export type ReminderLanguage = 'en' | 'zh-CN';

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

export const reminderMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('reminder_prefs')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('channels', 'text', (c) => c.notNull())
      .addColumn('lead_minutes', 'integer', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('reminders')
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('claimed_by', 'text', (c) => c.notNull())
      .addColumn('claimed_until', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('sent_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('reminders_pk', ['ticket_id', 'channel'])
      .execute();
    await db.schema.createIndex('reminders_status').on('reminders').columns(['status', 'claimed_until']).execute();
    await db.schema
      .createTable('messages')
      .addColumn('message_id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('read_at', 'bigint')
      .execute();
    await db.schema.createIndex('messages_user').on('messages').columns(['user_id', 'created_at']).execute();
    await db.schema.createIndex('tickets_valid_until').on('tickets').column('valid_until').execute();
  },
};

/** The reminder sender asks for the longest lead anyone chose on every pass (reminder-service.ts). */
export const reminderLeadMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('reminder_prefs_lead').on('reminder_prefs').column('lead_minutes').execute();
  },
};
