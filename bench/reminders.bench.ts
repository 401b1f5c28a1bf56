// The reminder sender beside a platform's tickets (benchmark, not a test): a
// booking server in this process, its clock set here, on SQLite and on
// PostgreSQL. The baseline is a pass with no tickets ahead; then passes every
// 15 s of the clock (the sender's interval) with 10⁴, 10⁵ and 10⁶ tickets
// spread over the coming week — one customer having chosen a week's lead, as
// any customer may — and a stadium's 40,000 tickets falling due at once.
// Every pass runs on the thread that relays the gates' scans: what a gate
// feels is the longest the event loop was held during the passes.
// Then MAILS tickets due at once with e-mail too, to a real SMTP server on
// loopback (smtp-server): their rate, and the connections they opened.
// Usage: npm run bench:reminders [-- --only sqlite|postgres --passes 20 --sizes 10000,100000,1000000 --stadium 40000 --mails 3000]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Order } from '../protocol/booking-api.js';
import { testStorage, type Backend } from '../server/common/testing/storage.js';
import { postgresAvailable } from '../server/common/testing/postgres.js';
import { FAKE_SHOW, startFakeProvider } from '../server/booking/testing/fake-provider.js';
import { bookingClient } from '../server/booking/testing/http.js';
import { registerProvider, signUp, startTestBooking } from '../server/booking/testing/setup.js';
import { copyTickets } from '../server/booking/testing/ticket-copies.js';
import { EmailChannel } from '../server/booking/reminders/channels.js';
import { ReminderService } from '../server/booking/reminders/reminder-service.js';
import { TestMailbox } from '../server/booking/reminders/testing/mailbox.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    passes: { type: 'string', default: '20' },
    sizes: { type: 'string', default: '10000,100000,1000000' },
    stadium: { type: 'string', default: '40000' },
    mails: { type: 'string', default: '3000' },
  },
});
const PASSES = Number(values.passes);
const SIZES = values.sizes.split(',').map(Number);
const STADIUM = Number(values.stadium);
const MAILS = Number(values.mails);
const ADMIN = 'bench-reminders-admin-0123456789';
const SECRET = 'bench-reminders-secret-0123456789';
/** the longest event-loop stall at 10⁶ tickets ahead and during the stadium's pass (ms): a scan relayed meanwhile waits at most that, against the station's 2 s */
const TARGET_STALL_MS = 100;

/** A turn of the timers: a stall is seen when the loop comes back to them. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 5));

/** The longest gap between two turns of a 1 ms timer while it runs: how long the event loop was held. */
function stallWatch(): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      return longest;
    },
  };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

interface Passes {
  medianMs: number;
  maxMs: number;
  sent: number;
  stallMs: number;
}

