// Sends each reminder once: at its lead time before the ticket's validity
// ends, on every channel the customer chose. Due reminders are found from the
// tickets themselves, so nothing has to be scheduled when an order is issued
// or rescheduled when preferences change, and a restart sends what fell due
// while the server was down.
//
// Exactly once: the row (ticket, channel) is created by the sender that claims
// it — INSERT … ON CONFLICT DO NOTHING — so of two processes on one database
// only one sends. The inbox message and the "sent" mark share a transaction.
// For e-mail and SMS a crash between handing the message over and marking it
// sent is the one window left: the claim lapses and it is sent again, with
// the same Message-ID.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { OutboundChannel, Recipient } from './channels.js';
import type { BookingDB } from '../schema.js';
import { REMINDER_CHANNELS, type ReminderChannel, type ReminderLanguage } from './schema.js';
import { reminderText } from './text.js';
import { venueZone } from '../providers/venue-zone.js';

type DB = BookingDB;

export const DEFAULT_PREFS = { channels: ['inapp', 'email'] as ReminderChannel[], leadMinutes: 120, language: 'en' as ReminderLanguage };
/** the longest lead a customer may choose: a week */
export const MAX_LEAD_MINUTES = 7 * 24 * 60;

export interface ReminderOptions {
  email?: OutboundChannel;
  sms?: OutboundChannel;
  /** how long a claim holds before another process may take the reminder over */
  claimSeconds?: number;
  maxAttempts?: number;
}

interface Due {
  ticketId: string;
  userId: string;
  channel: ReminderChannel;
}

