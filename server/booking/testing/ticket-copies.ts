// Test support: a crowd's tickets in one statement, copied in the booking
// database from one ticket issued the real way (an order through a provider).
// Issuing tens of thousands of tickets one order at a time would take a test
// or a benchmark minutes; what they are about is what the server then does
// with that many.
import { sql, type Kysely } from 'kysely';
import type { BookingDB } from '../schema.js';

export interface TicketCopies {
  /** the ticket copied */
  model: string;
  /** copies `first`..`last` (1-based, inclusive): ticket i is `${prefix}i`, its code the model's made unique */
  first?: number;
  last: number;
  prefix: string;
  /** SQL of the copy's number `i`: its validity end (default the model's) */
  validUntil?: (i: string) => string;
  /** SQL of `validUntil` (itself SQL): when its reminder falls due (default the model's) */
  remindAt?: (validUntil: string) => string;
  /** each copy to a customer of its own, `${prefix}u_i` (e-mail `${prefix}i@crowd.example`), made from the model's owner; else to the model's owner */
  ownCustomers?: boolean;
}

export async function copyTickets(db: Kysely<BookingDB>, c: TicketCopies): Promise<void> {
  const n = sql.raw(`with recursive n(i) as (select ${c.first ?? 1} union all select i + 1 from n where i < ${c.last})`);
  const until = sql.raw(c.validUntil?.('i') ?? 'valid_until');
  const remind = sql.raw(c.remindAt?.(c.validUntil?.('i') ?? 'valid_until') ?? 'remind_at');
  const owner = c.ownCustomers ? sql`${c.prefix} || 'u_' || i` : sql.raw('user_id');
  if (c.ownCustomers) {
    await sql`${n} insert into users (user_id, email, password_hash, phone, created_at)
      select ${c.prefix} || 'u_' || i, ${c.prefix} || i || '@crowd.example', password_hash, null, created_at
      from n cross join users where users.user_id = (select user_id from tickets where ticket_id = ${c.model})`.execute(db);
  }
  await sql`${n} insert into tickets (ticket_id, order_id, user_id, provider_id, provider_ticket_id, show_id, seat_id, seat_label, title, venue, hall, starts_at,
      valid_from, valid_until, code, key_id, payload, share_generation, share_hash, revoked_at, created_at, remind_at)
    select ${c.prefix} || i, order_id, ${owner}, provider_id, provider_ticket_id || '-' || i, show_id, seat_id, seat_label, title, venue, hall, starts_at,
      valid_from, ${until}, ${c.prefix} || '-' || code || '-' || i, key_id, payload, share_generation, null, revoked_at, created_at, ${remind}
    from n cross join tickets where tickets.ticket_id = ${c.model}`.execute(db);
}
