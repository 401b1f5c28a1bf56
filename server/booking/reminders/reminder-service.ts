// Sends each reminder once: at its lead time before the ticket's validity
// ends, on every channel the customer chose. Each ticket carries when its
// reminder falls due (`remind_at`, schedule.ts), so a pass reads the tickets
// due and no others, and a restart sends what fell due while the server was
// down.
//
// A stadium's tickets fall due together: a pass takes them a page at a time —
// one read, one write that claims the page, then its sending — so no statement
// grows with the crowd and every claim is fresh when its message goes out.
//
// Exactly once: the row (ticket, channel) is created by the sender that claims
// it — INSERT … ON CONFLICT DO NOTHING — so of two processes on one database
// only one sends. The inbox message and the "sent" mark share a transaction.
// A claim that has run long is renewed before each e-mail or SMS, and a claim
// another process has taken over is not sent. For e-mail and SMS a crash
// between handing the message over and marking it sent is the one window
// left: the claim lapses and it is sent again, with the same Message-ID.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { OutboundChannel, Recipient, ReminderText } from './channels.js';
import type { BookingDB } from '../schema.js';
import { DEFAULT_LEAD_MINUTES, REMINDER_CHANNELS, type ReminderChannel, type ReminderLanguage } from './schema.js';
import { reminderText } from './text.js';
import { venueZone } from '../providers/venue-zone.js';
import { heavyWork } from '../../common/turn-queue.js';

type DB = BookingDB;

export const DEFAULT_PREFS = { channels: ['inapp', 'email'] as ReminderChannel[], leadMinutes: DEFAULT_LEAD_MINUTES, language: 'en' as ReminderLanguage };
/** the longest lead a customer may choose: a week */
export const MAX_LEAD_MINUTES = 7 * 24 * 60;
/** tickets read and claimed at once: a few thousand parameters, and on SQLite a few tens of ms of the event loop */
const PAGE = 250;

export interface ReminderOptions {
  email?: OutboundChannel;
  sms?: OutboundChannel;
  /** how long a claim holds before another process may take the reminder over */
  claimSeconds?: number;
  maxAttempts?: number;
}

/** A reminder's words and where they go. */
interface Outgoing {
  text: ReminderText;
  to: Recipient;
}

