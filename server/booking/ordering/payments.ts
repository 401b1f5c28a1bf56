// The payment step of an order, behind one interface so a real gateway plugs
// in where `demo` is. Both calls must be idempotent per order ID: an order is
// driven again after a crash or by a retried request, and must never be
// charged or refunded twice. Gateways answer declines as values; a throw means
// the gateway could not be reached (the order stays pending and is retried).
import { withinOrFail } from '../../common/deadline.js';

export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  currency: string;
  method: string;
}

export type ChargeResult = { ok: true; reference: string } | { ok: false; reason: string };

export interface RefundRequest {
  orderId: string;
  /**
   * What makes a refund one refund at the gateway, however often it is asked:
   * `order:<orderId>` for a failed order's whole amount, `ticket:<ticketId>`
   * for one cancelled ticket's share of its order.
   */
  refundId: string;
  /** the charge's reference; null when the order may never have been charged */
  reference: string | null;
  amountCents: number;
  currency: string;
  /** why the money goes back: the error reason a failed order failed with, or the cause of a cancellation */
  reason: string;
}

/** the gateway's reference for the refund; null for an order that was never charged */
export interface RefundResult {
  reference: string | null;
}

export interface PaymentGateway {
  charge(req: ChargeRequest): Promise<ChargeResult>;
  /** returns money of a charge, all of it or a ticket's share; a no-op for an order that was never charged */
  refund(req: RefundRequest): Promise<RefundResult>;
}

/** `demo`: every charge and refund succeeds at once; nothing real moves. */
export class DemoGateway implements PaymentGateway {
  async charge(req: ChargeRequest): Promise<ChargeResult> {
    return { ok: true, reference: `demo_${req.orderId}` };
  }

  async refund(req: RefundRequest): Promise<RefundResult> {
    return { reference: req.reference === null ? null : `demo_refund_${req.refundId}` };
  }
}

export type PaymentGateways = Record<string, PaymentGateway>;

export function defaultGateways(): PaymentGateways {
  return { demo: new DemoGateway() };
}

/** How long one gateway call may take before it counts as a gateway not reached (ms). */
export const DEFAULT_PAYMENT_DEADLINE_MS = 30_000;

/**
 * The same gateways, each call given up after `ms` as if the gateway could not be
 * reached: a call that never returns would otherwise hold a customer's order, or the
 * background pass and every refund behind it, for good. Safe to retry after, since both
 * calls are idempotent; the call given up on is left to finish or fail on its own.
 */
export function withDeadline(gateways: PaymentGateways, ms: number): PaymentGateways {
  const bounded = <T>(call: Promise<T>, what: string) => withinOrFail(call, ms, `the payment gateway did not answer the ${what} within ${ms} ms`);
  return Object.fromEntries(
    Object.entries(gateways).map(([method, gateway]): [string, PaymentGateway] => [
      method,
      { charge: (req) => bounded(gateway.charge(req), 'charge'), refund: (req) => bounded(gateway.refund(req), 'refund') },
    ]),
  );
}
