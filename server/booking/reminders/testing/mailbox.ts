// Test support: a real SMTP server in-process (smtp-server) that keeps what it
// receives and tells waiters when a message arrives.
import { EventEmitter, once } from 'node:events';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
  subject: string;
  /** e.g. `<reminder-…@gatepost>`, `<order_confirmation-…@gatepost>` */
  messageId: string;
}

/** The reminders among what arrived (the server also sends order and refund e-mails). */
export const isReminder = (m: ReceivedMail) => m.messageId.startsWith('<reminder-');

export class TestMailbox extends EventEmitter {
  readonly mails: ReceivedMail[] = [];
  private readonly server: SMTPServer;
  url = '';
  /** how many of the next messages to refuse with a temporary failure (451), as a busy mail server does */
  refuseNext = 0;
  /** messages refused so far */
  refused = 0;
  /** SMTP connections opened to it so far */
  connections = 0;
  /** awaited before a message is accepted: the mail server is still busy with it meanwhile */
  whileAccepting?: (mail: ReceivedMail) => Promise<void> | void;

  constructor() {
    super();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect: (_session, callback) => {
        this.connections++;
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.refuseNext > 0) {
            this.refuseNext--;
            this.refused++;
            this.emit('refused');
            return callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const subject = /^Subject: (.*)$/im.exec(raw)?.[1] ?? '';
          const messageId = /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? '';
          const mail = { to: session.envelope.rcptTo.map((r) => r.address), raw, subject, messageId };
          this.mails.push(mail);
          this.emit('mail');
          void Promise.resolve(this.whileAccepting?.(mail)).then(
            () => callback(),
            (err: Error) => callback(err),
          );
        });
      },
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const addr = this.server.server.address() as { port: number };
    this.url = `smtp://127.0.0.1:${addr.port}`;
  }

  /** Resolves once `count` mails (of those `which` picks) have arrived in all. */
  async waitFor(count: number, timeoutMs = 20_000, which: (m: ReceivedMail) => boolean = () => true): Promise<void> {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (this.mails.filter(which).length < count) await once(this, 'mail', { signal: deadline });
  }

  /** The reminders that arrived so far. */
  get reminders(): ReceivedMail[] {
    return this.mails.filter(isReminder);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