interface Due {
  ticketId: string;
  userId: string;
  channel: ReminderChannel;
  /** until when this process's claim holds */
  until: number;
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
    let sent = 0;
    for (;;) {
      // On SQLite every statement completes synchronously: without a turn of the event loop
      // between claiming and sending, and between pages, a stadium's pass would hold the
      // gates' scans until its last page. The process's one queue of heavy work: a turn
      // never runs a page of this pass and another heavy piece (a catalogue's) back to back.
      const { claimed, full } = await this.claimPage(this.now());
      await heavyWork.next();
      sent += await this.sendAll(claimed);
      if (!full) break;
      await heavyWork.next();
    }
    return sent + (await this.sendAll(await this.claimRetries(this.now())));
  }

  /**
   * The next page of tickets due: their reminders claimed, and the tickets unscheduled in the
   * same write. `full` when the page was full, so more may be due.
   */
  private async claimPage(now: number): Promise<{ claimed: Due[]; full: boolean }> {
    const tickets = await this.db
      .selectFrom('tickets')
      .innerJoin('users', 'users.user_id', 'tickets.user_id')
      .leftJoin('reminder_prefs', 'reminder_prefs.user_id', 'tickets.user_id')
      .select(['tickets.ticket_id', 'tickets.user_id', 'tickets.valid_until', 'tickets.revoked_at', 'users.phone', 'reminder_prefs.channels'])
      .where('tickets.remind_at', '<=', now)
      .orderBy('tickets.remind_at')
      .limit(PAGE)
      .execute();
    if (tickets.length === 0) return { claimed: [], full: false };
    const until = now + this.claimSeconds();
    const wanted: Due[] = [];
    // A revoked ticket, or one whose validity ended before its reminder went out, is not reminded.
    for (const t of tickets) {
      if (t.revoked_at !== null || Number(t.valid_until) <= now) continue;
      for (const channel of t.channels ? (JSON.parse(t.channels) as ReminderChannel[]) : DEFAULT_PREFS.channels) {
        if (this.canSend(channel, t.phone)) wanted.push({ ticketId: t.ticket_id, userId: t.user_id, channel, until });
      }
    }
    const won = await this.db.transaction().execute(async (trx) => {
      const rows =
        wanted.length === 0
          ? []
          : await trx
              .insertInto('reminders')
              .values(
                wanted.map((w) => ({
                  ticket_id: w.ticketId,
                  channel: w.channel,
                  user_id: w.userId,
                  status: 'sending' as const,
                  claimed_by: this.processId,
                  claimed_until: until,
                  attempts: 1,
                  next_attempt_at: null,
                  last_error: null,
                  sent_at: null,
                  created_at: now,
                })),
              )
              .onConflict((oc) => oc.columns(['ticket_id', 'channel']).doNothing())
              .returning(['ticket_id', 'channel'])
              .execute();
      await trx
        .updateTable('tickets')
        .set({ remind_at: null })
        .where('ticket_id', 'in', tickets.map((t) => t.ticket_id))
        .execute();
      return new Set(rows.map((r) => `${r.ticket_id}|${r.channel}`));
    });
    return { claimed: wanted.filter((w) => won.has(`${w.ticketId}|${w.channel}`)), full: tickets.length === PAGE };
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
    const until = now + this.claimSeconds();
    for (const r of rows) {
      // A conditional write takes the claim: of two processes, one changes the row.
      const res = await this.db
        .updateTable('reminders')
        .set((eb) => ({ status: 'sending', claimed_by: this.processId, claimed_until: until, attempts: eb('attempts', '+', 1) }))
        .where('ticket_id', '=', r.ticket_id)
        .where('channel', '=', r.channel)
        .where('status', '=', r.status)
        .where('claimed_by', '=', r.claimed_by)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) claimed.push({ ticketId: r.ticket_id, userId: r.user_id, channel: r.channel, until });
    }
    return claimed;
  }

  /** Sends `claimed`: the inbox messages in one write, then each e-mail and SMS; how many went out. */
  private async sendAll(claimed: Due[]): Promise<number> {
    if (claimed.length === 0) return 0;
    const texts = await this.texts([...new Set(claimed.map((d) => d.ticketId))]);
    const inbox = claimed.filter((d) => d.channel === 'inapp');
    let sent = await this.sendInbox(inbox, texts);
    for (const due of claimed) if (due.channel !== 'inapp' && (await this.sendOut(due, texts.get(due.ticketId)!))) sent++;
    return sent;
  }

  /** Each ticket's reminder text and recipient, in its owner's language and its venue's zone. */
  private async texts(ticketIds: string[]): Promise<Map<string, Outgoing>> {
    const rows = await this.db
      .selectFrom('tickets')
      .innerJoin('users', 'users.user_id', 'tickets.user_id')
      .leftJoin('reminder_prefs', 'reminder_prefs.user_id', 'tickets.user_id')
      .leftJoin('providers', 'providers.provider_id', 'tickets.provider_id')
      .select(['ticket_id', 'title', 'venue', 'hall', 'seat_label', 'starts_at', 'valid_until', 'users.email', 'users.phone', 'reminder_prefs.language', 'providers.time_zone'])
      .where('tickets.ticket_id', 'in', ticketIds)
      .execute();
    return new Map(
      rows.map((row) => [row.ticket_id, { text: reminderText(row, row.language ?? DEFAULT_PREFS.language, venueZone(row.time_zone)), to: { email: row.email, phone: row.phone } }]),
    );
  }

  /** The inbox messages of the claims still held, written with their "sent" marks in one transaction. */
  private async sendInbox(claimed: Due[], texts: Map<string, Outgoing>): Promise<number> {
    if (claimed.length === 0) return 0;
    const now = this.now();
    const held = await this.db.transaction().execute(async (trx) => {
      const marked = await trx
        .updateTable('reminders')
        .set({ status: 'sent', sent_at: now, last_error: null })
        .where('channel', '=', 'inapp')
        .where('ticket_id', 'in', claimed.map((d) => d.ticketId))
        .where('claimed_by', '=', this.processId)
        .where('status', '=', 'sending')
        .returning('ticket_id')
        .execute();
      const ours = new Set(marked.map((r) => r.ticket_id));
      const messages = claimed
        .filter((d) => ours.has(d.ticketId))
        .map((d) => {
          const { text } = texts.get(d.ticketId)!;
          return { message_id: `msg_${randomBytes(12).toString('base64url')}`, user_id: d.userId, ticket_id: d.ticketId, title: text.subject, body: text.body, created_at: now, read_at: null };
        });
      if (messages.length > 0) await trx.insertInto('messages').values(messages).execute();
      return messages.length;
    });
    if (held > 0) this.log.info({ reminders: held, channel: 'inapp' }, 'reminders sent');
    return held;
  }

  /** One e-mail or SMS, if this process still holds its claim; false when not sent. */
  private async sendOut(due: Due, { text, to }: Outgoing): Promise<boolean> {
    // A long page (a slow mail server) renews its claims before they can lapse and be taken over.
    if (this.now() >= due.until - this.claimSeconds() / 2 && !(await this.renew(due))) return false;
    try {
      await this.channel(due.channel)!.send(to, text, `${due.ticketId}-${due.channel}`);
      await this.markSent(due, this.now());
      this.log.info({ ticketId: due.ticketId, channel: due.channel }, 'reminder sent');
      return true;
    } catch (err) {
      await this.markFailed(due, this.now(), (err as Error).message);
      return false;
    }
  }

  /** Extends this process's claim; false when another process has taken the reminder over. */
  private async renew(due: Due): Promise<boolean> {
    const until = this.now() + this.claimSeconds();
    const res = await this.db
      .updateTable('reminders')
      .set({ claimed_until: until })
      .where('ticket_id', '=', due.ticketId)
      .where('channel', '=', due.channel)
      .where('claimed_by', '=', this.processId)
      .where('status', '=', 'sending')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    due.until = until;
    return true;
  }

  private async markSent(due: Due, now: number): Promise<void> {
    await this.db
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
