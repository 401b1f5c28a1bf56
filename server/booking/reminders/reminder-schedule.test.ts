// When reminders go out (schedule.ts), on a stadium's evening: 40,000 tickets
// of one show fall due in the same second; their e-mails go out over a kept
// connection; a mail server slow enough that a sender's claims would lapse
// while it works through them; and the tickets bought before the schedule was
// kept, after the upgrade. A real verification server process (its demo
// programme) issues the first tickets; a stadium's crowd is copied from one of
// them in the booking database, since issuing 40,000 tickets one order at a
// time would take the test minutes. On SQLite and the local PostgreSQL.
import { join } from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import { BACKENDS } from '../../common/testing/storage.js';
import { bookingMigrations } from '../schema.js';
import { bookingClient } from '../testing/http.js';
import { registerProvider, signUp, startTestBooking } from '../testing/setup.js';
import { copyTickets } from '../testing/ticket-copies.js';
import { bookingTestbed } from '../testing/testbed.js';
import { EmailChannel } from './channels.js';
import { ReminderService } from './reminder-service.js';
import { TestMailbox } from './testing/mailbox.js';

const ADMIN = 'reminders-at-scale-admin-0123456789';
const SECRET = 'reminders-at-scale-secret-0123456789';
/** more tickets due at once than SQLite takes parameters in one statement (32,766) */
const CROWD = 40_000;
const quiet = { info: () => undefined, warn: () => undefined };

describe.each(BACKENDS)('a stadium’s tickets falling due at once, on $backend', (each) => {
  let clock = Math.floor(Date.now() / 1000);
  // No SMTP server: the inbox is the one channel, as at a platform without e-mail.
  const bed = bookingTestbed(each, { name: 'reminders-crowd', adminToken: ADMIN, provider: { secret: SECRET, kind: 'demo' }, booking: { demo: true, reminderIntervalMs: 0, now: () => clock, logger: false } });

  it.runIf(each.run)(`sends each of ${CROWD.toLocaleString('en')} reminders once, in one pass`, async () => {
    const providerId = await registerProvider(bed.api, ADMIN, { verifyUrl: bed.provider.url, secret: SECRET, name: 'Stadium' });
    const token = await signUp(bed.api, 'first-fan@example.com');
    const order = await bed.api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats: ['A1'], payment: { method: 'demo' } }, { token });
    expect(order.status, order.text).toBe(201);
    const first = order.body.tickets[0]!;

    const db = bed.booking.ctx.db;
    await copyTickets(db, { model: first.ticketId, last: CROWD, prefix: 'fan', ownCustomers: true });

    // The default lead: two hours before validity ends.
    clock = first.validUntil - 120 * 60 - 1;
    expect(await bed.booking.reminders.runDue()).toBe(0);
    clock += 1;
    let passing = true;
    const pass = bed.booking.reminders.runDue().finally(() => (passing = false));
    // The server answers meanwhile: on SQLite every statement completes on the server's thread,
    // and a pass that never let the event loop turn held the gates' scans until it ended.
    expect((await bed.api.get('/healthz')).status).toBe(200);
    expect(passing).toBe(true);
    expect(await pass).toBe(CROWD + 1);

    const { rows } = await sql<{ messages: number | string; tickets: number | string; customers: number | string }>`
      select count(*) as messages, count(distinct ticket_id) as tickets, count(distinct user_id) as customers from messages`.execute(db);
    expect([rows[0]!.messages, rows[0]!.tickets, rows[0]!.customers].map(Number)).toEqual([CROWD + 1, CROWD + 1, CROWD + 1]);
    const inbox = await bed.api.get<{ messages: { ticketId: string; title: string }[] }>('/api/v1/me/messages', { token });
    expect(inbox.body.messages).toEqual([expect.objectContaining({ ticketId: first.ticketId, title: expect.stringContaining('The Last Lighthouse') })]);

    clock += 600;
    expect(await bed.booking.reminders.runDue()).toBe(0);
  }, 180_000);
});

describe.each(BACKENDS)('a slow mail server and a second sender, on $backend', (each) => {
  let clock = Math.floor(Date.now() / 1000);
  const mailbox = new TestMailbox();
  beforeAll(() => mailbox.start());
  afterAll(() => mailbox.stop());
  const bed = bookingTestbed(each, {
    name: 'reminders-slow-mail',
    adminToken: ADMIN,
    provider: { secret: SECRET, kind: 'demo' },
    booking: { demo: true, reminderIntervalMs: 0, now: () => clock, logger: false, get smtpUrl() { return mailbox.url; } },
  });

  it.runIf(each.run)('hands each e-mail over once, though the first sender’s claims would lapse on the way', async () => {
    const providerId = await registerProvider(bed.api, ADMIN, { verifyUrl: bed.provider.url, secret: SECRET });
    const token = await signUp(bed.api, 'slow-mail@example.com');
    expect((await bed.api.call('PUT', '/api/v1/me/reminders', { body: { channels: ['email'], leadMinutes: 120 }, token })).status).toBe(200);
    const seats = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6'];
    const order = await bed.api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats, payment: { method: 'demo' } }, { token });
    expect(order.status, order.text).toBe(201);

    // A second booking process's sender on the same database. Each e-mail keeps the mail
    // server 50 s; the claims hold 120 s. While the first sender's third e-mail is with the
    // mail server, the second sender makes a whole pass.
    const second = new ReminderService(bed.booking.ctx.db, () => clock, quiet, { email: new EmailChannel(mailbox.url) });
    let secondPass: Promise<number> | undefined;
    mailbox.whileAccepting = async () => {
      clock += 50;
      if (mailbox.reminders.length === 3 && !secondPass) await (secondPass = second.runDue());
    };
    clock = order.body.tickets[0]!.validUntil - 120 * 60;
    const firstSent = await bed.booking.reminders.runDue();
    const secondSent = await secondPass;

    const ids = mailbox.reminders.map((m) => m.messageId);
    expect(ids.sort()).toEqual(order.body.tickets.map((t) => `<reminder-${t.ticketId}-email@gatepost>`).sort());
    expect(firstSent + secondSent!).toBe(seats.length);
    expect(secondSent).toBeGreaterThan(0);
  }, 60_000);
});