async function runEngine(backend: Backend): Promise<void> {
  const store = await testStorage(backend, 'bench-reminders');
  const fake = await startFakeProvider(SECRET);
  let clock = Math.floor(Date.now() / 1000);
  const booking = await startTestBooking({ dataDir: join(store.dir, 'booking'), databaseUrl: store.databaseUrl, adminToken: ADMIN, demo: true, reminderIntervalMs: 0, now: () => clock, logger: false });
  try {
    const api = bookingClient(booking.url);
    const providerId = await registerProvider(api, ADMIN, { verifyUrl: fake.url, secret: SECRET });
    const token = await signUp(api, 'fan@example.com');
    const order = await api.post<Order>('/api/v1/orders', { providerId, showId: FAKE_SHOW.showId, seats: ['A1'], payment: { method: 'demo' } }, { token });
    if (order.status !== 201) throw new Error(`order: ${order.status} ${order.text}`);
    const model = order.body.tickets[0]!.ticketId;
    // One customer's week-long lead: the longest a pass ever had to look ahead for.
    const weekly = await signUp(api, 'weekly@example.com');
    await api.call('PUT', '/api/v1/me/reminders', { body: { channels: ['inapp'], leadMinutes: 7 * 24 * 60 }, token: weekly });
    const db = booking.ctx.db;

    /** Tickets `from`..`to` copied from the model, each reminded 2 h before its validity ends (the default lead). */
    const grow = async (prefix: string, from: number, to: number, validUntil: (i: string) => string) => {
      for (let start = from; start < to; start += 100_000) {
        await copyTickets(db, { model, first: start + 1, last: Math.min(start + 100_000, to), prefix, validUntil, remindAt: (until) => `${until} - 7200` });
      }
    };
    const week = 7 * 86_400;
    const base = clock;
    await sql`update tickets set remind_at = null where ticket_id = ${model}`.execute(db);

    const passes = async (): Promise<Passes> => {
      const ms: number[] = [];
      let sent = 0;
      const watch = stallWatch();
      for (let k = 0; k < PASSES; k++) {
        clock += 15;
        const t0 = performance.now();
        sent += await booking.reminders.runDue();
        ms.push(performance.now() - t0);
        // Passes are 15 s apart in the server: the loop's turn between them is not a pass's stall.
        await settled();
      }
      return { medianMs: median(ms), maxMs: Math.max(...ms), sent, stallMs: watch.stop() };
    };

    const rows: string[] = [];
    const line = (label: string, p: Passes, baseline?: Passes) =>
      rows.push(
        `${label.padEnd(30)} ${p.medianMs.toFixed(1).padStart(9)} ${p.maxMs.toFixed(1).padStart(9)} ${p.stallMs.toFixed(1).padStart(12)} ${String(p.sent).padStart(6)}   ${baseline ? `×${(p.medianMs / baseline.medianMs).toFixed(1)}` : '—'}`,
      );
    const baseline = await passes();
    line('no tickets ahead (baseline)', baseline);
    let grown = 0;
    let last = baseline;
    for (const size of SIZES) {
      const t0 = Date.now();
      // Spread from 3 h ahead of now over the week; ~2 tickets a second reach their reminder time.
      await grow('t_ahead_', grown, size, (i) => `${clock} + 10800 + ((${i} * 577) % ${week - 10800})`);
      grown = size;
      process.stderr.write(`${backend}: ${size.toLocaleString('en')} tickets ahead (filled in ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
      last = await passes();
      line(`${size.toLocaleString('en')} tickets ahead`, last, baseline);
    }

    // A stadium: STADIUM tickets of one show, all due at the next pass.
    clock += 15;
    await grow('t_stadium_', 0, STADIUM, () => `${clock} + 7200`);
    const watch = stallWatch();
    const t0 = performance.now();
    const sent = await booking.reminders.runDue();
    const stadiumMs = performance.now() - t0;
    await settled();
    const stadium = { medianMs: stadiumMs, maxMs: stadiumMs, sent, stallMs: watch.stop() };
    line(`stadium: ${STADIUM.toLocaleString('en')} due at once`, stadium);

    // E-mail: a sender on the same database with an SMTP server; each ticket gets its inbox message and an e-mail.
    const mailbox = new TestMailbox();
    await mailbox.start();
    const email = new EmailChannel(mailbox.url);
    const mailer = new ReminderService(db, () => clock, { info: () => undefined, warn: () => undefined }, { email });
    clock += 15;
    await grow('t_mail_', 0, MAILS, () => `${clock} + 7200`);
    const m0 = performance.now();
    const mailed = await mailer.runDue();
    const mailMs = performance.now() - m0;
    email.close();
    await mailbox.stop();

    process.stdout.write(`\n${backend} (booking server in this process; ${PASSES} passes, 15 s of the clock apart; the clock started at ${base})\n`);
    process.stdout.write(`${'run'.padEnd(30)} ${'median ms'.padStart(9)} ${'max ms'.padStart(9)} ${'longest stall'.padStart(12)} ${'sent'.padStart(6)}   vs baseline\n`);
    for (const r of rows) process.stdout.write(`${r}\n`);
    const worst = Math.max(last.stallMs, stadium.stallMs);
    process.stdout.write(
      `e-mail: ${MAILS.toLocaleString('en')} tickets due at once, ${mailed.toLocaleString('en')} reminders (inbox and e-mail) in ${(mailMs / 1000).toFixed(1)} s, ` +
        `${(mailMs / mailbox.reminders.length).toFixed(2)} ms an e-mail, over ${mailbox.connections} SMTP connections\n`,
    );
    process.stdout.write(
      `stadium: ${sent.toLocaleString('en')} reminders in ${(stadiumMs / 1000).toFixed(1)} s (${Math.round(sent / (stadiumMs / 1000)).toLocaleString('en')}/s)\n` +
        `target: the longest event-loop stall at ${SIZES.at(-1)!.toLocaleString('en')} tickets ahead and in the stadium's pass ≤ ${TARGET_STALL_MS} ms — ${worst.toFixed(1)} ms: ${worst <= TARGET_STALL_MS ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    await booking.close();
    await fake.close();
    await store.remove();
  }
}

process.stdout.write(`Reminder passes (node ${process.version})\n`);
if (values.only !== 'postgres') await runEngine('sqlite');
if (values.only !== 'sqlite') {
  if (await postgresAvailable()) await runEngine('postgres');
  else process.stdout.write('\npostgres: not reachable on 127.0.0.1:5432, skipped\n');
}
