// The tables of ticket cancellation: one refund per cancelled ticket, and the
// cancellation cutoff each venue sets. A refund row is written before anything
// else happens, so a crash or an unreachable venue leaves a record that the
// background pass carries to the end (cancellation.ts).
import { schemaMigration } from '../../common/table-definitions.js';

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
  /** failed tries, of the venue's revocation or of the gateway's refund */
  attempts: number;
  last_error: string | null;
  /**
   * Nobody works on this cancellation before then (epoch s): a process is asking the gateway
   * for the refund, or the last try failed and the next waits (cancellation.ts, retryAfterS)
   */
  claimed_until: number | null;
  requested_at: number;
  refunded_at: number | null;
}

export interface RefundDB {
  refunds: RefundsTable;
}

/** A ticket can be cancelled by its owner until this long before its show starts, unless the venue says otherwise. */
export const DEFAULT_CANCEL_CUTOFF_S = 2 * 3600;

export const refundsMigration = schemaMigration({
  addColumns: { providers: { cancel_cutoff_s: `integer not null default ${DEFAULT_CANCEL_CUTOFF_S}` } },
  tables: {
    refunds: {
      columns: {
        ticket_id: 'text primary key',
        order_id: 'text not null',
        user_id: 'text not null',
        provider_id: 'text not null',
        amount_cents: 'integer not null',
        currency: 'text not null',
        cause: 'text not null',
        state: 'text not null',
        reference: 'text',
        attempts: 'integer not null default 0',
        last_error: 'text',
        claimed_until: 'bigint',
        requested_at: 'bigint not null',
        refunded_at: 'bigint',
      },
      indexes: { refunds_open: ['state', 'requested_at'], refunds_order: ['order_id'] },
    },
  },
});
