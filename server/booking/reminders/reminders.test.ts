// Reminders before a ticket's validity ends: at the lead time and not before,
// one e-mail (through a real SMTP server) and one inbox message per ticket,
// after a restart too, and never twice — even from two booking processes on
// one PostgreSQL database.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../common/testing/postgres.js';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { startBooking, type RunningBooking } from '../server.js';
import { bookingClient } from '../testing/http.js';
import { isReminder, TestMailbox } from './testing/mailbox.js';

const ADMIN = 'admin-token-for-reminders-0123';
const SECRET = 'reminder-provider-secret-012345';
const pgUp = await postgresAvailable();

let provider: RunningCommand;
let mailbox: TestMailbox;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gp-remind-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  mailbox = new TestMailbox();
  await mailbox.start();
  provider = await startGatepost(['provider', '--port', '0', '--data', tempDir(), '--booking-secret', SECRET, '--demo'], { DATABASE_URL: '' });
});
afterAll(async () => {
  await provider?.stop();
  await mailbox?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Registers the provider, signs a customer up and buys `seats` of the show open now. */
async function customerWithTickets(url: string, email: string, seats: string[], prefs?: object) {
  const api = bookingClient(url);
  const providers = await api.get<{ providers: { providerId: string; name: string }[] }>('/api/v1/providers');
  let providerId = providers.body.providers.find((p) => p.name === 'Demo Cinema')?.providerId;
  if (!providerId) {
    const reg = await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Demo Cinema', verifyUrl: provider.url, secret: SECRET }, { token: ADMIN });
    providerId = reg.body.providerId;
  }
  const user = await api.post<{ token: string }>('/api/v1/users', { email, password: 'reminder password 1' });
  expect(user.status, user.text).toBe(201);
  if (prefs) expect((await api.call('PUT', '/api/v1/me/reminders', { body: prefs, token: user.body.token })).status).toBe(200);
  const order = await api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats, payment: { method: 'demo' } }, { token: user.body.token });
  expect(order.status, order.text).toBe(201);
  return { api, token: user.body.token, tickets: order.body.tickets, orderId: order.body.orderId };
}