describe.each(BACKENDS)('tickets bought before the schedule was kept, on $backend', (each) => {
  let clock = Math.floor(Date.now() / 1000);
  const bed = bookingTestbed(each, { name: 'reminders-upgrade', adminToken: ADMIN, provider: { secret: SECRET, kind: 'demo' }, booking: { demo: true, reminderIntervalMs: 0, now: () => clock, logger: false } });

  it.runIf(each.run)('are reminded at their owners’ leads after the upgrade, and those reminded already are not again', async () => {
    const providerId = await registerProvider(bed.api, ADMIN, { verifyUrl: bed.provider.url, secret: SECRET });
    const buy = async (email: string, seat: string, leadMinutes?: number) => {
      const token = await signUp(bed.api, email);
      if (leadMinutes) expect((await bed.api.call('PUT', '/api/v1/me/reminders', { body: { channels: ['inapp'], leadMinutes }, token })).status).toBe(200);
      const order = await bed.api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats: [seat], payment: { method: 'demo' } }, { token });
      expect(order.status, order.text).toBe(201);
      return { token, validUntil: order.body.tickets[0]!.validUntil };
    };
    const reminded = await buy('reminded@example.com', 'C1', 7 * 24 * 60);
    expect(await bed.booking.reminders.runDue()).toBe(1);
    const byDefault = await buy('default@example.com', 'C2');
    const halfHour = await buy('half-hour@example.com', 'C3', 30);

    // The database as the version before left it, then started again: the upgrade fills the schedule in.
    const migrator = new Migrator({ db: bed.booking.ctx.db as Kysely<unknown>, provider: { getMigrations: async () => bookingMigrations(each.backend) } });
    expect((await migrator.migrateTo('020_owner_pages')).error).toBeUndefined();
    await bed.booking.close();
    bed.booking = await startTestBooking({ dataDir: join(bed.store.dir, 'booking'), databaseUrl: bed.store.databaseUrl, adminToken: ADMIN, demo: true, reminderIntervalMs: 0, now: () => clock, logger: false });
    bed.api = bookingClient(bed.booking.url);
    const inbox = async (token: string) => (await bed.api.get<{ messages: unknown[] }>('/api/v1/me/messages', { token })).body.messages.length;

    clock = byDefault.validUntil - 120 * 60;
    expect(await bed.booking.reminders.runDue()).toBe(1);
    expect(await inbox(byDefault.token)).toBe(1);
    clock = halfHour.validUntil - 30 * 60;
    expect(await bed.booking.reminders.runDue()).toBe(1);
    expect(await inbox(halfHour.token)).toBe(1);
    expect(await inbox(reminded.token)).toBe(1);
  }, 60_000);
});

describe('a stadium’s e-mail reminders', () => {
  let clock = Math.floor(Date.now() / 1000);
  const mailbox = new TestMailbox();
  beforeAll(() => mailbox.start());
  afterAll(() => mailbox.stop());
  const bed = bookingTestbed(BACKENDS[0]!, {
    name: 'reminders-mail-crowd',
    adminToken: ADMIN,
    provider: { secret: SECRET, kind: 'demo' },
    booking: { demo: true, reminderIntervalMs: 0, now: () => clock, logger: false, get smtpUrl() { return mailbox.url; } },
  });

  it('go out over a connection kept open, not one each', async () => {
    const providerId = await registerProvider(bed.api, ADMIN, { verifyUrl: bed.provider.url, secret: SECRET });
    const token = await signUp(bed.api, 'mail-fan@example.com');
    const order = await bed.api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats: ['D1'], payment: { method: 'demo' } }, { token });
    expect(order.status, order.text).toBe(201);
    await copyTickets(bed.booking.ctx.db, { model: order.body.tickets[0]!.ticketId, last: 299, prefix: 'fan', ownCustomers: true });
    const before = { mails: mailbox.reminders.length, connections: mailbox.connections };

    clock = order.body.tickets[0]!.validUntil - 120 * 60;
    expect(await bed.booking.reminders.runDue()).toBe(600); // each ticket: the inbox and an e-mail
    expect(mailbox.reminders.length - before.mails).toBe(300);
    expect(new Set(mailbox.reminders.map((m) => m.to[0])).size).toBe(300);
    // A kept connection carries up to 100 messages (nodemailer's pool), then a new one is opened.
    expect(mailbox.connections - before.connections).toBeLessThanOrEqual(300 / 100 + 1);
  }, 60_000);
});
