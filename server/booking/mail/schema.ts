// The e-mail outbox: one row per message the booking server owes a customer
// (an order's tickets, a refund), written in the same transaction as the
// change it reports, so it is sent however the process stops after (outbox.ts).
import type { Kysely, Migration } from 'kysely';

export type MailKind = 'order_confirmation' | 'ticket_refunded';
/** due: to send (now or after a failure) · sending: claimed by a process · sent · failed: given up */
export type MailState = 'due' | 'sending' | 'sent' | 'failed';

export interface OutboxTable {
  /** `<kind>:<orderId or ticketId>`: enqueueing the same message twice is a no-op */
  mail_id: string;
  kind: MailKind;
  user_id: string;
  /** the order ID (order_confirmation) or ticket ID (ticket_refunded) */
  ref: string;
  state: MailState;
  attempts: number;
  next_attempt_at: number;
  claimed_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface OutboxDB {
  outbox: OutboxTable;
}

export const outboxMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('outbox')
      .addColumn('mail_id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('ref', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('claimed_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['state', 'next_attempt_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('outbox').execute();
  },
};