describe('reminders at the lead time, with a controllable clock', () => {
  let clock = Math.floor(Date.now() / 1000);
  let booking: RunningBooking;
  const dataDir = tempDir();
  const start = async () => {
    booking = await startBooking({ port: 0, dataDir, adminToken: ADMIN, demo: true, smtpUrl: mailbox.url, reminderIntervalMs: 0, now: () => clock, logger: false });
  };
  beforeAll(start);
  afterAll(() => booking?.close());

  it('sends one e-mail and one inbox message per ticket at the lead time, after a restart, and never again', async () => {
    const before = mailbox.reminders.length;
    const { token, tickets, orderId } = await customerWithTickets(booking.url, 'lead@example.com', ['D1', 'D2']);
    const due = tickets[0]!.validUntil - 120 * 60; // the default lead: two hours before validity ends
    // (a restarted server listens on a new port: ask the one running now)
    const inbox = async () => (await bookingClient(booking.url).get<{ messages: { ticketId: string; orderId: string | null; body: string }[] }>('/api/v1/me/messages', { token })).body.messages;

    expect(await booking.reminders.runDue()).toBe(0);
    clock = due - 1;
    expect(await booking.reminders.runDue()).toBe(0);
    expect(await inbox()).toEqual([]);

    // The server is down when the reminders fall due; they go out when it is back.
    await booking.close();
    clock = due;
    await start();
    expect(await booking.reminders.runDue()).toBe(4); // 2 tickets × (e-mail + inbox)
    await mailbox.waitFor(before + 2, undefined, isReminder);
    const mails = mailbox.reminders.slice(before);
    expect(mails.map((m) => m.to)).toEqual([['lead@example.com'], ['lead@example.com']]);
    expect(mails[0]!.subject).toContain('The Last Lighthouse');
    const messages = await inbox();
    expect(messages.map((m) => m.ticketId).sort()).toEqual(tickets.map((t) => t.ticketId).sort());
    // Each links to its order, however old the order is.
    expect(messages.map((m) => m.orderId)).toEqual([orderId, orderId]);
    expect(messages[0]!.body).toMatch(/valid until/);

    clock = due + 600;
    expect(await booking.reminders.runDue()).toBe(0);
    await booking.close();
    await start();
    expect(await booking.reminders.runDue()).toBe(0);
    expect(mailbox.reminders.length).toBe(before + 2);
    expect(await inbox()).toHaveLength(2);
  });

  it('follows each customer’s channels, lead time and language', async () => {
    const before = mailbox.reminders.length;
    const { api, token, tickets } = await customerWithTickets(booking.url, 'zh@example.com', ['E1'], { channels: ['inapp'], leadMinutes: 30, language: 'zh-CN' });
    clock = tickets[0]!.validUntil - 31 * 60;
    expect(await booking.reminders.runDue()).toBe(0);
    clock = tickets[0]!.validUntil - 30 * 60;
    expect(await booking.reminders.runDue()).toBe(1);
    const messages = (await api.get<{ messages: { title: string; body: string }[] }>('/api/v1/me/messages', { token })).body.messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]!.title).toContain('观影提醒');
    expect(messages[0]!.body).toContain('有效期至');
    expect(mailbox.reminders.length).toBe(before); // no e-mail: not chosen
    const bad = await api.call('PUT', '/api/v1/me/reminders', { body: { channels: ['pigeon'], leadMinutes: 1 }, token });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'bad_request' });
  });

  it('sends none for a ticket revoked before its reminder fell due', async () => {
    const { api, token, tickets } = await customerWithTickets(booking.url, 'revoked@example.com', ['E7', 'E8'], { channels: ['inapp'], leadMinutes: 45 });
    const revoked = await api.post(`/api/v1/admin/tickets/${tickets[0]!.ticketId}/revoke`, {}, { token: ADMIN });
    expect(revoked.status, revoked.text).toBe(200);
    clock = tickets[0]!.validUntil - 45 * 60;
    expect(await booking.reminders.runDue()).toBe(1);
    const messages = (await api.get<{ messages: { ticketId: string }[] }>('/api/v1/me/messages', { token })).body.messages;
    expect(messages.map((m) => m.ticketId)).toEqual([tickets[1]!.ticketId]);
  });

  it('moves the reminders not sent yet when the customer changes the lead after buying', async () => {
    const { api, token, tickets } = await customerWithTickets(booking.url, 'later@example.com', ['E5']);
    const [earlier] = (await customerWithTickets(booking.url, 'earlier@example.com', ['E6'])).tickets;
    const inbox = async () => (await api.get<{ messages: unknown[] }>('/api/v1/me/messages', { token })).body.messages;
    expect((await api.call('PUT', '/api/v1/me/reminders', { body: { channels: ['inapp'], leadMinutes: 30 }, token })).status).toBe(200);
    // The default two hours: the other customer's reminder only.
    clock = tickets[0]!.validUntil - 120 * 60;
    const sentAtTwoHours = await booking.reminders.runDue();
    expect(sentAtTwoHours).toBeGreaterThan(0);
    expect(await inbox()).toEqual([]);
    clock = tickets[0]!.validUntil - 30 * 60;
    expect(await booking.reminders.runDue()).toBe(1);
    expect(await inbox()).toHaveLength(1);
    // Sent stays sent: a longer lead now sends nothing again.
    expect((await api.call('PUT', '/api/v1/me/reminders', { body: { channels: ['inapp'], leadMinutes: 60 }, token })).status).toBe(200);
    expect(await booking.reminders.runDue()).toBe(0);
    expect(earlier!.validUntil).toBe(tickets[0]!.validUntil);
  });
});

