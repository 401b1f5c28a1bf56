// The e-mail outbox: one row per message the booking server owes a customer
// (an order's tickets, a refund), written in the same transaction as the
// change it reports, so it is sent however the process stops after (outbox.ts).
import { schemaMigration } from '../../common/table-definitions.js';

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

export const outboxMigration = schemaMigration({
  tables: {
    outbox: {
      columns: {
        mail_id: 'text primary key',
        kind: 'text not null',
        user_id: 'text not null',
        ref: 'text not null',
        state: 'text not null',
        attempts: 'integer not null',
        next_attempt_at: 'bigint not null',
        claimed_until: 'bigint',
        last_error: 'text',
        created_at: 'bigint not null',
        sent_at: 'bigint',
      },
      indexes: { outbox_due: ['state', 'next_attempt_at'] },
    },
  },
});
