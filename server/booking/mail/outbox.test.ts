// E-mails the booking server owes its customers, through a real SMTP server
// (smtp-server, in this process): an order's tickets with one PNG each, whose
// QR an independent decoder (zbarimg) reads back as the ticket's payload; a
// refund notice after a cancellation; a message the mail server refuses at
// first is sent once it takes it, exactly once. A real verification server
// process, the booking server in this process with a clock the test moves.
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../../protocol/booking-api.js';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { testStorage, type TestStorage } from '../../common/testing/storage.js';
import { TestMailbox } from '../reminders/testing/mailbox.js';
import type { RunningBooking } from '../server.js';
import { hasZbarimg, zbarDecodePng } from '../tickets/image/testing/decoders.js';
import { bookingClient, type BookingClient } from '../testing/http.js';
import { registerProvider, signUp, startTestBooking } from '../testing/setup.js';

const ADMIN = 'outbox-admin-token-0123456789abcdef';
const SECRET = 'outbox-provider-secret-0123456789';
const zbar = hasZbarimg();
if (!zbar && process.env.CI === 'true') throw new Error('zbarimg is missing: apt-get install zbar-tools');

describe('e-mails to customers', () => {
  let store: TestStorage;
  let provider: RunningCommand;
  let booking: RunningBooking;
  let api: BookingClient;
  let providerId: string;
  let token: string;
  const mailbox = new TestMailbox();
  let clock = Math.floor(Date.now() / 1000);
  const parsed = async (i: number): Promise<ParsedMail> => simpleParser(mailbox.mails[i]!.raw);

  beforeAll(async () => {
    store = await testStorage('sqlite', 'outbox');
    await mailbox.start();
    provider = await startGatepost(['provider', '--port', '0', '--data', join(store.dir, 'provider'), '--booking-secret', SECRET, '--demo'], { DATABASE_URL: '' });
    booking = await startTestBooking({ dataDir: join(store.dir, 'booking'), adminToken: ADMIN, demo: true, smtpUrl: mailbox.url, now: () => clock, reminderIntervalMs: 100 });
    api = bookingClient(booking.url);
    providerId = await registerProvider(api, ADMIN, { name: 'Riverside Cinema', verifyUrl: provider.url, secret: SECRET });
    token = await signUp(api, 'moviegoer@example.com');
  }, 180_000);
  afterAll(async () => {
    await booking?.close();
    await provider?.stop();
    await mailbox.stop();
    await store?.remove();
  });

  it('sends the order’s tickets, one PNG each, whose QR reads back as the ticket', async () => {
    const res = await api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-2', seats: ['C3', 'C4'], payment: { method: 'demo' } }, { token });
    expect(res.status, res.text).toBe(201);
    await mailbox.waitFor(1);
    const mail = await parsed(0);
    expect(mailbox.mails[0]!.to).toEqual(['moviegoer@example.com']);
    expect(mail.subject).toBe('Your tickets: 星河彼岸 Across the Star River');
    expect(mail.text).toContain('Seat C3: valid from');
    expect(mail.text).toContain(res.body.orderId);
    const pngs = mail.attachments.filter((a) => a.contentType === 'image/png');
    expect(pngs.map((a) => a.filename).sort()).toEqual(res.body.tickets.map((t) => `ticket-${t.seat}-${t.ticketId}.png`).sort());
    if (zbar) {
      const read = pngs.map((a) => zbarDecodePng(a.content)).sort();
      expect(read).toEqual(res.body.tickets.map((t) => t.payload).sort());
    } else console.warn('zbarimg missing (apt-get install zbar-tools): the attached QR codes were not decoded');
    // The same order asked again (a retried request) owes no second mail.
    const again = await api.get<Order>(`/api/v1/orders/${res.body.orderId}`, { token });
    expect(again.status).toBe(200);
    expect(mailbox.mails).toHaveLength(1);
  });

  it('tells the owner of a refund, and a mail the server refused at first arrives once, later', async () => {
    const ordered = await api.post<Order>('/api/v1/orders', { providerId, showId: 'demo-3', seats: ['D1'], payment: { method: 'demo' } }, { token });
    expect(ordered.status, ordered.text).toBe(201);
    await mailbox.waitFor(2);

    mailbox.refuseNext = 1;
    const refusedOnce = new Promise((resolve) => mailbox.once('refused', resolve));
    const cancelled = await api.post(`/api/v1/tickets/${ordered.body.tickets[0]!.ticketId}/cancel`, undefined, { token });
    expect(cancelled.status, cancelled.text).toBe(200);
    await refusedOnce;
    expect(mailbox.mails).toHaveLength(2);
    // The retry waits 30 s: time passes (the clock moves on each look) until the next pass sends it.
    await expect
      .poll(() => {
        clock += 31;
        return mailbox.mails.length;
      }, { timeout: 20_000, interval: 200 })
      .toBe(3);
    const mail = await parsed(2);
    expect(mail.subject).toBe('Refunded: Midnight Orchestra');
    expect(mail.text).toMatch(/You cancelled this ticket\.[\s\S]*¥45\.00|CN¥45\.00/);
    clock += 3600;
    await new Promise((r) => setTimeout(r, 300)); // two more passes of the 100 ms timer: nothing more is owed
    expect(mailbox.mails).toHaveLength(3);
    expect(mailbox.refused).toBe(1);
  });
});
