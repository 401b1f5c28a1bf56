// The tables of ticket cancellation: one refund per cancelled ticket, and the
// cancellation cutoff each venue sets. A refund row is written before anything
// else happens, so a crash or an unreachable venue leaves a record that the
// background pass carries to the end (cancellation.ts).
import type { Kysely, Migration } from 'kysely';

/** requested: nothing done yet · revoked: the venue took the ticket back, the money is still to go back · refunded: done */
export type RefundState = 'requested' | 'revoked' | 'refunded';
export type RefundCause = 'customer_cancelled' | 'operator_revoked' | 'show_cancelled';

export interface RefundsTable {
  ticket_id: string;
  order_id: string;
  user_id: string;
  provider_id: string;
  amount_cents: number;
  currency: string;
  cause: RefundCause;
  state: RefundState;
  /** the gateway's reference for the refund, once made */
  reference: string | null;
  attempts: number;
  last_error: string | null;
  /** while a process is asking the gateway for this refund (epoch s): nobody else asks meanwhile */
  claimed_until: number | null;
  requested_at: number;
  refunded_at: number | null;
}

export interface RefundDB {
  refunds: RefundsTable;
}

/** A ticket can be cancelled by its owner until this long before its show starts, unless the venue says otherwise. */
export const DEFAULT_CANCEL_CUTOFF_S = 2 * 3600;

export const refundsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('refunds')
      .addColumn('ticket_id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('amount_cents', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reference', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('claimed_until', 'bigint')
      .addColumn('requested_at', 'bigint', (c) => c.notNull())
      .addColumn('refunded_at', 'bigint')
      .execute();
    await db.schema.createIndex('refunds_open').on('refunds').columns(['state', 'requested_at']).execute();
    await db.schema.createIndex('refunds_order').on('refunds').column('order_id').execute();
    await db.schema.alterTable('providers').addColumn('cancel_cutoff_s', 'integer', (c) => c.notNull().defaultTo(DEFAULT_CANCEL_CUTOFF_S)).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('providers').dropColumn('cancel_cutoff_s').execute();
    await db.schema.dropTable('refunds').execute();
  },
};