export class ReminderService {
  readonly processId = `rp_${randomBytes(8).toString('hex')}`;
  private running = false;
  /** called after every pass with the number sent (metrics) */
  onPass?: (sent: number) => void;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly now: () => number,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
    private readonly opts: ReminderOptions = {},
  ) {}

  /** Runs every `intervalMs` until the returned function is called. */
  start(intervalMs: number): () => void {
    const timer = setInterval(() => void this.tick(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** One pass, never overlapping itself; errors are logged, not thrown. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const sent = await this.runDue();
      this.onPass?.(sent);
      return sent;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'reminder pass failed');
      return 0;
    } finally {
      this.running = false;
    }
  }

  /** Sends every reminder due now; returns how many were sent. */
  async runDue(): Promise<number> {
    const now = this.now();
    let sent = 0;
    for (const due of [...(await this.claimNew(now)), ...(await this.claimRetries(now))]) {
      if (await this.send(due, now)) sent++;
    }
    return sent;
  }

  private async claimNew(now: number): Promise<Due[]> {
    // Only tickets that can be due under the longest lead anyone chose: with
    // every customer at the default, a pass reads the next two hours' tickets,
    // not the whole week's (a pass holds the gate relay's thread while it reads).
    const longest = await this.db
      .selectFrom('reminder_prefs')
      .select((eb) => eb.fn.max('lead_minutes').as('lead'))
      .executeTakeFirst();
    const horizon = Math.min(MAX_LEAD_MINUTES, Math.max(DEFAULT_PREFS.leadMinutes, Number(longest?.lead ?? 0))) * 60;
    const tickets = await this.db
      .selectFrom('tickets')
      .innerJoin('users', 'users.user_id', 'tickets.user_id')
      .leftJoin('reminder_prefs', 'reminder_prefs.user_id', 'tickets.user_id')
      .select(['tickets.ticket_id', 'tickets.user_id', 'tickets.valid_until', 'users.phone', 'reminder_prefs.channels', 'reminder_prefs.lead_minutes'])
      .where('tickets.revoked_at', 'is', null)
      .where('tickets.valid_until', '>', now)
      .where('tickets.valid_until', '<=', now + horizon)
      .execute();
    const wanted: Due[] = [];
    for (const t of tickets) {
      const lead = t.lead_minutes ?? DEFAULT_PREFS.leadMinutes;
      if (Number(t.valid_until) - lead * 60 > now) continue;
      for (const channel of t.channels ? (JSON.parse(t.channels) as ReminderChannel[]) : DEFAULT_PREFS.channels) {
        if (!this.canSend(channel, t.phone)) continue;
        wanted.push({ ticketId: t.ticket_id, userId: t.user_id, channel });
      }
    }
    if (wanted.length === 0) return [];
    const existing = await this.db
      .selectFrom('reminders')
      .select(['ticket_id', 'channel'])
      .where('ticket_id', 'in', [...new Set(wanted.map((w) => w.ticketId))])
      .execute();
    const known = new Set(existing.map((e) => `${e.ticket_id}|${e.channel}`));
    const claimed: Due[] = [];
    for (const w of wanted) {
      if (known.has(`${w.ticketId}|${w.channel}`)) continue;
      const won = await this.db
        .insertInto('reminders')
        .values({
          ticket_id: w.ticketId,
          channel: w.channel,
          user_id: w.userId,
          status: 'sending',
          claimed_by: this.processId,
          claimed_until: now + this.claimSeconds(),
          attempts: 1,
          next_attempt_at: null,
          last_error: null,
          sent_at: null,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['ticket_id', 'channel']).doNothing())
        .returning('ticket_id')
        .executeTakeFirst();
      if (won) claimed.push(w);
    }
    return claimed;
  }

  /** Reminders whose last try failed, or whose sender died holding the claim. */
  private async claimRetries(now: number): Promise<Due[]> {
    const rows = await this.db
      .selectFrom('reminders')
      .select(['ticket_id', 'user_id', 'channel', 'status', 'claimed_by'])
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'retry'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', now)]),
        ]),
      )
      .limit(100)
      .execute();
    const claimed: Due[] = [];
    for (const r of rows) {
      // A conditional write takes the claim: of two processes, one changes the row.
      const res = await this.db
        .updateTable('reminders')
        .set((eb) => ({ status: 'sending', claimed_by: this.processId, claimed_until: now + this.claimSeconds(), attempts: eb('attempts', '+', 1) }))
        .where('ticket_id', '=', r.ticket_id)
        .where('channel', '=', r.channel)
        .where('status', '=', r.status)
        .where('claimed_by', '=', r.claimed_by)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) claimed.push({ ticketId: r.ticket_id, userId: r.user_id, channel: r.channel });
    }
    return claimed;
  }

  private async send(due: Due, now: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('tickets')
      .innerJoin('users', 'users.user_id', 'tickets.user_id')
      .leftJoin('reminder_prefs', 'reminder_prefs.user_id', 'tickets.user_id')
      .leftJoin('providers', 'providers.provider_id', 'tickets.provider_id')
      .select(['title', 'venue', 'hall', 'seat_label', 'starts_at', 'valid_until', 'users.email', 'users.phone', 'reminder_prefs.language', 'providers.time_zone'])
      .where('tickets.ticket_id', '=', due.ticketId)
      .executeTakeFirstOrThrow();
    const text = reminderText(row, row.language ?? DEFAULT_PREFS.language, venueZone(row.time_zone));
    try {
      if (due.channel === 'inapp') {
        await this.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('messages')
            .values({ message_id: `msg_${randomBytes(12).toString('base64url')}`, user_id: due.userId, ticket_id: due.ticketId, title: text.subject, body: text.body, created_at: now, read_at: null })
            .execute();
          await this.markSent(trx, due, now);
        });
      } else {
        const recipient: Recipient = { email: row.email, phone: row.phone };
        await this.channel(due.channel)!.send(recipient, text, `${due.ticketId}-${due.channel}`);
        await this.markSent(this.db, due, now);
      }
      this.log.info({ ticketId: due.ticketId, channel: due.channel }, 'reminder sent');
      return true;
    } catch (err) {
      await this.markFailed(due, now, (err as Error).message);
      return false;
    }
  }

  private async markSent(db: Kysely<DB>, due: Due, now: number): Promise<void> {
    await db
      .updateTable('reminders')
      .set({ status: 'sent', sent_at: now, last_error: null })
      .where('ticket_id', '=', due.ticketId)
      .where('channel', '=', due.channel)
      .where('claimed_by', '=', this.processId)
      .execute();
  }

  private async markFailed(due: Due, now: number, reason: string): Promise<void> {
    const row = await this.db.selectFrom('reminders').select('attempts').where('ticket_id', '=', due.ticketId).where('channel', '=', due.channel).executeTakeFirst();
    const attempts = row?.attempts ?? 1;
    const giveUp = attempts >= (this.opts.maxAttempts ?? 5);
    await this.db
      .updateTable('reminders')
      .set({ status: giveUp ? 'failed' : 'retry', next_attempt_at: giveUp ? null : now + 60 * 2 ** attempts, last_error: reason.slice(0, 300) })
      .where('ticket_id', '=', due.ticketId)
      .where('channel', '=', due.channel)
      .where('claimed_by', '=', this.processId)
      .execute();
    this.log.warn({ ticketId: due.ticketId, channel: due.channel, attempts, giveUp, reason }, 'reminder not sent');
  }

  private canSend(channel: ReminderChannel, phone: string | null): boolean {
    if (!REMINDER_CHANNELS.includes(channel)) return false;
    if (channel === 'sms') return Boolean(this.opts.sms && phone);
    if (channel === 'email') return Boolean(this.opts.email);
    return true;
  }

  private channel(channel: ReminderChannel): OutboundChannel | undefined {
    return channel === 'email' ? this.opts.email : channel === 'sms' ? this.opts.sms : undefined;
  }

  private claimSeconds(): number {
    return this.opts.claimSeconds ?? 120;
  }
}
