// Sends the e-mails the booking server owes its customers, exactly as the
// reminders are sent: a row per message, written with the change it reports
// (an order issued, a ticket refunded), claimed by one process with a
// conditional write, retried with a growing wait, given up after MAX_ATTEMPTS
// with an error in the log. Without SMTP nothing is queued.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { BookingDB } from '../schema.js';
import type { EmailChannel } from '../reminders/channels.js';
import type { MailKind, OutboxTable } from './schema.js';
import { composeMail } from './compose.js';

export type OutboxRow = Selectable<OutboxTable>;

/** What a state change needs to owe an e-mail: called inside its transaction. */
export interface MailQueue {
  enqueue(trx: Transaction<BookingDB>, kind: MailKind, userId: string, ref: string): Promise<void>;
  /** after the transaction committed: send soon rather than at the next pass */
  kick(): void;
}

const MAX_ATTEMPTS = 8;
const CLAIM_S = 120;
const BATCH = 20;

export class MailOutbox implements MailQueue {
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  /** sent and failed messages, for metrics */
  onSent?: (kind: MailKind, ok: boolean) => void;

  constructor(
    private readonly db: Kysely<BookingDB>,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly email: EmailChannel | undefined,
  ) {}

  async enqueue(trx: Transaction<BookingDB>, kind: MailKind, userId: string, ref: string): Promise<void> {
    if (!this.email) return;
    const now = this.now();
    await trx
      .insertInto('outbox')
      .values({ mail_id: `${kind}:${ref}`, kind, user_id: userId, ref, state: 'due', attempts: 0, next_attempt_at: now, claimed_until: null, last_error: null, created_at: now, sent_at: null })
      .onConflict((oc) => oc.column('mail_id').doNothing())
      .execute();
  }

  kick(): void {
    if (!this.email || this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .then(() => undefined)
      .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'mail pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Every `intervalMs`: messages whose retry is due, or whose sender stopped holding the claim. */
  start(intervalMs: number): () => Promise<void> {
    const timer = setInterval(() => this.kick(), intervalMs);
    timer.unref();
    this.kick();
    return async () => {
      clearInterval(timer);
      this.closed = true;
      await this.running;
    };
  }

  /** Sends what is due now; the number sent. */
  async pass(): Promise<number> {
    if (!this.email) return 0;
    let sent = 0;
    for (const row of await this.claim()) if (await this.send(row)) sent++;
    return sent;
  }

  private async claim(): Promise<OutboxRow[]> {
    const now = this.now();
    const candidates = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where((eb) => eb.or([eb.and([eb('state', '=', 'due'), eb('next_attempt_at', '<=', now)]), eb.and([eb('state', '=', 'sending'), eb('claimed_until', '<', now)])]))
      .orderBy('next_attempt_at')
      .limit(BATCH)
      .execute();
    const claimed: OutboxRow[] = [];
    for (const row of candidates) {
      // Of two processes that saw the same row, the one whose write changes it sends it.
      const res = await this.db
        .updateTable('outbox')
        .set({ state: 'sending', claimed_until: now + CLAIM_S, attempts: row.attempts + 1 })
        .where('mail_id', '=', row.mail_id)
        .where('state', '=', row.state)
        .where('attempts', '=', row.attempts)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) claimed.push({ ...row, attempts: row.attempts + 1 });
    }
    return claimed;
  }

  private async send(row: OutboxRow): Promise<boolean> {
    try {
      const mail = await composeMail(this.db, row);
      if (mail) {
        // One Message-ID per message: handed over twice after a crash, it is still one mail to mail systems.
        await this.email!.sendMail({ ...mail, messageId: `<${row.mail_id.replace(':', '-')}@gatepost>` });
      }
      await this.db.updateTable('outbox').set({ state: 'sent', sent_at: this.now(), claimed_until: null, last_error: null }).where('mail_id', '=', row.mail_id).execute();
      this.log.info({ mail: row.kind, ref: row.ref, attachments: mail?.attachments?.length ?? 0, skipped: mail === undefined }, 'e-mail sent');
      this.onSent?.(row.kind, true);
      return mail !== undefined;
    } catch (err) {
      const message = (err as Error).message.slice(0, 500);
      const givenUp = row.attempts >= MAX_ATTEMPTS;
      const wait = Math.min(3600, 30 * 2 ** (row.attempts - 1));
      await this.db
        .updateTable('outbox')
        .set({ state: givenUp ? 'failed' : 'due', next_attempt_at: this.now() + wait, claimed_until: null, last_error: message })
        .where('mail_id', '=', row.mail_id)
        .execute();
      if (givenUp) this.log.error({ mail: row.kind, ref: row.ref, attempts: row.attempts, err: message }, 'e-mail given up');
      else this.log.warn({ mail: row.kind, ref: row.ref, attempt: row.attempts, retryInS: wait, err: message }, 'e-mail not sent; will retry');
      this.onSent?.(row.kind, false);
      return false;
    }
  }
}