describe('SMS through the webhook adapter', () => {
  it('POSTs the reminder as JSON to the configured URL, for customers with a phone number', async () => {
    const received: { to: string; text: string; id: string }[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push(JSON.parse(body) as { to: string; text: string; id: string });
        res.writeHead(204).end();
      });
    });
    hook.listen(0, '127.0.0.1');
    await once(hook, 'listening');
    let clock = Math.floor(Date.now() / 1000);
    const booking = await startBooking({
      port: 0,
      dataDir: tempDir(),
      adminToken: ADMIN,
      demo: true,
      smsWebhookUrl: `http://127.0.0.1:${(hook.address() as { port: number }).port}/sms`,
      reminderIntervalMs: 0,
      now: () => clock,
      logger: false,
    });
    try {
      const api = bookingClient(booking.url);
      const reg = await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Demo Cinema', verifyUrl: provider.url, secret: SECRET }, { token: ADMIN });
      const user = await api.post<{ token: string }>('/api/v1/users', { email: 'sms@example.com', password: 'reminder password 1', phone: '+86 138 0000 0000' });
      await api.call('PUT', '/api/v1/me/reminders', { body: { channels: ['sms'], leadMinutes: 60 }, token: user.body.token });
      const order = await api.post<Order>('/api/v1/orders', { providerId: reg.body.providerId, showId: 'demo-1', seats: ['G9'], payment: { method: 'demo' } }, { token: user.body.token });
      clock = order.body.tickets[0]!.validUntil - 3600;
      expect(await booking.reminders.runDue()).toBe(1);
      expect(received).toEqual([{ to: '+86 138 0000 0000', text: expect.stringContaining('The Last Lighthouse'), id: expect.any(String) }]);
      expect(await booking.reminders.runDue()).toBe(0);
    } finally {
      await booking.close();
      hook.close();
    }
  });
});

describe.runIf(pgUp)('two booking processes on one PostgreSQL', () => {
  let pgdb: TestDatabase;
  const processes: RunningCommand[] = [];
  beforeAll(async () => {
    pgdb = await createTestDatabase();
    const env = { DATABASE_URL: pgdb.url, SMTP_URL: mailbox.url, GATEPOST_REMINDER_INTERVAL_MS: '50' };
    // One after the other: the first runs the migrations.
    processes.push(await startGatepost(['booking', '--port', '0', '--data', tempDir(), '--admin-token', ADMIN, '--demo'], env));
    processes.push(await startGatepost(['booking', '--port', '0', '--data', tempDir(), '--admin-token', ADMIN, '--demo'], env));
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await pgdb?.drop();
  });

  const metric = async (url: string, name: string) => {
    const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
    return Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2] ?? 0);
  };

  it('sends each reminder once', async () => {
    const before = mailbox.reminders.length;
    // A lead of a week: the reminders are due the moment the tickets exist, and both senders race for them.
    const { api, token } = await customerWithTickets(processes[0]!.url, 'race@example.com', ['F1', 'F2', 'F3'], { channels: ['inapp', 'email'], leadMinutes: 7 * 24 * 60 });
    await mailbox.waitFor(before + 3, undefined, isReminder);
    // Let both senders make several more passes after the last e-mail before counting.
    const passes = await Promise.all(processes.map((p) => metric(p.url, 'gatepost_reminder_passes_total')));
    for (const [i, p] of processes.entries()) {
      await expect.poll(() => metric(p.url, 'gatepost_reminder_passes_total'), { timeout: 10_000, interval: 50 }).toBeGreaterThan(passes[i]! + 5);
    }
    expect(mailbox.reminders.length - before).toBe(3);
    const inbox = await api.get<{ messages: unknown[] }>('/api/v1/me/messages', { token });
    expect(inbox.body.messages).toHaveLength(3);
    const sent = await Promise.all(processes.map((p) => metric(p.url, 'gatepost_reminders_sent_total')));
    expect(sent[0]! + sent[1]!).toBe(6);
  });
});
