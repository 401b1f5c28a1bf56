// The order the page just placed, handed from the checkout to the order page
// so the tickets show at once; taken once, so a later visit loads the order
// fresh (its share links may have changed since).
import type { Order } from '../api.js';

const placed = new Map<string, Order>();

export function handOver(order: Order): void {
  placed.set(order.orderId, order);
}

export function takeOver(orderId: string): Order | undefined {
  const order = placed.get(orderId);
  placed.delete(orderId);
  return order;
}
