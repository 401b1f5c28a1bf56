// The payment step of an order, behind one interface so a real gateway plugs
// in where `demo` is. Both calls must be idempotent per order ID: an order is
// driven again after a crash or by a retried request, and must never be
// charged or refunded twice. Gateways answer declines as values; a throw means
// the gateway could not be reached (the order stays pending and is retried).

export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  currency: string;
  method: string;
}

export type ChargeResult = { ok: true; reference: string } | { ok: false; reason: string };

export interface RefundRequest {
  orderId: string;
  /** the charge's reference; null when the order may never have been charged */
  reference: string | null;
  amountCents: number;
  currency: string;
  /** the error reason the order failed with */
  reason: string;
}

export interface PaymentGateway {
  charge(req: ChargeRequest): Promise<ChargeResult>;
  /** returns the money of a charge; a no-op for an order that was never charged */
  refund(req: RefundRequest): Promise<void>;
}

/** `demo`: every charge succeeds at once; nothing real moves. */
export class DemoGateway implements PaymentGateway {
  async charge(req: ChargeRequest): Promise<ChargeResult> {
    return { ok: true, reference: `demo_${req.orderId}` };
  }

  async refund(): Promise<void> {}
}

export type PaymentGateways = Record<string, PaymentGateway>;

export function defaultGateways(): PaymentGateways {
  return { demo: new DemoGateway() };
}
