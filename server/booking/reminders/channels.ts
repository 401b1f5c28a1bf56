// Where reminders go. E-mail goes over SMTP (nodemailer); SMS goes through an
// adapter, so a venue plugs in its provider — the one here POSTs JSON to a
// webhook. The in-app inbox is written in the same transaction that marks the
// reminder sent (reminder-service.ts), so it is never written twice.
import axios, { type AxiosInstance } from 'axios';
import nodemailer, { type Transporter } from 'nodemailer';

export interface ReminderText {
  subject: string;
  body: string;
}

export interface Recipient {
  email: string;
  phone: string | null;
}

export interface OutboundChannel {
  /** resolves when the message was handed over; rejects with a short reason */
  send(to: Recipient, text: ReminderText, id: string): Promise<void>;
}

/** An e-mail of any kind: a reminder, an order's tickets with their PNGs, a refund notice. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
  /** the same ID for the same message, however often it is handed over */
  messageId: string;
}

export class EmailChannel implements OutboundChannel {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from = 'Gatepost <tickets@gatepost.invalid>',
  ) {
    // Connections kept open for the messages that follow (unless the URL says `pool=false`):
    // a connection per message costs its handshake every time — here ~100 ms against ~2 ms —
    // and a stadium's reminders, or an on-sale's order e-mails, go out one after another.
    this.transport = nodemailer.createTransport(pooled(smtpUrl));
  }

  async send(to: Recipient, text: ReminderText, id: string): Promise<void> {
    // One ID per reminder: should a crash make us hand it over twice, mail
    // systems see the same message.
    await this.sendMail({ to: to.email, subject: text.subject, text: text.body, messageId: `<reminder-${id}@gatepost>` });
  }

  async sendMail(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...mail });
  }

  close(): void {
    this.transport.close();
  }
}

/** `smtpUrl` with `pool=true` unless it says otherwise; a URL only nodemailer's own parser reads is left to it as it is. */
function pooled(smtpUrl: string): string {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    return smtpUrl;
  }
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  return url.toString();
}

/** The SMS adapter interface's webhook implementation: POST {to, text, id} as JSON. */
export class SmsWebhookChannel implements OutboundChannel {
  private readonly http: AxiosInstance;

  constructor(url: string) {
    this.http = axios.create({ baseURL: url, timeout: 5000 });
  }

  async send(to: Recipient, text: ReminderText, id: string): Promise<void> {
    if (!to.phone) throw new Error('no phone number on the account');
    await this.http.post('', { to: to.phone, text: `${text.subject}\n${text.body}`, id });
  }
}
